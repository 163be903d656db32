using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rheo.States.JsonPath;

namespace Rheo.States.Intrinsics;

/// <summary>One of the <c>States.*</c> intrinsic functions, with its arity.</summary>
internal sealed class IntrinsicFunction
{
    private const int MaxStringLength = 10_000;
    private const int MaxRangeItems = 1_000;

    private static readonly Dictionary<string, IntrinsicFunction> Functions = new IntrinsicFunction[]
    {
        new("States.Format", 1, int.MaxValue, static (_, _, _) => null),
        new("States.StringToJson", 1, 1, StringToJson),
        new("States.JsonToString", 1, 1, (_, a, _) => JsonValue.Create(JsonNodes.Serialize(a[0]))),
        new("States.Array", 0, int.MaxValue, (_, a, _) => new JsonArray(a)),
        new("States.ArrayPartition", 2, 2, ArrayPartition),
        new("States.ArrayContains", 2, 2, (f, a, _) => JsonValue.Create(ArrayArg(f, a, 0).Any(x => JsonNodes.DeepEquals(x, a[1])))),
        new("States.ArrayRange", 3, 3, ArrayRange),
        new("States.ArrayGetItem", 2, 2, ArrayGetItem),
        new("States.ArrayLength", 1, 1, (f, a, _) => JsonValue.Create(ArrayArg(f, a, 0).Count)),
        new("States.ArrayUnique", 1, 1, ArrayUnique),
        new("States.Base64Encode", 1, 1, (f, a, _) => JsonValue.Create(Convert.ToBase64String(Encoding.UTF8.GetBytes(StringArg(f, a, 0, MaxStringLength))))),
        new("States.Base64Decode", 1, 1, Base64Decode),
        new("States.Hash", 2, 2, Hash),
        new("States.JsonMerge", 3, 3, JsonMerge),
        new("States.MathRandom", 2, 3, MathRandom),
        new("States.MathAdd", 2, 2, MathAdd),
        new("States.StringSplit", 2, 2, StringSplit),
        new("States.UUID", 0, 0, (_, _, random) => JsonValue.Create(Uuid(random))),
    }.ToDictionary(f => f.Name, StringComparer.Ordinal);

    private readonly Func<IntrinsicFunction, JsonNode?[], Random, JsonNode?> _body;

    private IntrinsicFunction(string name, int min, int max, Func<IntrinsicFunction, JsonNode?[], Random, JsonNode?> body)
    {
        Name = name;
        MinArguments = min;
        MaxArguments = max;
        _body = body;
    }

    public static IEnumerable<string> Names => Functions.Keys.Order(StringComparer.Ordinal);

    public string Name { get; }

    public int MinArguments { get; }

    public int MaxArguments { get; }

    public static bool TryFind(string name, out IntrinsicFunction? function) => Functions.TryGetValue(name, out function);

    public JsonNode? Invoke(IntrinsicExpression call, JsonNode?[] arguments, Random random)
    {
        // Format needs the template with its brace escapes, which the evaluated string has lost.
        if (Name == "States.Format")
        {
            return FormatCall(call, arguments);
        }

        return _body(this, arguments, random);
    }

