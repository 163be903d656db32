using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rheo.States.Tests;

/// <summary>Structural JSON equality for assertions; numbers compare by value (1000.0 equals 1e3).</summary>
internal static class JsonEquality
{
    public static bool Equal(JsonNode? a, JsonNode? b)
    {
        var kind = a?.GetValueKind() ?? JsonValueKind.Null;
        if (kind != (b?.GetValueKind() ?? JsonValueKind.Null))
        {
            return false;
        }

        return kind switch
        {
            JsonValueKind.Object => a!.AsObject().Count == b!.AsObject().Count
                && a.AsObject().All(p => b.AsObject().TryGetPropertyValue(p.Key, out var v) && Equal(p.Value, v)),
            JsonValueKind.Array => a!.AsArray().Count == b!.AsArray().Count
                && a.AsArray().Zip(b.AsArray()).All(p => Equal(p.First, p.Second)),
            JsonValueKind.Number => a!.GetValue<JsonElement>().GetDouble() == b!.GetValue<JsonElement>().GetDouble(),
            JsonValueKind.String => a!.GetValue<string>() == b!.GetValue<string>(),
            _ => true,
        };
    }

    public static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(Equal(JsonNode.Parse(expected), JsonNode.Parse(actual?.ToJsonString() ?? "null")), $"expected {expected} but was {actual?.ToJsonString() ?? "null"}");
}
