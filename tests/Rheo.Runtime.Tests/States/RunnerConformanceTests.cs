using System.Text.Json.Nodes;
using Rheo.Runtime.States;
using Rheo.States.Tests;

namespace Rheo.Runtime.Tests.States;

/// <summary>Every conformance case again, through the real runner (thread pool, channels, TimeProvider timers).</summary>
public sealed class RunnerConformanceTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(Path.Combine(AppContext.BaseDirectory, "Conformance")).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(dir));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Case_produces_the_expected_result_through_the_runner(string name)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Conformance", name);
        var expected = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "expected.json")))!.AsObject();
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
            await File.ReadAllTextAsync(Path.Combine(dir, "definition.asl.json")),
            await File.ReadAllTextAsync(Path.Combine(dir, "input.json")),
            options,
            CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        var actual = JsonNode.Parse(result.ToJsonLine())!.AsObject();
        foreach (var field in expected["compare"]!.AsArray().Select(f => f!.GetValue<string>()))
        {
            if (field == "cause_contains")
            {
                Assert.Contains(expected["cause_contains"]!.GetValue<string>(), result.Cause ?? string.Empty, StringComparison.Ordinal);
            }
            else
            {
                Assert.True(JsonEquality.Equal(expected[field], actual[field]), $"{field}: expected {expected[field]?.ToJsonString()} but was {actual[field]?.ToJsonString()}");
            }
        }
    }
}