    /// <summary>A random version-4 UUID drawn from the given source, so tests can seed it.</summary>
    public static string Uuid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        var hex = Convert.ToHexStringLower(bytes);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }

    private JsonValue FormatCall(IntrinsicExpression call, JsonNode?[] arguments)
    {
        var template = call.Arguments[0] is LiteralArgument { Template: { } raw } ? raw : StringArg(this, arguments, 0, int.MaxValue).Replace("{", "\\{", StringComparison.Ordinal).Replace("}", "\\}", StringComparison.Ordinal).Replace("\\{\\}", "{}", StringComparison.Ordinal);
        var sb = new StringBuilder();
        var next = 1;
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '\\' && i + 1 < template.Length && template[i + 1] is '{' or '}' or '\\')
            {
                sb.Append(template[++i]);
            }
            else if (c == '{' && i + 1 < template.Length && template[i + 1] == '}')
            {
                if (next >= arguments.Length)
                {
                    throw new IntrinsicFailure($"States.Format: the template has more '{{}}' placeholders than the {arguments.Length - 1} argument(s) given.");
                }

                var value = arguments[next++];
                if (value is JsonObject or JsonArray)
                {
                    throw new IntrinsicFailure("States.Format: arguments must be strings, numbers, booleans or null, not objects or arrays.");
                }

                sb.Append(JsonNodes.TryGetString(value, out var s) ? s : JsonNodes.Serialize(value));
                i++;
            }
            else
            {
                sb.Append(c);
            }
        }

        if (next != arguments.Length)
        {
            throw new IntrinsicFailure($"States.Format: the template has {next - 1} '{{}}' placeholder(s) but {arguments.Length - 1} argument(s) were given.");
        }

        return JsonValue.Create(sb.ToString());
    }

    private static JsonNode? StringToJson(IntrinsicFunction f, JsonNode?[] a, Random r)
    {
        var text = StringArg(f, a, 0, int.MaxValue);
        try
        {
            return JsonNodes.Parse(text);
        }
        catch (JsonException e)
        {
            throw new IntrinsicFailure($"States.StringToJson: the argument is not valid JSON: {e.Message}");
        }
    }

    private static JsonArray ArrayPartition(IntrinsicFunction f, JsonNode?[] a, Random r)
    {
        var array = ArrayArg(f, a, 0);
        var size = IntArg(f, a, 1);
        if (size <= 0)
        {
            throw new IntrinsicFailure("States.ArrayPartition: the chunk size must be a positive integer.");
        }

        var result = new JsonArray();
        for (var i = 0; i < array.Count; i += (int)size)
        {
            var chunk = new JsonArray();
            for (var j = i; j < Math.Min(array.Count, i + size); j++)
            {
                chunk.Add(JsonNodes.Own(array[j]));
            }

            result.Add(chunk);
        }

        return result;
    }

    private static JsonArray ArrayRange(IntrinsicFunction f, JsonNode?[] a, Random r)
    {
        var start = IntArg(f, a, 0);
        var end = IntArg(f, a, 1);
        var step = IntArg(f, a, 2);
        if (step == 0)
        {
            throw new IntrinsicFailure("States.ArrayRange: the step must not be 0.");
        }

        var result = new JsonArray();
        for (var v = start; step > 0 ? v <= end : v >= end; v += step)
        {
            if (result.Count == MaxRangeItems)
            {
                throw new IntrinsicFailure($"States.ArrayRange: the range has more than {MaxRangeItems} items.");
            }

            result.Add(JsonValue.Create(v));
        }

        return result;
    }

    private static JsonNode? ArrayGetItem(IntrinsicFunction f, JsonNode?[] a, Random r)
    {
        var array = ArrayArg(f, a, 0);
        var index = IntArg(f, a, 1);
        if (index < 0 || index >= array.Count)
        {
            throw new IntrinsicFailure($"States.ArrayGetItem: index {index} is out of range for an array of {array.Count} item(s).");
        }

        return JsonNodes.Own(array[(int)index]);
    }

    private static JsonArray ArrayUnique(IntrinsicFunction f, JsonNode?[] a, Random r)
    {
        var result = new JsonArray();
        var kept = new List<JsonNode?>();
        foreach (var item in ArrayArg(f, a, 0))
        {
            if (!kept.Any(k => JsonNodes.DeepEquals(k, item)))
            {
                kept.Add(item);
                result.Add(JsonNodes.Own(item));
            }
        }

        return result;
    }

    private static JsonValue Base64Decode(IntrinsicFunction f, JsonNode?[] a, Random r)
    {
        var text = StringArg(f, a, 0, MaxStringLength);
        try
        {
            return JsonValue.Create(Encoding.UTF8.GetString(Convert.FromBase64String(text)));
        }
        catch (FormatException)
        {
            throw new IntrinsicFailure("States.Base64Decode: the argument is not valid base64.");
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms", Justification = "States.Hash must offer SHA-1 as the ASL specification does; it is not used for security here.")]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5351:Do Not Use Broken Cryptographic Primitives", Justification = "States.Hash must offer MD5 as the ASL specification does; it is not used for security here.")]
    private static JsonValue Hash(IntrinsicFunction f, JsonNode?[] a, Random r)
    {
        var data = JsonNodes.TryGetString(a[0], out var s) ? s : JsonNodes.Serialize(a[0]);
        if (data.Length > MaxStringLength)
        {
            throw new IntrinsicFailure($"States.Hash: the data is longer than {MaxStringLength} characters.");
        }

        var bytes = Encoding.UTF8.GetBytes(data);
        var algorithm = StringArg(f, a, 1, int.MaxValue);
        var hash = algorithm switch
        {
            "MD5" => MD5.HashData(bytes),
            "SHA-1" => SHA1.HashData(bytes),
            "SHA-256" => SHA256.HashData(bytes),
            "SHA-384" => SHA384.HashData(bytes),
            "SHA-512" => SHA512.HashData(bytes),
            _ => throw new IntrinsicFailure($"States.Hash: unknown algorithm '{algorithm}'; valid algorithms are MD5, SHA-1, SHA-256, SHA-384, SHA-512."),
        };
        return JsonValue.Create(Convert.ToHexStringLower(hash));
    }

    private static JsonObject JsonMerge(IntrinsicFunction f, JsonNode?[] a, Random r)
    {
        if (a[0] is not JsonObject left || a[1] is not JsonObject right)
        {
            throw new IntrinsicFailure("States.JsonMerge: the first two arguments must be JSON objects.");
        }

        if (JsonNodes.Kind(a[2]) != JsonValueKind.False)
        {
            throw new IntrinsicFailure("States.JsonMerge: only shallow merging is supported; the third argument must be false.");
        }

        var result = (JsonObject)left.DeepClone();
        foreach (var (key, value) in right)
        {
            result[key] = JsonNodes.Own(value);
        }

        return result;
    }

    private static JsonValue MathRandom(IntrinsicFunction f, JsonNode?[] a, Random r)
    {
        var start = IntArg(f, a, 0);
        var end = IntArg(f, a, 1);
        if (end <= start)
        {
            throw new IntrinsicFailure("States.MathRandom: the end must be greater than the start.");
        }

        // A seed makes the call reproducible, as in Step Functions; without one the injected source decides.
#pragma warning disable CA5394 // Not for security: a workflow value, reproducible on purpose.
        var source = a.Length == 3 ? new Random(unchecked((int)IntArg(f, a, 2))) : r;
        return JsonValue.Create(source.NextInt64(start, end));
#pragma warning restore CA5394
    }

    private static JsonNode? MathAdd(IntrinsicFunction f, JsonNode?[] a, Random r)
    {
        if (!JsonNodes.TryGetDouble(a[0], out var x) || !JsonNodes.TryGetDouble(a[1], out var y))
        {
            throw new IntrinsicFailure("States.MathAdd: both arguments must be numbers.");
        }

        return JsonNodes.Number(x + y);
    }

    private static JsonArray StringSplit(IntrinsicFunction f, JsonNode?[] a, Random r)
    {
        var text = StringArg(f, a, 0, int.MaxValue);
        var delimiters = StringArg(f, a, 1, int.MaxValue);
        var parts = delimiters.Length == 0 ? [text] : text.Split(delimiters.ToCharArray(), StringSplitOptions.RemoveEmptyEntries);
        var result = new JsonArray();
        foreach (var part in parts)
        {
            result.Add(JsonValue.Create(part));
        }

        return result;
    }

    private static JsonArray ArrayArg(IntrinsicFunction f, JsonNode?[] a, int i) =>
        a[i] as JsonArray ?? throw new IntrinsicFailure($"{f.Name}: argument {i + 1} must be an array but was {Describe(a[i])}.");

    private static string StringArg(IntrinsicFunction f, JsonNode?[] a, int i, int maxLength)
    {
        if (!JsonNodes.TryGetString(a[i], out var s))
        {
            throw new IntrinsicFailure($"{f.Name}: argument {i + 1} must be a string but was {Describe(a[i])}.");
        }

        return s.Length > maxLength ? throw new IntrinsicFailure($"{f.Name}: argument {i + 1} is longer than {maxLength} characters.") : s;
    }

    private static long IntArg(IntrinsicFunction f, JsonNode?[] a, int i) =>
        JsonNodes.TryGetInteger(a[i], out var v) ? v : throw new IntrinsicFailure($"{f.Name}: argument {i + 1} must be an integer but was {Describe(a[i])}.");

    private static string Describe(JsonNode? node) => JsonNodes.Kind(node) switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number " + JsonNodes.Serialize(node),
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    } + (JsonNodes.Kind(node) == JsonValueKind.String ? string.Create(CultureInfo.InvariantCulture, $" '{node}'") : string.Empty);
}
