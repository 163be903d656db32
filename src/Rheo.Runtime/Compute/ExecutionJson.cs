using System.Globalization;
using System.Text.Json.Nodes;

namespace Rheo.Runtime.Compute;

/// <summary>An execution as the JSON a state machine or job map target receives.</summary>
/// <remarks>
/// <code>
/// {"application": "sales", "node": "report", "execution_id": 7, "attempt": 1,
///  "dimensions": {"day": "2024-05-01"},
///  "output": {"path": "/…/data/report/2024-05-01"},
///  "inputs": {"daily": {"node": "daily", "reference": false, "path": "/…", "paths": ["/…"], "partitions": [["2024-05-01"]]}},
///  "params": {"runtime_platform": "local", …the node's metadata}}
/// </code>
/// </remarks>
public static class ExecutionJson
{
    /// <summary>Builds the JSON of an execution from its compute context.</summary>
    public static JsonObject From(ComputeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var inputs = new JsonObject();
        foreach (var input in context.Inputs)
        {
            inputs[input.Name] = new JsonObject
            {
                ["node"] = input.NodeId,
                ["reference"] = input.IsReference,
                ["path"] = input.Path,
                ["paths"] = new JsonArray([.. input.Paths.Select(p => (JsonNode?)p)]),
                ["partitions"] = new JsonArray([.. input.Partitions.Select(p => (JsonNode?)new JsonArray([.. p.Select(v => (JsonNode?)v)]))]),
            };
        }

        var parameters = new JsonObject();
        foreach (var (key, value) in context.Params)
        {
            if (key != "dimensions")
            {
                parameters[key] = value switch
                {
                    null => null,
                    string s => s,
                    bool b => b,
                    long l => l,
                    int i => i,
                    double d => d,
                    DateTime t => t.ToString("O", CultureInfo.InvariantCulture),
                    var other => Convert.ToString(other, CultureInfo.InvariantCulture),
                };
            }
        }

        return new JsonObject
        {
            ["application"] = context.Application,
            ["node"] = context.Output.NodeId,
            ["execution_id"] = context.ExecutionId,
            ["attempt"] = context.Attempt,
            ["dimensions"] = new JsonObject([.. context.Dimensions.Select(d => KeyValuePair.Create(d.Key, (JsonNode?)d.Value))]),
            ["output"] = new JsonObject { ["path"] = context.Output.Path },
            ["inputs"] = inputs,
            ["params"] = parameters,
        };
    }
}
