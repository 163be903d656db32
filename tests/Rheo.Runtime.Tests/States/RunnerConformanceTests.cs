using System.Text.Json.Nodes;
using Rheo.Runtime.States;
using Rheo.States.Tests;

namespace Rheo.Runtime.Tests.States;

/// <summary>Every conformance case again, through the real runner (thread pool, channels, TimeProvider timers).</summary>
public sealed class RunnerConformanceTests
{
    public static TheoryData<string> Cases() => ConformanceCase.Names();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Case_produces_the_expected_result_through_the_runner(string name)
    {
        var runner = new StateMachineRunner(options: new StateMachineRunnerOptions { TimeProvider = new FakeTimeProvider { AutoAdvance = true } });
        var options = new ExecutionOptions
        {
            StateMachineName = "peer-sm",
            ExecutionName = "peer-exec",
            Account = "123456789012",
            Region = "us-east-1",
            RoleArn = "arn:aws:iam::123456789012:role/asl-peer-role",
        };

        var result = await runner.RunAsync(
            ConformanceCase.Read(name, "definition.asl.json"),
            ConformanceCase.Read(name, "input.json"),
            options,
            CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        ConformanceCase.AssertMatches(name, JsonNode.Parse(result.ToJsonLine())!.AsObject());
    }
}
