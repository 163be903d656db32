using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rheo.Core.Dimensions;
using Rheo.Core.Routing;

namespace Rheo.Runtime.Engine;

/// <summary>The engine-owned JSON of pending groups and execution inputs (the store keeps it opaque).</summary>
internal static class StateJson
{
    // The processor writes groups from one thread at a time; one buffer per thread saves an allocation per group.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _buffer;

    public static string WriteGroup(Route route, ActiveTopology topology, TriggerGroup group)
    {
        var buffer = _buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("id", group.Id);
            writer.WriteNumber("createdAt", group.CreatedAt.ToUnixTimeMilliseconds());
            writer.WriteStartArray("received");
            for (var i = 0; i < group.Received.Count; i++)
            {
                if (group.Received[i] is { } p)
                {
                    WriteValues(writer, route.Inputs[i].Spec, p);
                }
                else
                {
                    writer.WriteNullValue();
                }
            }

            writer.WriteEndArray();
            writer.WriteStartArray("completed");
            foreach (var (node, partition) in group.CompletedPartitions)
            {
                writer.WriteStartObject();
                writer.WriteString("node", node);
                writer.WritePropertyName("values");
                WriteValues(writer, topology.SpecOf(node), partition);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteNumber("nextCheckpoint", group.NextCheckpoint);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteValues(Utf8JsonWriter writer, DimensionSpec spec, Partition partition)
    {
        writer.WriteStartArray();
        for (var i = 0; i < partition.Count; i++)
        {
            writer.WriteStringValue(spec[i].Render(partition[i]));
        }

        writer.WriteEndArray();
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
