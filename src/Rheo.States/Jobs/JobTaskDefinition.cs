using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rheo.States.Jobs;

/// <summary>What a job map may name in a function or aggregate task: one registered task, described as data.</summary>
/// <param name="Namespace">The task's namespace (<c>namespace</c> in the map).</param>
/// <param name="Name">The task's name within the namespace (<c>method</c> in the map).</param>
/// <param name="Consumes">The type tag of the dictionaries it accepts; <c>null</c> accepts any.</param>
/// <param name="Produces">The type tag of the dictionaries it returns; <c>null</c> for any.</param>
/// <param name="Description">One sentence for a person composing a map.</param>
/// <param name="FansOut">Whether it returns a list of dictionaries, each passed on to the next tasks on its own.</param>
/// <param name="Parameters">The <c>init_args</c> it takes.</param>
public sealed record JobTaskDefinition(
    string Namespace,
    string Name,
    string? Consumes,
    string? Produces,
    string? Description,
    bool FansOut,
    IReadOnlyList<JobTaskParameter> Parameters)
{
    /// <summary><c>namespace.name</c>.</summary>
    public string QualifiedName => $"{Namespace}.{Name}";

    /// <summary>The definition as JSON, the shape <c>rheo job tasks --json</c> prints, for a person or a UI composing maps.</summary>
    public JsonObject ToJson()
    {
        var parameters = new JsonArray();
        foreach (var p in Parameters)
        {
            parameters.Add(p.ToJson());
        }

        return new JsonObject
        {
            ["namespace"] = Namespace,
            ["method"] = Name,
            ["consumes"] = Consumes,
            ["produces"] = Produces,
            ["fan_out"] = FansOut,
            ["description"] = Description,
            ["init_args"] = parameters,
        };
    }
}

/// <summary>One constructor argument of a task, given in the map's <c>init_args</c>.</summary>
/// <param name="Name">The key in <c>init_args</c> (snake_case).</param>
/// <param name="Type">The JSON type: <c>string</c>, <c>integer</c>, <c>number</c>, <c>boolean</c>, <c>object</c>, <c>array</c> or <c>any</c>.</param>
/// <param name="Required">Whether the map must give it.</param>
public sealed record JobTaskParameter(string Name, string Type, bool Required)
{
    /// <summary>The valid values of <see cref="Type"/>.</summary>
    public static readonly IReadOnlyList<string> Types = ["string", "integer", "number", "boolean", "object", "array", "any"];

    /// <summary>Whether <c>null</c> is accepted.</summary>
    public bool Nullable { get; init; }

    /// <summary>The value used when the map does not give one (informative; the task's own default applies).</summary>
    public JsonNode? Default { get; init; }

    /// <summary>What the argument means.</summary>
    public string? Description { get; init; }

    /// <summary>For <c>array</c>: the JSON type of each element.</summary>
    public string? Items { get; init; }

    /// <summary>For a string with a fixed set of values (an enum): the valid values.</summary>
    public IReadOnlyList<string>? AllowedValues { get; init; }

    /// <summary>For <c>integer</c>: the smallest value the argument can hold.</summary>
    public long? Minimum { get; init; }

    /// <summary>For <c>integer</c>: the largest value the argument can hold.</summary>
    public long? Maximum { get; init; }

    /// <summary>The parameter as JSON (one entry of <see cref="JobTaskDefinition.ToJson"/>).</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["name"] = Name, ["type"] = Type, ["required"] = Required };
        if (Nullable)
        {
            json["nullable"] = true;
        }

        if (Items is not null)
        {
            json["items"] = Items;
        }

        if (AllowedValues is not null)
        {
            json["enum"] = new JsonArray([.. AllowedValues.Select(v => (JsonNode?)JsonValue.Create(v))]);
        }

        if (Minimum is not null)
        {
            json["minimum"] = Minimum;
        }

        if (Maximum is not null)
        {
            json["maximum"] = Maximum;
        }

        if (!Required)
        {
            json["default"] = Default?.DeepClone();
        }

        if (Description is not null)
        {
            json["description"] = Description;
        }

