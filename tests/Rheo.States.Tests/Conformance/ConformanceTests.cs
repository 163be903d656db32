using System.Text.Json;
using System.Text.Json.Nodes;
using Rheo.States.Execution;
using Rheo.States.Tests.Execution;

namespace Rheo.States.Tests.Conformance;

/// <summary>Runs every case folder under Conformance/ (the shared ASL cases plus our own) and compares the fields it lists.</summary>
public sealed class ConformanceTests
{
    public static TheoryData<string> Cases() => ConformanceCase.Names();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case_produces_the_expected_result(string name)
    {
        var actual = Run(ConformanceCase.Read(name, "definition.asl.json"), ConformanceCase.Read(name, "input.json"));

        ConformanceCase.AssertMatches(name, actual);
    }

    /// <summary>The result in the shape of the <c>rheo states run</c> contract.</summary>
    internal static JsonObject Run(string definitionJson, string inputJson)
    {
        if (!StateMachineDefinition.TryParse(definitionJson, out var definition, out var diagnostics))
        {
            return Result("CREATE_FAILED", null, "InvalidDefinition", string.Join("\n", diagnostics));
        }

        JsonNode? input;
        try
        {
            input = JsonNode.Parse(inputJson);
        }
        catch (JsonException e)
        {
            return Result("START_FAILED", null, "InvalidExecutionInput", e.Message);
        }

        var state = new VirtualDriver(definition!).Run(input);
        var status = state.Status switch
        {
            ExecutionStatus.Succeeded => "SUCCEEDED",
            ExecutionStatus.Failed => "FAILED",
            ExecutionStatus.TimedOut => "TIMED_OUT",
            ExecutionStatus.Aborted => "ABORTED",
            _ => "RUNNING",
        };
        return Result(status, state.Output is null ? null : JsonNode.Parse(state.Output.ToJsonString()), state.Error, state.Cause);
    }

    private static JsonObject Result(string status, JsonNode? output, string? error, string? cause) =>
        new() { ["status"] = status, ["output"] = output, ["error"] = error, ["cause"] = cause };
}
