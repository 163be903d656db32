using System.Globalization;
using System.Text.Json;
using Rheo.States.Intrinsics;
using Rheo.States.JsonPath;
using Rheo.States.Language;

namespace Rheo.States.Validation;

/// <summary>
/// Reads a definition into the compiled model and collects every diagnostic on the way: the parser and the validator
/// are one pass, so each path and template is compiled exactly once and each problem is reported once, with its place.
/// </summary>
internal sealed class DefinitionReader
{
    private static readonly string[] StateTypeNames = ["Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"];

    private static readonly Dictionary<StateType, HashSet<string>> AllowedFields = new()
    {
        [StateType.Pass] = Fields("Next", "End", "InputPath", "OutputPath", "Parameters", "Result", "ResultPath", "Assign"),
        [StateType.Task] = Fields("Next", "End", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Retry", "Catch", "Resource", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Credentials", "Assign"),
        [StateType.Choice] = Fields("Choices", "Default", "InputPath", "OutputPath", "Assign"),
        [StateType.Wait] = Fields("Next", "End", "InputPath", "OutputPath", "Seconds", "SecondsPath", "Timestamp", "TimestampPath", "Assign"),
        [StateType.Succeed] = Fields("InputPath", "OutputPath"),
        [StateType.Fail] = Fields("Error", "ErrorPath", "Cause", "CausePath"),
        [StateType.Parallel] = Fields("Next", "End", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Retry", "Catch", "Branches", "Assign"),
        [StateType.Map] = Fields("Next", "End", "InputPath", "OutputPath", "Parameters", "ItemSelector", "ResultSelector", "ResultPath", "Retry", "Catch", "Iterator", "ItemProcessor", "ItemsPath", "MaxConcurrency", "MaxConcurrencyPath", "ToleratedFailureCount", "ToleratedFailureCountPath", "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "ItemReader", "ItemBatcher", "ResultWriter", "Label", "Assign"),
    };

    private static readonly string[] ComparisonOperators =
    [
        "StringEquals", "StringLessThan", "StringGreaterThan", "StringLessThanEquals", "StringGreaterThanEquals", "StringMatches",
        "NumericEquals", "NumericLessThan", "NumericGreaterThan", "NumericLessThanEquals", "NumericGreaterThanEquals",
        "BooleanEquals",
        "TimestampEquals", "TimestampLessThan", "TimestampGreaterThan", "TimestampLessThanEquals", "TimestampGreaterThanEquals",
        "IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp",
    ];

    /// <summary>The largest number of seconds Step Functions accepts in TimeoutSeconds, HeartbeatSeconds and Seconds.</summary>
    private const double MaxSeconds = 99_999_999;

    private static readonly string[] WaitFields = ["Seconds", "SecondsPath", "Timestamp", "TimestampPath"];

    private readonly List<Diagnostic> _diagnostics = [];

    private DefinitionReader()
    {
    }

    public static (StateScope? Root, double? TimeoutSeconds, IReadOnlyList<Diagnostic> Diagnostics) Read(string json)
    {
        var reader = new DefinitionReader();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 512 });
        }
        catch (JsonException e)
        {
            reader.Error(DiagnosticCodes.InvalidJson, "$", $"The definition is not valid JSON: {e.Message}");
            return (null, null, reader._diagnostics);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                reader.Error(DiagnosticCodes.InvalidJson, "$", $"The definition must be a JSON object but is {Describe(root)}.");
                return (null, null, reader._diagnostics);
            }

            var scope = reader.ReadScope(root, "$", ScopeKind.Machine);
            double? timeout = null;
            if (root.TryGetProperty("TimeoutSeconds", out var t))
            {
                timeout = reader.PositiveInteger(t, "$.TimeoutSeconds");
            }

