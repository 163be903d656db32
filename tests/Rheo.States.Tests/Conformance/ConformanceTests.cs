using System.Text.Json;
using System.Text.Json.Nodes;
using Rheo.States.Execution;
using Rheo.States.Tests.Execution;

namespace Rheo.States.Tests.Conformance;

/// <summary>Runs every case folder under Conformance/ (the shared ASL cases plus our own) and compares the fields it lists.</summary>
public sealed class ConformanceTests
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
    public void Case_produces_the_expected_result(string name)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Conformance", name);
        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "expected.json")))!.AsObject();

        var actual = Run(File.ReadAllText(Path.Combine(dir, "definition.asl.json")), File.ReadAllText(Path.Combine(dir, "input.json")));

        foreach (var field in expected["compare"]!.AsArray().Select(f => f!.GetValue<string>()))
        {
            switch (field)
            {
                case "cause_contains":
                    var cause = actual["cause"]?.GetValue<string>() ?? string.Empty;
                    Assert.Contains(expected["cause_contains"]!.GetValue<string>(), cause, StringComparison.Ordinal);
                    break;
                default:
                    Assert.True(
                        JsonEquality.Equal(expected[field], actual[field]),
                        $"{field}: expected {expected[field]?.ToJsonString() ?? "null"} but was {actual[field]?.ToJsonString() ?? "null"} (whole result {actual.ToJsonString()})");
                    break;
            }
        }
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
