using System.Buffers;
using System.Text.Json;
using Rheo.Runtime.Storage;

namespace Rheo.Runtime.Hooks;

/// <summary>A hook context as the outbox keeps it: the transition a hook call reports, read back by whichever engine runs the call.</summary>
internal static class HookJson
{
    public static string Write(HookContext context)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("application", context.Application);
            json.WriteString("route", context.RouteId);
            json.WriteString("type", context.Type.ToString());
            json.WriteString("at", context.At);
            json.WriteStartObject("dimensions");
            foreach (var (name, value) in context.Dimensions)
            {
                json.WriteString(name, value);
            }

            json.WriteEndObject();
            if (context.ExecutionId is { } execution)
            {
                json.WriteNumber("execution", execution);
            }

            if (context.PendingGroupId is { } group)
            {
                json.WriteNumber("group", group);
            }

            if (context.Checkpoint is { } checkpoint)
            {
                json.WriteNumber("checkpointTicks", checkpoint.Ticks);
            }

            if (context.ComputeRecord is { } record)
            {
                json.WriteStartObject("record");
                json.WriteNumber("execution", record.ExecutionId);
                json.WriteNumber("target", record.TargetIndex);
                json.WriteNumber("attempt", record.Attempt);
                json.WriteString("compute", record.Target);
                json.WriteString("status", record.Status.ToString());
                json.WriteString("startedAt", record.StartedAt);
                json.WriteString("endedAt", record.EndedAt);
                json.WriteString("error", record.Error);
                json.WriteString("log", record.LogPath);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static HookContext Read(string text)
    {
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        var dimensions = root.GetProperty("dimensions").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
        ComputeRecord? record = null;
        if (root.TryGetProperty("record", out var r))
        {
            record = new ComputeRecord(r.GetProperty("execution").GetInt64(), r.GetProperty("target").GetInt32(), r.GetProperty("attempt").GetInt32(), r.GetProperty("compute").GetString()!,
                Enum.Parse<ComputeStatus>(r.GetProperty("status").GetString()!), r.GetProperty("startedAt").GetDateTimeOffset(), r.GetProperty("endedAt").GetDateTimeOffset(),
                r.GetProperty("error").GetString(), r.GetProperty("log").GetString());
        }

        return new HookContext(
            root.GetProperty("application").GetString()!,
            root.GetProperty("route").GetString()!,
            Enum.Parse<HookType>(root.GetProperty("type").GetString()!),
            root.GetProperty("at").GetDateTimeOffset(),
            dimensions,
            root.TryGetProperty("execution", out var e) ? e.GetInt64() : null,
            root.TryGetProperty("group", out var g) ? g.GetInt64() : null,
            record,
            root.TryGetProperty("checkpointTicks", out var c) ? TimeSpan.FromTicks(c.GetInt64()) : null);
    }
}
