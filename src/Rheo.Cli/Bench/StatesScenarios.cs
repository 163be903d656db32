using System.Text.Json.Nodes;

namespace Rheo.Cli.Bench;

/// <summary>The state machines the ASL benchmarks run (shared with bench/Rheo.Benchmarks, which links this file).</summary>
internal static class StatesScenarios
{
    /// <summary>A chain of <paramref name="count"/> Pass states.</summary>
    public static string PassChain(int count)
    {
        var states = new JsonObject();
        for (var i = 0; i < count; i++)
        {
            var state = new JsonObject { ["Type"] = "Pass" };
            if (i == count - 1)
            {
                state["End"] = true;
            }
            else
            {
                state["Next"] = $"S{i + 1}";
            }

            states[$"S{i}"] = state;
        }

        return new JsonObject { ["StartAt"] = "S0", ["States"] = states }.ToJsonString();
    }

    /// <summary>A Map over <c>$.items</c> whose iterations run three Pass states (one with Parameters, one with ResultPath).</summary>
    public static string MapOfThreePasses(int maxConcurrency = 0) => $$"""
        {
          "StartAt": "M",
          "States": {
            "M": {
              "Type": "Map",
              "ItemsPath": "$.items",
              "MaxConcurrency": {{maxConcurrency}},
              "ItemProcessor": {
                "StartAt": "A",
                "States": {
                  "A": { "Type": "Pass", "Parameters": { "v.$": "$" }, "Next": "B" },
                  "B": { "Type": "Pass", "Result": 1, "ResultPath": "$.one", "Next": "C" },
                  "C": { "Type": "Pass", "End": true }
                }
              },
              "End": true
            }
          }
        }
        """;

    /// <summary>Input with <paramref name="count"/> integer items under <c>items</c>.</summary>
    public static JsonNode Items(int count)
    {
        var items = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            items.Add(i);
        }

        return new JsonObject { ["items"] = items };
    }

    /// <summary>A 10-state machine mixing Pass, Choice and a ResultPath, as a typical small workflow.</summary>
    public static string TenStates() => """
        {
          "StartAt": "S0",
          "States": {
            "S0": { "Type": "Pass", "Result": { "n": 1 }, "ResultPath": "$.r", "Next": "S1" },
            "S1": { "Type": "Pass", "Next": "S2" },
            "S2": { "Type": "Choice", "Choices": [ { "Variable": "$.r.n", "NumericEquals": 1, "Next": "S3" } ], "Default": "S9" },
            "S3": { "Type": "Pass", "Parameters": { "n.$": "$.r.n", "k": "v" }, "Next": "S4" },
            "S4": { "Type": "Pass", "Next": "S5" },
            "S5": { "Type": "Pass", "Result": "x", "ResultPath": "$.x", "Next": "S6" },
            "S6": { "Type": "Pass", "Next": "S7" },
            "S7": { "Type": "Pass", "Next": "S8" },
            "S8": { "Type": "Succeed" },
            "S9": { "Type": "Fail", "Error": "Unexpected" }
          }
        }
        """;
}
