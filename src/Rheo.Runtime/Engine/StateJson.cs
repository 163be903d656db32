using System.Text.Json.Nodes;
using Rheo.Core.Dimensions;
using Rheo.Core.Routing;

namespace Rheo.Runtime.Engine;

/// <summary>The engine-owned JSON of pending groups and execution inputs (the store keeps it opaque).</summary>
internal static class StateJson
{
    public static string WriteGroup(Route route, ActiveTopology topology, TriggerGroup group)
    {
        var received = new JsonArray();
        for (var i = 0; i < group.Received.Count; i++)
        {
            received.Add(group.Received[i] is { } p ? Values(route.Inputs[i].Spec, p) : null);
        }

        var completed = new JsonArray();
        foreach (var (node, partition) in group.CompletedPartitions)
        {
            completed.Add(new JsonObject { ["node"] = node, ["values"] = Values(topology.SpecOf(node), partition) });
        }

        return new JsonObject
        {
            ["id"] = group.Id,
            ["createdAt"] = group.CreatedAt.ToUnixTimeMilliseconds(),
            ["received"] = received,
            ["completed"] = completed,
            ["nextCheckpoint"] = group.ToSnapshot().NextCheckpoint,
        }.ToJsonString();
    }

    public static TriggerGroupSnapshot ReadGroup(Route route, ActiveTopology topology, string json)
    {
        var o = JsonNode.Parse(json)!.AsObject();
        var received = o["received"]!.AsArray().Select((v, i) => v is JsonArray a ? Parse(route.Inputs[i].Spec, a) : (Partition?)null).ToList();
        var completed = o["completed"]!.AsArray()
            .Select(c => ((string)c!["node"]!, Parse(topology.SpecOf((string)c["node"]!), c["values"]!.AsArray())))
            .ToList();
        return new TriggerGroupSnapshot((long)o["id"]!, DateTimeOffset.FromUnixTimeMilliseconds((long)o["createdAt"]!), received, completed, (int)o["nextCheckpoint"]!);
    }

    public static string WriteInputs(IReadOnlyList<MaterializedInput> inputs)
    {
        var array = new JsonArray();
        foreach (var input in inputs)
        {
            array.Add(new JsonObject
            {
                ["index"] = input.Input.Index,
                ["name"] = input.Input.Name,
                ["datum"] = Values(input.Input.Spec, input.Datum),
                ["partitions"] = new JsonArray([.. input.Partitions.Select(p => (JsonNode)Values(input.Input.Spec, p))]),
            });
        }

        return array.ToJsonString();
    }

    public static List<MaterializedInput> ReadInputs(Route route, string json) =>
        [.. JsonNode.Parse(json)!.AsArray().Select(n =>
        {
            var input = route.Inputs[(int)n!["index"]!];
            return new MaterializedInput(input, Parse(input.Spec, n["datum"]!.AsArray()), [.. n["partitions"]!.AsArray().Select(p => Parse(input.Spec, p!.AsArray()))]);
        })];

    private static JsonArray Values(DimensionSpec spec, Partition partition) => [.. spec.Render(partition).Select(v => (JsonNode)JsonValue.Create(v))];

    private static Partition Parse(DimensionSpec spec, JsonArray values) => spec.Parse([.. values.Select(v => (object?)(string)v!)]);
}