            return (scope, timeout, reader._diagnostics);
        }
    }

    private enum ScopeKind
    {
        Machine,
        Branch,
        Processor,
    }

    private static HashSet<string> Fields(params string[] names) => new(names.Concat(["Type", "Comment", "QueryLanguage"]), StringComparer.Ordinal);

    internal static string Child(string location, string name) =>
        name.All(c => char.IsLetterOrDigit(c) || c == '_') ? $"{location}.{name}" : $"{location}['{name.Replace("'", "\\'", StringComparison.Ordinal)}']";

    internal static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string \"{element.GetString()}\"",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {element.GetRawText()}",
        _ => "null",
    };

    private void Error(string code, string location, string message) =>
        _diagnostics.Add(new Diagnostic(code, DiagnosticSeverity.Error, location, message));

    private void Warning(string code, string location, string message) =>
        _diagnostics.Add(new Diagnostic(code, DiagnosticSeverity.Warning, location, message));

    private void CheckDuplicates(JsonElement obj, string location)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in obj.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                Error(DiagnosticCodes.DuplicateField, Child(location, property.Name), $"The field '{property.Name}' appears more than once.");
            }
        }
    }

    private void CheckQueryLanguage(JsonElement obj, string location)
    {
        if (obj.TryGetProperty("QueryLanguage", out var language))
        {
            var value = language.ValueKind == JsonValueKind.String ? language.GetString() : null;
            if (value == "JSONata")
            {
                Error(DiagnosticCodes.JsonataNotSupported, Child(location, "QueryLanguage"), "QueryLanguage 'JSONata' is not supported yet; use 'JSONPath' (the default).");
            }
            else if (value != "JSONPath")
            {
                Error(DiagnosticCodes.InvalidValue, Child(location, "QueryLanguage"), $"QueryLanguage is {Describe(language)}; valid values are 'JSONPath' and 'JSONata'.");
            }
        }
    }

    private StateScope? ReadScope(JsonElement obj, string location, ScopeKind kind)
    {
        CheckDuplicates(obj, location);
        CheckQueryLanguage(obj, location);
        var allowed = kind switch
        {
            ScopeKind.Machine => new[] { "Comment", "StartAt", "States", "TimeoutSeconds", "Version", "QueryLanguage" },
            ScopeKind.Processor => ["Comment", "StartAt", "States", "ProcessorConfig", "QueryLanguage"],
            _ => ["Comment", "StartAt", "States", "QueryLanguage"],
        };
        foreach (var property in obj.EnumerateObject())
        {
            if (!allowed.Contains(property.Name, StringComparer.Ordinal))
            {
                Error(DiagnosticCodes.UnknownField, Child(location, property.Name), $"The field '{property.Name}' is not allowed here; valid fields are {string.Join(", ", allowed)}.");
            }
        }

        var startAt = RequiredString(obj, "StartAt", location);
        if (!obj.TryGetProperty("States", out var statesElement))
        {
            Error(DiagnosticCodes.MissingField, Child(location, "States"), "The required field 'States' is missing: an object mapping state names to states.");
            return null;
        }

        var statesLocation = Child(location, "States");
        if (statesElement.ValueKind != JsonValueKind.Object)
        {
            Error(DiagnosticCodes.WrongType, statesLocation, $"'States' must be an object mapping state names to states but is {Describe(statesElement)}.");
            return null;
        }

        CheckDuplicates(statesElement, statesLocation);
        var states = new Dictionary<string, State>(StringComparer.Ordinal);
        foreach (var property in statesElement.EnumerateObject())
        {
            var stateLocation = Child(statesLocation, property.Name);
            if (property.Name.Length is 0 or > 80)
            {
                Error(DiagnosticCodes.InvalidValue, stateLocation, $"State names must be 1 to 80 characters long; '{property.Name}' has {property.Name.Length}.");
            }

            if (property.Value.ValueKind != JsonValueKind.Object)
            {
                Error(DiagnosticCodes.WrongType, stateLocation, $"A state must be an object but '{property.Name}' is {Describe(property.Value)}.");
                continue;
            }

            if (ReadState(property.Name, property.Value, stateLocation) is { } state)
            {
                states.TryAdd(property.Name, state);
            }
        }

        if (statesElement.EnumerateObject().Any() is false)
        {
            Error(DiagnosticCodes.MissingField, statesLocation, "'States' must contain at least one state.");
        }

        // Link even without StartAt, so that every broken Next is still reported.
        var scope = new StateScope { StartAt = startAt ?? string.Empty, States = states, Location = location };
        Link(scope, statesElement, statesLocation, hasStartAt: startAt is not null);
        return startAt is null ? null : scope;
    }

    private void Link(StateScope scope, JsonElement statesElement, string statesLocation, bool hasStartAt)
    {
        var names = string.Join(", ", scope.States.Keys.Select(k => $"'{k}'"));
        var declared = statesElement.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        State? Resolve(string target, string location, string field)
        {
            if (scope.States.TryGetValue(target, out var state))
            {
                return state;
            }

            if (!declared.Contains(target))
            {
                Error(DiagnosticCodes.UnknownNext, location, $"{field} '{target}' names no state in this scope; valid states are {names}.");
            }

            return null;
        }

        if (scope.States.TryGetValue(scope.StartAt, out var start))
        {
            scope.Start = start;
        }
        else if (hasStartAt && !declared.Contains(scope.StartAt))
        {
            Error(DiagnosticCodes.UnknownStartAt, Child(scope.Location, "StartAt"), $"StartAt '{scope.StartAt}' names no state in this scope; valid states are {names}.");
        }

        foreach (var state in scope.States.Values)
        {
            var location = Child(statesLocation, state.Name);
            if (state.Next is not null)
            {
                state.NextState = Resolve(state.Next, Child(location, "Next"), "Next");
            }

            if (state.Default is not null)
            {
                state.DefaultState = Resolve(state.Default, Child(location, "Default"), "Default");
            }

            for (var i = 0; i < state.Choices.Count; i++)
            {
                state.Choices[i].NextState = Resolve(state.Choices[i].Next, $"{location}.Choices[{i}].Next", "Next");
            }

            for (var i = 0; i < state.Catch.Count; i++)
            {
                state.Catch[i].NextState = Resolve(state.Catch[i].Next, $"{location}.Catch[{i}].Next", "Next");
            }
        }

        if (scope.Start is null)
        {
            return;
        }

        var reached = new HashSet<State>();
        var pending = new Stack<State>();
        pending.Push(scope.Start);
        while (pending.Count > 0)
        {
            var state = pending.Pop();
            if (!reached.Add(state))
            {
                continue;
            }

            foreach (var next in new[] { state.NextState, state.DefaultState }.Concat(state.Choices.Select(c => c.NextState)).Concat(state.Catch.Select(c => c.NextState)))
            {
                if (next is not null)
                {
                    pending.Push(next);
                }
            }
        }

        foreach (var state in scope.States.Values.Where(s => !reached.Contains(s)))
        {
            Warning(DiagnosticCodes.UnreachableState, Child(statesLocation, state.Name), $"The state '{state.Name}' cannot be reached from StartAt '{scope.StartAt}'.");
        }
    }

    private State? ReadState(string name, JsonElement obj, string location)
    {
        CheckDuplicates(obj, location);
        CheckQueryLanguage(obj, location);
        var typeName = RequiredString(obj, "Type", location);
        if (typeName is null)
        {
            return null;
        }

        if (!Enum.TryParse<StateType>(typeName, ignoreCase: false, out var type) || !StateTypeNames.Contains(typeName, StringComparer.Ordinal))
        {
            Error(DiagnosticCodes.UnknownStateType, Child(location, "Type"), $"Unknown state type '{typeName}'; valid types are {string.Join(", ", StateTypeNames)}.");
            return null;
        }

        var allowed = AllowedFields[type];
        var terminal = type is StateType.Choice or StateType.Succeed or StateType.Fail;
        foreach (var property in obj.EnumerateObject())
        {
            if (terminal && property.Name is "Next" or "End")
            {
                Error(DiagnosticCodes.TransitionOnTerminal, Child(location, property.Name), $"A {typeName} state ends its path itself and may not have '{property.Name}'.");
            }
            else if (!allowed.Contains(property.Name))
            {
                Error(DiagnosticCodes.UnknownField, Child(location, property.Name), $"The field '{property.Name}' is not allowed in a {typeName} state; valid fields are {string.Join(", ", allowed.Order(StringComparer.Ordinal))}.");
            }
        }

        string? next = null;
        var end = false;
        if (!terminal)
        {
            next = OptionalString(obj, "Next", location);
            if (obj.TryGetProperty("End", out var endElement))
            {
                if (endElement.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    end = endElement.ValueKind == JsonValueKind.True;
                }
                else
                {
                    Error(DiagnosticCodes.WrongType, Child(location, "End"), $"'End' must be a boolean but is {Describe(endElement)}.");
                }
            }

            if (next is not null && end)
            {
                Error(DiagnosticCodes.NextAndEnd, location, $"The state '{name}' has both 'Next' and 'End': keep exactly one.");
            }
            else if (next is null && !end)
            {
                Error(DiagnosticCodes.NoNextNorEnd, location, $"The state '{name}' has neither 'Next' nor 'End: true': add one.");
            }
        }

        var hasResult = obj.TryGetProperty("Result", out var result);
        var distributed = false;
        var itemProcessor = type == StateType.Map ? ReadItemProcessor(obj, location, out distributed) : null;
        var state = new State
        {
            Name = name,
            Type = type,
            Next = next,
            End = end,
            InputPath = PathFieldOf(obj, "InputPath", location, reference: false),
            OutputPath = PathFieldOf(obj, "OutputPath", location, reference: false),
            ResultPath = PathFieldOf(obj, "ResultPath", location, reference: true),
            Parameters = TemplateOf(obj, type == StateType.Map && obj.TryGetProperty("ItemSelector", out _) ? "ItemSelector" : "Parameters", location),
            ResultSelector = TemplateOf(obj, "ResultSelector", location),
            Assign = TemplateOf(obj, "Assign", location),
            HasResult = hasResult,
            Result = hasResult ? JsonNodes.FromElement(result) : null,
            Retry = ReadRetry(obj, location),
            Catch = ReadCatch(obj, location),
            Resource = type == StateType.Task ? RequiredString(obj, "Resource", location) : null,
            TimeoutSeconds = NumberOf(obj, "TimeoutSeconds", location, integer: true, min: 1, max: MaxSeconds),
            HeartbeatSeconds = NumberOf(obj, "HeartbeatSeconds", location, integer: true, min: 1, max: MaxSeconds),
            Choices = type == StateType.Choice ? ReadChoices(obj, location) : [],
            Default = type == StateType.Choice ? OptionalString(obj, "Default", location) : null,
            Seconds = NumberOf(obj, "Seconds", location, integer: true, min: 0, max: MaxSeconds),
            Timestamp = TextOf(obj, "Timestamp", location, allowIntrinsic: false),
            Error = TextOf(obj, "Error", location, allowIntrinsic: true),
            Cause = TextOf(obj, "Cause", location, allowIntrinsic: true),
            Branches = type == StateType.Parallel ? ReadBranches(obj, location) : [],
            ItemProcessor = itemProcessor,
            Distributed = distributed,
            ItemsPath = type == StateType.Map ? PathOf(obj, "ItemsPath", location) : null,
            MaxConcurrency = NumberOf(obj, "MaxConcurrency", location, integer: true, min: 0),
            ToleratedFailureCount = NumberOf(obj, "ToleratedFailureCount", location, integer: true, min: 0),
            ToleratedFailurePercentage = NumberOf(obj, "ToleratedFailurePercentage", location, integer: false, min: 0, max: 100),
            MaxItemsPerBatch = ReadBatcher(obj, location, out var batchInput, out var hasBatcher),
            BatchInput = batchInput,
            HasBatcher = hasBatcher,
        };

        if (type == StateType.Map)
        {
            if (obj.TryGetProperty("ItemSelector", out _) && obj.TryGetProperty("Parameters", out _))
            {
                Error(DiagnosticCodes.ConflictingFields, location, "A Map state may have 'ItemSelector' or its older name 'Parameters', not both.");
            }

            if (obj.TryGetProperty("ItemReader", out _))
            {
                Error(DiagnosticCodes.UnsupportedFeature, Child(location, "ItemReader"), "ItemReader reads items from Amazon S3, which Rheo does not emulate; pass the items in the input and use ItemsPath.");
            }

            if (obj.TryGetProperty("ResultWriter", out _))
            {
                Warning(DiagnosticCodes.UnsupportedFeature, Child(location, "ResultWriter"), "ResultWriter writes results to Amazon S3, which Rheo does not emulate; the results are returned as the state's result instead.");
            }
        }

        if (type == StateType.Wait)
        {
            var count = WaitFields.Count(f => obj.TryGetProperty(f, out _));
            if (count != 1)
            {
                Error(count == 0 ? DiagnosticCodes.MissingField : DiagnosticCodes.ConflictingFields, location, "A Wait state needs exactly one of Seconds, SecondsPath, Timestamp, TimestampPath.");
            }

            if (state.Timestamp.Value is { } ts && !ComparisonRule.TryParseTimestamp(ts, out _))
            {
                Error(DiagnosticCodes.InvalidValue, Child(location, "Timestamp"), $"'{ts}' is not an RFC 3339 timestamp such as 2024-03-01T12:00:00Z.");
            }
        }

        if (type == StateType.Task && state.TimeoutSeconds.Value is { } timeout && state.HeartbeatSeconds.Value is { } heartbeat && heartbeat >= timeout)
        {
            Error(DiagnosticCodes.InvalidValue, Child(location, "HeartbeatSeconds"), $"HeartbeatSeconds ({heartbeat}) must be smaller than TimeoutSeconds ({timeout}).");
        }

        if (type == StateType.Choice && obj.TryGetProperty("Choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() == 0)
        {
            Error(DiagnosticCodes.MissingField, Child(location, "Choices"), "'Choices' must hold at least one rule.");
        }

        state.IsTransparent = type == StateType.Pass && state.InputPath.IsIdentity && state.OutputPath.IsIdentity
            && state.ResultPath.IsIdentity && state.Parameters is null && !hasResult && state.Assign is null;
        return state;
    }

    private string? RequiredString(JsonElement obj, string field, string location)
    {
        if (!obj.TryGetProperty(field, out var value))
        {
            Error(DiagnosticCodes.MissingField, Child(location, field), $"The required field '{field}' is missing.");
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Error(DiagnosticCodes.WrongType, Child(location, field), $"'{field}' must be a string but is {Describe(value)}.");
            return null;
        }

        return value.GetString();
    }

    private string? OptionalString(JsonElement obj, string field, string location) =>
        obj.TryGetProperty(field, out _) ? RequiredString(obj, field, location) : null;

    private PathExpression? CompilePath(string text, string location, bool reference)
    {
        if (!PathExpression.TryCompile(text, out var path, out var error))
        {
            Error(DiagnosticCodes.InvalidPath, location, $"'{text}' is not a valid path: {error}. A path starts with '$', e.g. $.orders[0].id.");
            return null;
        }

        if (reference && !path!.IsReferencePath)
        {
            Error(DiagnosticCodes.InvalidPath, location, $"'{text}' must be a reference path: '$' followed by field names and array indexes only, e.g. $.result or $.items[0].");
            return null;
        }

        return path;
    }

    private PathExpression? PathOf(JsonElement obj, string field, string location)
    {
        var text = OptionalString(obj, field, location);
        return text is null ? null : CompilePath(text, Child(location, field), reference: false);
    }

    private PathField PathFieldOf(JsonElement obj, string field, string location, bool reference)
    {
        if (!obj.TryGetProperty(field, out var value))
        {
            return PathField.Default;
        }

        if (value.ValueKind == JsonValueKind.Null)
        {
            return new PathField(null, true);
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Error(DiagnosticCodes.WrongType, Child(location, field), $"'{field}' must be a path string or null but is {Describe(value)}.");
            return PathField.Default;
        }

        return new PathField(CompilePath(value.GetString()!, Child(location, field), reference), false);
    }

    private NumberField NumberOf(JsonElement obj, string field, string location, bool integer, double min, double max = double.MaxValue)
    {
        var hasValue = obj.TryGetProperty(field, out var value);
        var hasPath = obj.TryGetProperty(field + "Path", out _);
        if (hasValue && hasPath)
        {
            Error(DiagnosticCodes.ConflictingFields, location, $"Use '{field}' or '{field}Path', not both.");
        }

        if (hasPath)
        {
            return new NumberField(null, PathOf(obj, field + "Path", location));
        }

        if (!hasValue)
        {
            return default;
        }

        var fieldLocation = Child(location, field);
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number))
        {
            Error(DiagnosticCodes.WrongType, fieldLocation, $"'{field}' must be a number but is {Describe(value)}.");
            return default;
        }

        if ((integer && Math.Floor(number) != number) || number < min || number > max)
        {
            var range = max == double.MaxValue ? $"at least {min}" : $"between {min} and {max}";
            Error(DiagnosticCodes.InvalidValue, fieldLocation, $"'{field}' must be {(integer ? "an integer" : "a number")} {range} but is {value.GetRawText()}.");
            return default;
        }

        return new NumberField(number, null);
    }

    private double? PositiveInteger(JsonElement value, string location)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && Math.Floor(d) == d && d >= 1 && d <= MaxSeconds)
        {
            return d;
        }

        Error(DiagnosticCodes.InvalidValue, location, $"Expected an integer from 1 to {MaxSeconds} but found {Describe(value)}.");
        return null;
    }

    private TextField TextOf(JsonElement obj, string field, string location, bool allowIntrinsic)
    {
        var hasValue = obj.TryGetProperty(field, out _);
        var hasPath = obj.TryGetProperty(field + "Path", out _);
        if (hasValue && hasPath)
        {
            Error(DiagnosticCodes.ConflictingFields, location, $"Use '{field}' or '{field}Path', not both.");
        }

        if (hasPath)
        {
            var text = OptionalString(obj, field + "Path", location);
            if (text is null)
            {
                return default;
            }

            if (allowIntrinsic && IntrinsicExpression.LooksLikeCall(text))
            {
                return new TextField(null, null, CompileIntrinsic(text, Child(location, field + "Path")));
            }

            return new TextField(null, CompilePath(text, Child(location, field + "Path"), reference: false), null);
        }

        return new TextField(OptionalString(obj, field, location), null, null);
    }

    private IntrinsicExpression? CompileIntrinsic(string text, string location)
    {
        if (IntrinsicExpression.TryCompile(text, out var call, out var error))
        {
            return call;
        }

        Error(DiagnosticCodes.InvalidIntrinsic, location, $"'{text}' is not a valid intrinsic function call: {error}.");
        return null;
    }

    private PayloadTemplate? TemplateOf(JsonElement obj, string field, string location) =>
        obj.TryGetProperty(field, out var value) ? ReadTemplate(value, Child(location, field)) : null;

    private PayloadTemplate ReadTemplate(JsonElement value, string location)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                CheckDuplicates(value, location);
                var fields = new List<(string, PayloadTemplate)>();
                foreach (var property in value.EnumerateObject())
                {
                    var fieldLocation = Child(location, property.Name);
                    if (property.Name.EndsWith(".$", StringComparison.Ordinal))
                    {
                        var name = property.Name[..^2];
                        if (property.Value.ValueKind != JsonValueKind.String)
                        {
                            Error(DiagnosticCodes.InvalidPayloadTemplate, fieldLocation, $"The value for the field '{property.Name}' must be a string holding a path or an intrinsic function call but is {Describe(property.Value)}.");
                            continue;
                        }

                        var text = property.Value.GetString()!;
                        if (IntrinsicExpression.LooksLikeCall(text))
                        {
                            if (CompileIntrinsic(text, fieldLocation) is { } call)
                            {
                                fields.Add((name, new PayloadTemplate.Intrinsic(call)));
                            }
                        }
                        else if (text.StartsWith('$'))
                        {
                            if (CompilePath(text, fieldLocation, reference: false) is { } path)
                            {
                                fields.Add((name, new PayloadTemplate.Path(property.Name, path)));
                            }
                        }
                        else
                        {
                            Error(DiagnosticCodes.InvalidPayloadTemplate, fieldLocation, $"The value for the field '{property.Name}' must be a path ('$...', '$$...', '$variable') or an intrinsic function call ('States....') but is \"{text}\".");
                        }
                    }
                    else
                    {
                        fields.Add((property.Name, ReadTemplate(property.Value, fieldLocation)));
                    }
                }

                return new PayloadTemplate.Object(fields);
            case JsonValueKind.Array:
                var items = new List<PayloadTemplate>();
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    items.Add(ReadTemplate(item, $"{location}[{index++}]"));
                }

                return items.All(i => i is PayloadTemplate.Literal) ? new PayloadTemplate.Literal(JsonNodes.FromElement(value)) : new PayloadTemplate.Array(items);
            default:
                return new PayloadTemplate.Literal(JsonNodes.FromElement(value));
        }
    }

    private List<string>? ReadErrorEquals(JsonElement obj, string location)
    {
        if (!obj.TryGetProperty("ErrorEquals", out var errors))
        {
            Error(DiagnosticCodes.MissingField, Child(location, "ErrorEquals"), "The required field 'ErrorEquals' is missing: a non-empty array of error names.");
            return null;
        }

        if (errors.ValueKind != JsonValueKind.Array || errors.GetArrayLength() == 0 || errors.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            Error(DiagnosticCodes.WrongType, Child(location, "ErrorEquals"), "'ErrorEquals' must be a non-empty array of error names.");
            return null;
        }

        var list = errors.EnumerateArray().Select(e => e.GetString()!).ToList();
        if (list.Contains(ErrorNames.All) && list.Count > 1)
        {
            Error(DiagnosticCodes.StatesAllNotLast, Child(location, "ErrorEquals"), "'States.ALL' must appear alone in its ErrorEquals.");
        }

        return list;
    }

    private void CheckStatesAllLast(List<IReadOnlyList<string>?> lists, string location, string field)
    {
        for (var i = 0; i < lists.Count - 1; i++)
        {
            if (lists[i]?.Contains(ErrorNames.All) == true)
            {
                Error(DiagnosticCodes.StatesAllNotLast, $"{location}.{field}[{i}]", $"The {field} entry matching 'States.ALL' must be the last one; entries after it can never match.");
            }
        }
    }

    private List<Retrier> ReadRetry(JsonElement obj, string location)
    {
        var result = new List<Retrier>();
        if (!obj.TryGetProperty("Retry", out var retry))
        {
            return result;
        }

        var retryLocation = Child(location, "Retry");
        if (retry.ValueKind != JsonValueKind.Array)
        {
            Error(DiagnosticCodes.WrongType, retryLocation, $"'Retry' must be an array of retriers but is {Describe(retry)}.");
            return result;
        }

        var lists = new List<IReadOnlyList<string>?>();
        var index = 0;
        foreach (var item in retry.EnumerateArray())
        {
            var itemLocation = $"{retryLocation}[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                Error(DiagnosticCodes.WrongType, itemLocation, $"A retrier must be an object but is {Describe(item)}.");
                continue;
            }

            CheckDuplicates(item, itemLocation);
            string[] allowed = ["ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment"];
            foreach (var property in item.EnumerateObject().Where(p => !allowed.Contains(p.Name, StringComparer.Ordinal)))
            {
                Error(DiagnosticCodes.UnknownField, Child(itemLocation, property.Name), $"The field '{property.Name}' is not allowed in a retrier; valid fields are {string.Join(", ", allowed)}.");
            }

            var errors = ReadErrorEquals(item, itemLocation);
            lists.Add(errors);
            double RetryNumber(string field, double fallback, double min, bool integer, double max = 99_999_999)
            {
                if (!item.TryGetProperty(field, out var value))
                {
                    return fallback;
                }

                if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && d >= min && d <= max && (!integer || Math.Floor(d) == d))
                {
                    return d;
                }

                Error(DiagnosticCodes.InvalidRetry, Child(itemLocation, field), $"'{field}' must be {(integer ? "an integer" : "a number")} from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)} but is {Describe(value)}.");
                return fallback;
            }

            var jitter = false;
            if (item.TryGetProperty("JitterStrategy", out var j))
            {
                var text = j.ValueKind == JsonValueKind.String ? j.GetString() : null;
                if (text is "FULL" or "NONE")
                {
                    jitter = text == "FULL";
                }
                else
                {
                    Error(DiagnosticCodes.InvalidRetry, Child(itemLocation, "JitterStrategy"), $"'JitterStrategy' is {Describe(j)}; valid values are FULL and NONE.");
                }
            }

            result.Add(new Retrier
            {
                ErrorEquals = errors ?? [],
                IntervalSeconds = RetryNumber("IntervalSeconds", 1, 1, integer: true),
                MaxAttempts = (int)RetryNumber("MaxAttempts", 3, 0, integer: true),
                BackoffRate = RetryNumber("BackoffRate", 2.0, 1.0, integer: false),
                MaxDelaySeconds = item.TryGetProperty("MaxDelaySeconds", out _) ? RetryNumber("MaxDelaySeconds", 0, 1, integer: true, max: 31_622_400) : null,
                FullJitter = jitter,
            });
        }

        CheckStatesAllLast(lists, location, "Retry");
        return result;
    }

    private List<Catcher> ReadCatch(JsonElement obj, string location)
    {
        var result = new List<Catcher>();
        if (!obj.TryGetProperty("Catch", out var catchElement))
        {
            return result;
        }

        var catchLocation = Child(location, "Catch");
        if (catchElement.ValueKind != JsonValueKind.Array)
        {
            Error(DiagnosticCodes.WrongType, catchLocation, $"'Catch' must be an array of catchers but is {Describe(catchElement)}.");
            return result;
        }

        var lists = new List<IReadOnlyList<string>?>();
        var index = 0;
        foreach (var item in catchElement.EnumerateArray())
        {
            var itemLocation = $"{catchLocation}[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                Error(DiagnosticCodes.WrongType, itemLocation, $"A catcher must be an object but is {Describe(item)}.");
                continue;
            }

            CheckDuplicates(item, itemLocation);
            string[] allowed = ["ErrorEquals", "Next", "ResultPath", "Assign", "Comment"];
            foreach (var property in item.EnumerateObject().Where(p => !allowed.Contains(p.Name, StringComparer.Ordinal)))
            {
                Error(DiagnosticCodes.UnknownField, Child(itemLocation, property.Name), $"The field '{property.Name}' is not allowed in a catcher; valid fields are {string.Join(", ", allowed)}.");
            }

            var errors = ReadErrorEquals(item, itemLocation);
            lists.Add(errors);
            var next = RequiredString(item, "Next", itemLocation);
            if (next is null)
            {
                continue;
            }

            result.Add(new Catcher
            {
                ErrorEquals = errors ?? [],
                Next = next,
                ResultPath = PathFieldOf(item, "ResultPath", itemLocation, reference: true),
                Assign = TemplateOf(item, "Assign", itemLocation),
            });
        }

        CheckStatesAllLast(lists, location, "Catch");
        return result;
    }

    private List<ChoiceBranch> ReadChoices(JsonElement obj, string location)
    {
        var result = new List<ChoiceBranch>();
        if (!obj.TryGetProperty("Choices", out var choices))
        {
            Error(DiagnosticCodes.MissingField, Child(location, "Choices"), "The required field 'Choices' is missing: a non-empty array of rules.");
            return result;
        }

        if (choices.ValueKind != JsonValueKind.Array)
        {
            Error(DiagnosticCodes.WrongType, Child(location, "Choices"), $"'Choices' must be an array of rules but is {Describe(choices)}.");
            return result;
        }

        var index = 0;
        foreach (var item in choices.EnumerateArray())
        {
            var itemLocation = $"{location}.Choices[{index++}]";
            var rule = ReadRule(item, itemLocation, topLevel: true);
            var next = item.ValueKind == JsonValueKind.Object ? RequiredString(item, "Next", itemLocation) : null;
            if (rule is not null && next is not null)
            {
                result.Add(new ChoiceBranch { Rule = rule, Next = next, Assign = TemplateOf(item, "Assign", itemLocation) });
            }
        }

        return result;
    }

    private ChoiceRule? ReadRule(JsonElement rule, string location, bool topLevel)
    {
        if (rule.ValueKind != JsonValueKind.Object)
        {
            Error(DiagnosticCodes.InvalidChoiceRule, location, $"A choice rule must be an object but is {Describe(rule)}.");
            return null;
        }

        CheckDuplicates(rule, location);
        if (!topLevel && rule.TryGetProperty("Next", out _))
        {
            Error(DiagnosticCodes.InvalidChoiceRule, Child(location, "Next"), "Only top-level choice rules may have 'Next'; nested rules inside And, Or and Not may not.");
        }

        if (!topLevel && rule.TryGetProperty("Assign", out _))
        {
            Error(DiagnosticCodes.InvalidChoiceRule, Child(location, "Assign"), "Only top-level choice rules may have 'Assign'.");
        }

        var operators = rule.EnumerateObject().Where(p => p.Name is not ("Next" or "Variable" or "Comment" or "Assign")).ToList();
        if (operators.Count != 1)
        {
            Error(DiagnosticCodes.InvalidChoiceRule, location, operators.Count == 0
                ? $"The rule has no operator; valid operators are And, Or, Not, {string.Join(", ", ComparisonOperators)} (and the ...Path forms of the comparisons)."
                : $"The rule has several operators ({string.Join(", ", operators.Select(o => o.Name))}); a rule takes exactly one, combine rules with And / Or.");
            return null;
        }

        var op = operators[0];
        var opLocation = Child(location, op.Name);
        if (op.Name is "And" or "Or")
        {
            if (op.Value.ValueKind != JsonValueKind.Array || op.Value.GetArrayLength() == 0)
            {
                Error(DiagnosticCodes.InvalidChoiceRule, opLocation, $"'{op.Name}' must be a non-empty array of rules.");
                return null;
            }

            var rules = new List<ChoiceRule>();
            var i = 0;
            foreach (var inner in op.Value.EnumerateArray())
            {
                if (ReadRule(inner, $"{opLocation}[{i++}]", topLevel: false) is { } r)
                {
                    rules.Add(r);
                }
            }

            return op.Name == "And" ? new ChoiceRule.And(rules) : new ChoiceRule.Or(rules);
        }

        if (op.Name == "Not")
        {
            var inner = ReadRule(op.Value, opLocation, topLevel: false);
            return inner is null ? null : new ChoiceRule.Not(inner);
        }

        var isPath = op.Name.EndsWith("Path", StringComparison.Ordinal) && op.Name != "IsPresent";
        var name = isPath ? op.Name[..^4] : op.Name;
        if (!ComparisonOperators.Contains(name, StringComparer.Ordinal) || (isPath && (name == "StringMatches" || name.StartsWith("Is", StringComparison.Ordinal))))
        {
            Error(DiagnosticCodes.InvalidChoiceRule, opLocation, $"Unknown choice operator '{op.Name}'; valid operators are And, Or, Not, {string.Join(", ", ComparisonOperators)} and the ...Path forms of the String, Numeric, Boolean and Timestamp comparisons.");
            return null;
        }

        var variableText = RequiredString(rule, "Variable", location);
        var variable = variableText is null ? null : CompilePath(variableText, Child(location, "Variable"), reference: false);
        var kind = Enum.Parse<ChoiceOperator>(name);
        if (isPath)
        {
            if (op.Value.ValueKind != JsonValueKind.String)
            {
                Error(DiagnosticCodes.WrongType, opLocation, $"'{op.Name}' must be a path string but is {Describe(op.Value)}.");
                return null;
            }

            var comparand = CompilePath(op.Value.GetString()!, opLocation, reference: false);
            return variable is null || comparand is null ? null : new ComparisonRule(variable, kind, null, comparand);
        }

        var expected = name switch
        {
            _ when name.StartsWith("String", StringComparison.Ordinal) => JsonValueKind.String,
            _ when name.StartsWith("Numeric", StringComparison.Ordinal) => JsonValueKind.Number,
            _ when name.StartsWith("Timestamp", StringComparison.Ordinal) => JsonValueKind.String,
            _ => JsonValueKind.True,
        };
        var matchesType = expected == JsonValueKind.True ? op.Value.ValueKind is JsonValueKind.True or JsonValueKind.False : op.Value.ValueKind == expected;
        if (!matchesType)
        {
            var wanted = expected switch
            {
                JsonValueKind.String => name.StartsWith("Timestamp", StringComparison.Ordinal) ? "a timestamp string" : "a string",
                JsonValueKind.Number => "a number",
                _ => "a boolean",
            };
            Error(DiagnosticCodes.WrongType, opLocation, $"'{op.Name}' must be {wanted} but is {Describe(op.Value)}.");
            return null;
        }

        if (name.StartsWith("Timestamp", StringComparison.Ordinal) && !ComparisonRule.TryParseTimestamp(op.Value.GetString()!, out _))
        {
            Error(DiagnosticCodes.InvalidValue, opLocation, $"'{op.Value.GetString()}' is not an RFC 3339 timestamp such as 2024-03-01T12:00:00Z.");
            return null;
        }

        return variable is null ? null : new ComparisonRule(variable, kind, JsonNodes.FromElement(op.Value), null);
    }

    private List<StateScope> ReadBranches(JsonElement obj, string location)
    {
        var result = new List<StateScope>();
        if (!obj.TryGetProperty("Branches", out var branches))
        {
            Error(DiagnosticCodes.MissingField, Child(location, "Branches"), "The required field 'Branches' is missing: a non-empty array of {StartAt, States} objects.");
            return result;
        }

        if (branches.ValueKind != JsonValueKind.Array || branches.GetArrayLength() == 0)
        {
            Error(DiagnosticCodes.WrongType, Child(location, "Branches"), "'Branches' must be a non-empty array of {StartAt, States} objects.");
            return result;
        }

        var index = 0;
        foreach (var branch in branches.EnumerateArray())
        {
            var branchLocation = $"{location}.Branches[{index++}]";
            if (branch.ValueKind != JsonValueKind.Object)
            {
                Error(DiagnosticCodes.WrongType, branchLocation, $"A branch must be an object but is {Describe(branch)}.");
                continue;
            }

            if (ReadScope(branch, branchLocation, ScopeKind.Branch) is { } scope)
            {
                result.Add(scope);
            }
        }

        return result;
    }

    private StateScope? ReadItemProcessor(JsonElement obj, string location, out bool distributed)
    {
        distributed = false;
        var hasProcessor = obj.TryGetProperty("ItemProcessor", out var processor);
        var hasIterator = obj.TryGetProperty("Iterator", out var iterator);
        if (hasProcessor && hasIterator)
        {
            Error(DiagnosticCodes.ConflictingFields, location, "A Map state may have 'ItemProcessor' or its older name 'Iterator', not both.");
        }

        if (!hasProcessor && !hasIterator)
        {
            Error(DiagnosticCodes.MissingField, Child(location, "ItemProcessor"), "The required field 'ItemProcessor' (or 'Iterator') is missing.");
            return null;
        }

        var element = hasProcessor ? processor : iterator;
        var elementLocation = Child(location, hasProcessor ? "ItemProcessor" : "Iterator");
        if (element.ValueKind != JsonValueKind.Object)
        {
            Error(DiagnosticCodes.WrongType, elementLocation, $"'{(hasProcessor ? "ItemProcessor" : "Iterator")}' must be an object with StartAt and States but is {Describe(element)}.");
            return null;
        }

        if (element.TryGetProperty("ProcessorConfig", out var config))
        {
            var configLocation = Child(elementLocation, "ProcessorConfig");
            if (config.ValueKind == JsonValueKind.Object)
            {
                if (config.TryGetProperty("Mode", out var mode))
                {
                    var text = mode.ValueKind == JsonValueKind.String ? mode.GetString() : null;
                    if (text is not ("INLINE" or "DISTRIBUTED"))
                    {
                        Error(DiagnosticCodes.InvalidValue, Child(configLocation, "Mode"), $"'Mode' is {Describe(mode)}; valid values are INLINE and DISTRIBUTED.");
                    }

                    distributed = text == "DISTRIBUTED";
                }

                if (config.TryGetProperty("ExecutionType", out var executionType) && (executionType.ValueKind != JsonValueKind.String || executionType.GetString() is not ("STANDARD" or "EXPRESS")))
                {
                    Error(DiagnosticCodes.InvalidValue, Child(configLocation, "ExecutionType"), $"'ExecutionType' is {Describe(executionType)}; valid values are STANDARD and EXPRESS.");
                }
            }
            else
            {
                Error(DiagnosticCodes.WrongType, configLocation, "'ProcessorConfig' must be an object with Mode and ExecutionType.");
            }
        }

        return ReadScope(element, elementLocation, ScopeKind.Processor);
    }

    private NumberField ReadBatcher(JsonElement obj, string location, out PayloadTemplate? batchInput, out bool hasBatcher)
    {
        batchInput = null;
        hasBatcher = obj.TryGetProperty("ItemBatcher", out var batcher);
        if (!hasBatcher)
        {
            return default;
        }

        var batcherLocation = Child(location, "ItemBatcher");
        if (batcher.ValueKind != JsonValueKind.Object)
        {
            Error(DiagnosticCodes.WrongType, batcherLocation, "'ItemBatcher' must be an object.");
            return default;
        }

        batchInput = TemplateOf(batcher, "BatchInput", batcherLocation);
        var max = NumberOf(batcher, "MaxItemsPerBatch", batcherLocation, integer: true, min: 1);
        if (!max.IsSet && !batcher.TryGetProperty("MaxInputBytesPerBatch", out _) && !batcher.TryGetProperty("MaxInputBytesPerBatchPath", out _))
        {
            Error(DiagnosticCodes.MissingField, batcherLocation, "'ItemBatcher' needs MaxItemsPerBatch(Path) or MaxInputBytesPerBatch(Path).");
        }

        return max;
    }
}
