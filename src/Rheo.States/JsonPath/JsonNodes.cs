using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rheo.States.JsonPath;

/// <summary>
/// JSON helpers shared by paths, intrinsics and the interpreter.
/// </summary>
/// <remarks>
/// Values flowing through an execution are never mutated once built, and may be read by concurrent iterations; so
/// every insertion into a container inserts a deep copy (<see cref="Own"/>), which also sidesteps the single-parent
/// rule of <see cref="JsonNode"/>.
/// </remarks>
internal static class JsonNodes
{
    /// <summary>Serializer options matching what Step Functions prints: compact, no HTML escaping.</summary>
    public static readonly JsonSerializerOptions Compact = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 512 };

    public static JsonNode? Own(JsonNode? node) => node?.DeepClone();

    /// <summary>
    /// Forces every object and array of a tree to build its children now. Nodes parsed by <see cref="JsonNode.Parse(string, JsonNodeOptions?, JsonDocumentOptions)"/>
    /// build them lazily on first read, which is not safe when concurrent iterations read the same node first.
    /// </summary>
    public static JsonNode? Materialize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj)
                {
                    Materialize(child);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Materialize(child);
                }

                break;
        }

        return node;
    }

    public static string Serialize(JsonNode? node) => node is null ? "null" : node.ToJsonString(Compact);

    /// <summary>Parses JSON into fully built nodes (no lazy element backing), safe for concurrent readers.</summary>
    public static JsonNode? Parse(string json)
    {
        using var document = JsonDocument.Parse(json, DocumentOptions);
        return FromElement(document.RootElement);
    }

    public static JsonNode? FromElement(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = new JsonObject();
                foreach (var property in element.EnumerateObject())
                {
                    // Later duplicates win, as in most JSON readers; the validator reports duplicates in definitions.
                    obj[property.Name] = FromElement(property.Value);
                }

                return obj;
            case JsonValueKind.Array:
                var array = new JsonArray();
                foreach (var item in element.EnumerateArray())
                {
                    array.Add(FromElement(item));
                }

                return array;
            case JsonValueKind.String:
                return JsonValue.Create(element.GetString());
            case JsonValueKind.Number:
                return JsonValue.Create(element.Clone());
            case JsonValueKind.True:
                return JsonValue.Create(true);
            case JsonValueKind.False:
                return JsonValue.Create(false);
            default:
                return null;
        }
    }

    public static JsonValueKind Kind(JsonNode? node) => node is null ? JsonValueKind.Null : node.GetValueKind();

    public static bool IsNumber(JsonNode? node) => Kind(node) == JsonValueKind.Number;

    public static bool IsString(JsonNode? node) => Kind(node) == JsonValueKind.String;

    public static bool IsBoolean(JsonNode? node) => Kind(node) is JsonValueKind.True or JsonValueKind.False;

    public static bool TryGetString(JsonNode? node, out string value)
    {
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            value = v.GetValue<string>();
            return true;
        }

        value = string.Empty;
        return false;
    }

    public static bool TryGetDouble(JsonNode? node, out double value)
    {
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
        {
            if (v.TryGetValue(out JsonElement element))
            {
                return element.TryGetDouble(out value);
            }

            return v.TryGetValue(out value) || TryConvert(v, out value);
        }

        value = 0;
        return false;
    }

    /// <summary>True when the node is a number with no fractional part that fits a 64-bit integer.</summary>
    public static bool TryGetInteger(JsonNode? node, out long value)
    {
        if (TryGetDouble(node, out var d) && Math.Floor(d) == d && d >= long.MinValue && d <= long.MaxValue)
        {
            value = (long)d;
            return true;
        }

        value = 0;
        return false;
    }

    public static JsonNode Number(double value) =>
        Math.Floor(value) == value && Math.Abs(value) < 9e15 ? JsonValue.Create((long)value) : JsonValue.Create(value);

    /// <summary>Structural equality; numbers compare by value (<c>1000.0</c> equals <c>1e3</c>).</summary>
    public static bool DeepEquals(JsonNode? a, JsonNode? b)
    {
        var kind = Kind(a);
        if (kind != Kind(b))
        {
            return false;
        }

        switch (kind)
        {
            case JsonValueKind.Object:
                var oa = (JsonObject)a!;
                var ob = (JsonObject)b!;
                if (oa.Count != ob.Count)
                {
                    return false;
                }

                foreach (var (key, value) in oa)
                {
                    if (!ob.TryGetPropertyValue(key, out var other) || !DeepEquals(value, other))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValueKind.Array:
                var aa = (JsonArray)a!;
                var ab = (JsonArray)b!;
                if (aa.Count != ab.Count)
                {
                    return false;
                }

                for (var i = 0; i < aa.Count; i++)
                {
                    if (!DeepEquals(aa[i], ab[i]))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValueKind.Number:
                return TryGetDouble(a, out var da) && TryGetDouble(b, out var db) && da == db;
            case JsonValueKind.String:
                TryGetString(a, out var sa);
                TryGetString(b, out var sb);
                return string.Equals(sa, sb, StringComparison.Ordinal);
            default:
                return true;
        }
    }

    private static bool TryConvert(JsonValue value, out double result)
    {
        if (value.TryGetValue(out int i))
        {
            result = i;
            return true;
        }

        if (value.TryGetValue(out long l))
        {
            result = l;
            return true;
        }

        if (value.TryGetValue(out decimal m))
        {
            result = (double)m;
            return true;
        }

        return double.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out result);
    }
}