        return json;
    }

    /// <summary>Checks a value from <c>init_args</c>; <paramref name="problem"/> says what is wrong and what would be valid.</summary>
    public bool Accepts(JsonNode? value, out string problem)
    {
        if (value is null)
        {
            problem = Nullable ? string.Empty : $"'{Name}' must be {Article(Type)}, not null";
            return Nullable;
        }

        if (!Matches(Type, value))
        {
            problem = $"'{Name}' must be {Article(Type)} but is {Describe(value)}";
            return false;
        }

        if (AllowedValues is not null && !AllowedValues.Contains(value.GetValue<string>(), StringComparer.Ordinal))
        {
            problem = $"'{Name}' is \"{value.GetValue<string>()}\"; valid values are {string.Join(", ", AllowedValues.Select(v => $"\"{v}\""))}";
            return false;
        }

        if (Type == "integer" && value.GetValue<JsonElement>() is var number
            && ((Minimum is { } min && (!number.TryGetInt64(out var low) || low < min)) || (Maximum is { } max && (!number.TryGetInt64(out var high) || high > max))))
        {
            problem = $"'{Name}' is {number.GetRawText()}, outside {Minimum}..{Maximum}";
            return false;
        }

        if (Type == "array" && Items is { } items && items != "any")
        {
            var index = 0;
            foreach (var element in value.AsArray())
            {
                if (element is null || !Matches(items, element))
                {
                    problem = $"'{Name}[{index}]' must be {Article(items)} but is {(element is null ? "null" : Describe(element))}";
                    return false;
                }

                index++;
            }
        }

        problem = string.Empty;
        return true;
    }

    internal static string Describe(JsonNode value) => Validation.DefinitionReader.Describe(JsonSerializer.SerializeToElement(value));

    private static bool Matches(string type, JsonNode value)
    {
        var kind = value.GetValueKind();
        return type switch
        {
            "string" => kind == JsonValueKind.String,
            "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
            "number" => kind == JsonValueKind.Number,
            "integer" => kind == JsonValueKind.Number && IsIntegral(value.GetValue<JsonElement>()),
            "object" => kind == JsonValueKind.Object,
            "array" => kind == JsonValueKind.Array,
            _ => true,
        };
    }

    private static bool IsIntegral(JsonElement number) =>
        number.TryGetInt64(out _) || (decimal.TryParse(number.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == decimal.Truncate(d));

    private static string Article(string type) => type switch
    {
        "integer" or "object" or "array" => "an " + type,
        "any" => "a JSON value",
        _ => "a " + type,
    };
}

/// <summary>The tasks a job map may use, by namespace and name; the validator checks every map against it.</summary>
/// <remarks>Immutable once built.</remarks>
public sealed class JobTaskCatalog
{
    private readonly Dictionary<string, Dictionary<string, JobTaskDefinition>> _namespaces = new(StringComparer.Ordinal);

    /// <summary>Builds the catalog; a second definition with the same namespace and name is an <see cref="ArgumentException"/>.</summary>
    public JobTaskCatalog(IEnumerable<JobTaskDefinition> definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        foreach (var definition in definitions)
        {
            if (!_namespaces.TryGetValue(definition.Namespace, out var tasks))
            {
                _namespaces[definition.Namespace] = tasks = new Dictionary<string, JobTaskDefinition>(StringComparer.Ordinal);
            }

            if (!tasks.TryAdd(definition.Name, definition))
            {
                throw new ArgumentException($"The task '{definition.QualifiedName}' is defined twice.", nameof(definitions));
            }
        }

        Definitions = [.. _namespaces.Values.SelectMany(n => n.Values).OrderBy(d => d.Namespace, StringComparer.Ordinal).ThenBy(d => d.Name, StringComparer.Ordinal)];
    }

    /// <summary>An empty catalog: maps that name no function task still validate.</summary>
    public static JobTaskCatalog Empty { get; } = new([]);

    /// <summary>Every definition, ordered by namespace and name.</summary>
    public IReadOnlyList<JobTaskDefinition> Definitions { get; }

    /// <summary>The namespaces, ordered.</summary>
    public IEnumerable<string> Namespaces => _namespaces.Keys.Order(StringComparer.Ordinal);

    /// <summary>Whether the namespace exists.</summary>
    public bool HasNamespace(string ns) => _namespaces.ContainsKey(ns);

    /// <summary>The definition of <paramref name="name"/> in <paramref name="ns"/>, if any.</summary>
    public JobTaskDefinition? Find(string ns, string name) =>
        _namespaces.TryGetValue(ns, out var tasks) && tasks.TryGetValue(name, out var definition) ? definition : null;

    /// <summary>The names in a namespace, ordered.</summary>
    public IEnumerable<string> NamesIn(string ns) =>
        _namespaces.TryGetValue(ns, out var tasks) ? tasks.Keys.Order(StringComparer.Ordinal) : [];

    /// <summary>Every definition as a JSON array.</summary>
    public JsonArray ToJson() => new([.. Definitions.Select(d => (JsonNode?)d.ToJson())]);
}
