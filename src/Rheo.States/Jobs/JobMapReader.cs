using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rheo.States.Validation;

namespace Rheo.States.Jobs;

/// <summary>
/// Reads a job map into the model and collects every diagnostic on the way, then checks the workflow as a graph; a map
/// with no errors is compiled.
/// </summary>
internal sealed class JobMapReader
{
    private const string Any = "any";

    private static readonly string[] TopFields = ["name", "datasource", "tasks", "workflow", "description"];
    private static readonly string[] DatasourceFields = ["source", "content", "path"];
    private static readonly string[] TaskFields = ["name", "type", "method", "namespace", "consumes", "produces", "init_args", "retry", "catch", "max_concurrency", "timeout_seconds", "window", "description"];
    private static readonly string[] WindowFields = ["size"];
    private static readonly string[] RetryFields = ["errors", "max_attempts", "interval_seconds", "backoff_rate", "max_delay_seconds", "jitter"];
    private static readonly string[] CatchFields = ["errors", "next"];
    private static readonly string[] TypeNames = ["input", "function", "output", "aggregate"];

    /// <summary>Fields that make sense only where a registered task runs.</summary>
    private static readonly string[] RunFields = ["method", "namespace", "init_args", "retry", "catch", "timeout_seconds"];

    private readonly List<Diagnostic> _diagnostics = [];
    private readonly JobTaskCatalog _catalog;

    private JobMapReader(JobTaskCatalog catalog)
    {
        _catalog = catalog;
    }

    private bool HasErrors => _diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);

    public static (JobMap? Map, IReadOnlyList<Diagnostic> Diagnostics) Read(string json, JobTaskCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(catalog);
        var reader = new JobMapReader(catalog);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 512 });
        }
        catch (JsonException e)
        {
            reader.Error(JobDiagnosticCodes.InvalidJson, "$", $"The job map is not valid JSON: {e.Message}");
            return (null, reader._diagnostics);
        }

        using (document)
        {
            var map = reader.ReadMap(document.RootElement);
            return (map, reader._diagnostics);
        }
    }

    /// <summary>Why <paramref name="content"/> cannot be a job's input, or <c>null</c> when it can (an object or an array of objects).</summary>
    public static string? DescribeBadContent(JsonNode? content)
    {
        switch (content)
        {
            case JsonObject:
                return null;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is not JsonObject)
                    {
                        return $"element {i} is {(array[i] is null ? "null" : JobTaskParameter.Describe(array[i]!))}";
                    }
                }

                return null;
            default:
                return $"it is {(content is null ? "null" : JobTaskParameter.Describe(content))}";
        }
    }

    private static string Index(string location, int index) => $"{location}[{index.ToString(CultureInfo.InvariantCulture)}]";

    private static string Child(string location, string name) => DefinitionReader.Child(location, name);

    private static string Describe(JsonElement element) => DefinitionReader.Describe(element);

    private static string? Tag(string? type) => type is null or Any ? null : type;

    private void Error(string code, string location, string message) =>
        _diagnostics.Add(new Diagnostic(code, DiagnosticSeverity.Error, location, message));

    private void Warning(string code, string location, string message) =>
        _diagnostics.Add(new Diagnostic(code, DiagnosticSeverity.Warning, location, message));

    private JobMap? ReadMap(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            Error(JobDiagnosticCodes.InvalidJson, "$", $"A job map must be a JSON object with name, datasource, tasks and workflow but is {Describe(root)}.");
            return null;
        }

        CheckFields(root, "$", TopFields, "the job map");
        var name = RequiredString(root, "name", "$", "the job's name");
        var datasource = ReadDatasource(root);
        var tasks = ReadTasks(root);
        var edges = ReadWorkflow(root, tasks);
        CheckGraph(tasks, edges);
        if (HasErrors)
        {
            return null;
        }

        var warnings = _diagnostics.ToList();
        try
        {
            return new JobMap(name!, datasource!, [.. tasks.Select(t => t.Task!)], edges, warnings);
        }
        catch (JobCompiler.TooLargeException e)
        {
            Error(JobDiagnosticCodes.TooLarge, "$.workflow", e.Message);
            return null;
        }
    }

    private void CheckFields(JsonElement obj, string location, string[] allowed, string what)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in obj.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                Error(JobDiagnosticCodes.WrongType, Child(location, property.Name), $"The field '{property.Name}' appears more than once in {what}.");
            }
            else if (!allowed.Contains(property.Name, StringComparer.Ordinal))
            {
                Warning(JobDiagnosticCodes.UnknownField, Child(location, property.Name), $"The field '{property.Name}' is not known in {what} and is ignored; known fields are {string.Join(", ", allowed)}.");
            }
        }
    }

    private string? RequiredString(JsonElement obj, string field, string location, string what)
    {
        if (!obj.TryGetProperty(field, out var value))
        {
            Error(JobDiagnosticCodes.MissingField, Child(location, field), $"The required field '{field}' ({what}) is missing.");
            return null;
        }

        return String(value, Child(location, field), what);
    }

    private JsonElement? RequiredArray(JsonElement root, string field, string what)
    {
        var location = "$." + field;
        if (!root.TryGetProperty(field, out var value))
        {
            Error(JobDiagnosticCodes.MissingField, location, $"The required field '{field}' is missing: {what}.");
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            Error(JobDiagnosticCodes.WrongType, location, $"'{field}' must be {what} but is {Describe(value)}.");
            return null;
        }

        return value;
    }

    private string? OptionalString(JsonElement obj, string field, string location, string what) =>
        obj.TryGetProperty(field, out var value) ? String(value, Child(location, field), what) : null;

    private string? String(JsonElement value, string location, string what)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            Error(JobDiagnosticCodes.WrongType, location, $"'{location}' ({what}) must be a string but is {Describe(value)}.");
            return null;
        }

        return value.GetString();
    }

    private JobDatasource? ReadDatasource(JsonElement root)
    {
        const string location = "$.datasource";
        if (!root.TryGetProperty("datasource", out var element))
        {
            Error(JobDiagnosticCodes.MissingField, location, "The required field 'datasource' is missing: {\"source\": \"direct\", \"content\": {...}} or {\"source\": \"file\", \"path\": \"input.json\"}.");
            return null;
        }

        if (element.ValueKind == JsonValueKind.Array)
        {
            Error(JobDiagnosticCodes.InvalidDatasource, location, $"A job has exactly one datasource, an object, but 'datasource' is an array of {element.GetArrayLength()}.");
            return null;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            Error(JobDiagnosticCodes.InvalidDatasource, location, $"'datasource' must be an object with 'source' but is {Describe(element)}.");
            return null;
        }

        CheckFields(element, location, DatasourceFields, "the datasource");
        var source = RequiredString(element, "source", location, "\"direct\" or \"file\"");
        switch (source)
        {
            case null:
                return null;
            case "direct":
                if (!element.TryGetProperty("content", out var contentElement))
                {
                    Error(JobDiagnosticCodes.InvalidDatasource, Child(location, "content"), "A direct datasource needs 'content': the input dictionary, or a list of dictionaries.");
                    return null;
                }

                var content = StatesJson.Parse(contentElement.GetRawText());
                if (DescribeBadContent(content) is { } problem)
                {
                    Error(JobDiagnosticCodes.InvalidDatasource, Child(location, "content"), $"'content' must be a dictionary (object) or a list of dictionaries; {problem}.");
                    return null;
                }

                return new DirectDatasource(content!);
            case "file":
                var path = RequiredString(element, "path", location, "the JSON file holding the input, relative to the map");
                if (path is { Length: 0 })
                {
                    Error(JobDiagnosticCodes.InvalidDatasource, Child(location, "path"), "'path' must name a file.");
                    return null;
                }

                return path is null ? null : new FileDatasource(path);
            default:
                Error(JobDiagnosticCodes.InvalidDatasource, Child(location, "source"), $"The datasource source \"{source}\" is not known; valid sources are \"direct\" and \"file\".");
                return null;
        }
    }

    /// <summary>A task as read: its name and location even when the rest is broken, so the graph checks can run.</summary>
    private sealed record TaskEntry(string? Name, JobTaskType? Type, string Location, JobTask? Task, IReadOnlyList<CatchEntry> Catches);

    /// <summary>A catcher with its place in the map, for the graph checks of its <c>next</c>.</summary>
    private sealed record CatchEntry(JobCatch Catch, string Location);

    private List<TaskEntry> ReadTasks(JsonElement root)
    {
        var entries = new List<TaskEntry>();
        if (RequiredArray(root, "tasks", "a list with one input task, the function tasks and at least one output task") is not { } tasks)
        {
            return entries;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var element in tasks.EnumerateArray())
        {
            var location = Index("$.tasks", index++);
            var entry = ReadTask(element, location);
            if (entry.Name is { } name && !names.Add(name))
            {
                Error(JobDiagnosticCodes.DuplicateTaskName, Child(location, "name"), $"Another task is already named '{name}'; task names must be unique.");
                entry = entry with { Name = null, Task = null };
            }

            entries.Add(entry);
        }

        var inputs = entries.Where(e => e.Type == JobTaskType.Input).ToList();
        if (inputs.Count == 0)
        {
            Error(JobDiagnosticCodes.InputCount, "$.tasks", "The job has no input task; exactly one task must have \"type\": \"input\".");
        }

        foreach (var extra in inputs.Skip(1))
        {
            Error(JobDiagnosticCodes.InputCount, Child(extra.Location, "type"), $"The job has {inputs.Count} input tasks ({string.Join(", ", inputs.Select(i => $"'{i.Name}'"))}); exactly one is allowed.");
        }

        return entries;
    }

    private TaskEntry ReadTask(JsonElement element, string location)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            Error(JobDiagnosticCodes.WrongType, location, $"A task must be an object with name and type but is {Describe(element)}.");
            return new TaskEntry(null, null, location, null, []);
        }

        CheckFields(element, location, TaskFields, "a task");
        var name = RequiredString(element, "name", location, "the task's unique name");
        if (name is { Length: 0 })
        {
            Error(JobDiagnosticCodes.DuplicateTaskName, Child(location, "name"), "A task name must not be empty.");
            name = null;
        }

        var typeText = RequiredString(element, "type", location, "input, function, output or aggregate");
        JobTaskType? type = typeText is null ? null : Array.IndexOf(TypeNames, typeText) is var t and >= 0 ? (JobTaskType)t : null;
        if (typeText is not null && type is null)
        {
            Error(JobDiagnosticCodes.UnknownTaskType, Child(location, "type"), $"The task type \"{typeText}\" is not known; valid types are {string.Join(", ", TypeNames.Select(n => $"\"{n}\""))}.");
        }

        var consumes = OptionalString(element, "consumes", location, "the type tag of what the task accepts");
        var produces = OptionalString(element, "produces", location, "the type tag of what the task passes on");
        var definition = type is JobTaskType.Function or JobTaskType.Aggregate ? ResolveDefinition(element, location, type.Value) : null;
        if (type is JobTaskType.Input or JobTaskType.Output)
        {
            foreach (var field in RunFields.Where(f => element.TryGetProperty(f, out _)))
            {
                Error(JobDiagnosticCodes.FieldNotApplicable, Child(location, field), $"'{field}' applies to function and aggregate tasks; an {typeText} task runs no code.");
            }
        }

        if (definition is not null)
        {
            // An aggregate's own consumes describes the items it gathers; its registered task consumes {"items": [...]}.
            if (type == JobTaskType.Function)
            {
                CheckDeclared(consumes, definition.Consumes, "consumes", location, definition);
            }

            CheckDeclared(produces, definition.Produces, "produces", location, definition);
        }

        var initArgs = ReadInitArgs(element, location, definition, type);
        var retry = ReadList(element, "retry", location, ReadRetry);
        var catches = ReadList(element, "catch", location, ReadCatch);
        var maxConcurrency = ReadMaxConcurrency(element, location, type, definition);
        var timeout = ReadTimeout(element, location, type, definition);
        var window = ReadWindow(element, location, type);
        if (name is null || type is null || (type is JobTaskType.Function && definition is null))
        {
            return new TaskEntry(name, type, location, null, catches);
        }

        var task = new JobTask(name, type.Value)
        {
            Namespace = definition?.Namespace,
            Method = definition?.Name,
            Definition = definition,
            Consumes = type switch
            {
                JobTaskType.Function => Tag(consumes) ?? Tag(definition!.Consumes),
                JobTaskType.Input => null,
                _ => Tag(consumes),
            },
            Produces = type switch
            {
                JobTaskType.Function => Tag(produces) ?? Tag(definition!.Produces),
                JobTaskType.Output => null,
                _ => Tag(produces) ?? Tag(definition?.Produces),
            },
            InitArgs = initArgs,
            Retry = retry,
            Catch = [.. catches.Select(c => c.Catch)],
            MaxConcurrency = maxConcurrency,
            TimeoutSeconds = timeout,
            WindowSize = window,
            Location = location,
        };
        return new TaskEntry(name, type, location, task, catches);
    }

    private JobTaskDefinition? ResolveDefinition(JsonElement element, string location, JobTaskType type)
    {
        var hasMethod = element.TryGetProperty("method", out _);
        var hasNamespace = element.TryGetProperty("namespace", out _);
        if (type == JobTaskType.Aggregate && !hasMethod && !hasNamespace)
        {
            return null;
        }

        var method = RequiredString(element, "method", location, "the registered task's name");
        var ns = RequiredString(element, "namespace", location, "the registered task's namespace");
        if (method is null || ns is null)
        {
            return null;
        }

        if (!_catalog.HasNamespace(ns))
        {
            var known = _catalog.Namespaces.ToList();
            Error(JobDiagnosticCodes.UnknownNamespace, Child(location, "namespace"), $"No registered task lives in the namespace \"{ns}\"; known namespaces are {(known.Count == 0 ? "none (no task assembly is loaded)" : string.Join(", ", known.Select(n => $"\"{n}\"")))}.");
            return null;
        }

        var definition = _catalog.Find(ns, method);
        if (definition is null)
        {
            Error(JobDiagnosticCodes.UnknownTask, Child(location, "method"), $"The namespace \"{ns}\" has no task \"{method}\"; its tasks are {string.Join(", ", _catalog.NamesIn(ns).Select(n => $"\"{n}\""))}.");
        }

        return definition;
    }

    private void CheckDeclared(string? declared, string? registered, string field, string location, JobTaskDefinition definition)
    {
        if (Tag(declared) is { } d && Tag(registered) is { } r && d != r)
        {
            Error(JobDiagnosticCodes.DeclarationMismatch, Child(location, field), $"The map says the task {field} \"{d}\" but {definition.QualifiedName} is registered as {field} \"{r}\".");
        }
    }

    private JsonObject ReadInitArgs(JsonElement element, string location, JobTaskDefinition? definition, JobTaskType? type)
    {
        var argsLocation = Child(location, "init_args");
        var args = new JsonObject();
        if (element.TryGetProperty("init_args", out var argsElement))
        {
            if (argsElement.ValueKind != JsonValueKind.Object)
            {
                Error(JobDiagnosticCodes.WrongType, argsLocation, $"'init_args' must be an object of constructor arguments but is {Describe(argsElement)}.");
                return args;
            }

            args = (JsonObject)StatesJson.Parse(argsElement.GetRawText())!;
            if (type == JobTaskType.Aggregate && definition is null)
            {
                Error(JobDiagnosticCodes.FieldNotApplicable, argsLocation, "'init_args' needs a 'method': an aggregate without one runs no code.");
                return args;
            }
        }

        if (definition is null)
        {
            return args;
        }

        foreach (var (key, value) in args)
        {
            var parameter = definition.Parameters.FirstOrDefault(p => p.Name == key);
            if (parameter is null)
            {
                var valid = definition.Parameters.Select(p => $"'{p.Name}'").ToList();
                Error(JobDiagnosticCodes.UnknownInitArg, Child(argsLocation, key), $"{definition.QualifiedName} takes no argument '{key}'; {(valid.Count == 0 ? "it takes none" : "valid arguments are " + string.Join(", ", valid))}.");
            }
            else if (!parameter.Accepts(value, out var problem))
            {
                Error(JobDiagnosticCodes.InvalidInitArg, Child(argsLocation, key), $"{definition.QualifiedName}: {problem}.");
            }
        }

        foreach (var missing in definition.Parameters.Where(p => p.Required && !args.ContainsKey(p.Name)))
        {
            Error(JobDiagnosticCodes.MissingInitArg, argsElement.ValueKind == JsonValueKind.Object ? argsLocation : location, $"{definition.QualifiedName} needs the argument '{missing.Name}' ({missing.Type}{(missing.Description is null ? string.Empty : ": " + missing.Description)}) in init_args.");
        }

        return args;
    }

    private List<T> ReadList<T>(JsonElement element, string field, string location, Func<JsonElement, string, bool, T?> read)
        where T : class
    {
        var result = new List<T>();
        if (!element.TryGetProperty(field, out var value))
        {
            return result;
        }

        var fieldLocation = Child(location, field);
        if (value.ValueKind == JsonValueKind.Object)
        {
            if (read(value, fieldLocation, true) is { } one)
            {
                result.Add(one);
            }

            return result;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            Error(JobDiagnosticCodes.WrongType, fieldLocation, $"'{field}' must be an object or a list of objects but is {Describe(value)}.");
            return result;
        }

        var count = value.GetArrayLength();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (read(item, Index(fieldLocation, index), ++index == count) is { } entry)
            {
                result.Add(entry);
            }
        }

        return result;
    }

    private List<string>? ReadErrors(JsonElement obj, string location, bool last)
    {
        if (!obj.TryGetProperty("errors", out var errors))
        {
            if (!last)
            {
                Error(JobDiagnosticCodes.InvalidPolicy, location, "Without 'errors' this entry matches every error (States.ALL), so it must be the last one.");
            }

            return [ErrorNames.All];
        }

        var errorsLocation = Child(location, "errors");
        if (errors.ValueKind != JsonValueKind.Array || errors.GetArrayLength() == 0 || errors.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String || e.GetString()!.Length == 0))
        {
            Error(JobDiagnosticCodes.InvalidPolicy, errorsLocation, $"'errors' must be a non-empty list of error names such as \"States.ALL\" or \"States.TaskFailed\" but is {Describe(errors)}.");
            return null;
        }

        var names = errors.EnumerateArray().Select(e => e.GetString()!).ToList();
        if (names.Contains(ErrorNames.All) && (names.Count > 1 || !last))
        {
            Error(JobDiagnosticCodes.InvalidPolicy, errorsLocation, "\"States.ALL\" must be alone in its 'errors' and its entry must come last.");
            return null;
        }

        return names;
    }

    private JobRetry? ReadRetry(JsonElement element, string location, bool last)
    {
        if (!IsPolicyObject(element, location, RetryFields, "a retry policy"))
        {
            return null;
        }

        var errors = ReadErrors(element, location, last);
        var maxAttempts = Integer(element, "max_attempts", location, 3, 0, 99_999_999);
        var interval = Integer(element, "interval_seconds", location, 1, 1, 99_999_999);
        var maxDelay = element.TryGetProperty("max_delay_seconds", out _) ? Integer(element, "max_delay_seconds", location, 0, 1, 31_622_400) : (int?)0;
        double? backoff = 2.0;
        if (element.TryGetProperty("backoff_rate", out var rate))
        {
            backoff = rate.ValueKind == JsonValueKind.Number && rate.GetDouble() >= 1 ? rate.GetDouble() : null;
            if (backoff is null)
            {
                Error(JobDiagnosticCodes.InvalidPolicy, Child(location, "backoff_rate"), $"'backoff_rate' must be a number of at least 1.0 but is {Describe(rate)}.");
            }
        }

        var jitter = OptionalString(element, "jitter", location, "FULL or NONE") ?? "NONE";
        if (jitter is not ("FULL" or "NONE"))
        {
            Error(JobDiagnosticCodes.InvalidPolicy, Child(location, "jitter"), $"'jitter' is \"{jitter}\"; valid values are \"FULL\" and \"NONE\".");
            return null;
        }

        return errors is null || maxAttempts is null || interval is null || backoff is null || maxDelay is null
            ? null
            : new JobRetry(errors, maxAttempts.Value, interval.Value, backoff.Value, maxDelay == 0 ? null : maxDelay, jitter);
    }

    private CatchEntry? ReadCatch(JsonElement element, string location, bool last)
    {
        if (!IsPolicyObject(element, location, CatchFields, "a catcher"))
        {
            return null;
        }

        var errors = ReadErrors(element, location, last);
        var next = OptionalString(element, "next", location, "the task that handles the failure");
        return errors is null ? null : new CatchEntry(new JobCatch(errors, next), location);
    }

    private bool IsPolicyObject(JsonElement element, string location, string[] fields, string what)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            Error(JobDiagnosticCodes.WrongType, location, $"{char.ToUpperInvariant(what[0])}{what[1..]} must be an object but is {Describe(element)}.");
            return false;
        }

        CheckFields(element, location, fields, what);
        return true;
    }

    private int? Integer(JsonElement obj, string field, string location, int fallback, int min, int max)
    {
        if (!obj.TryGetProperty(field, out var value))
        {
            return fallback;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= min && number <= max)
        {
            return number;
        }

        Error(JobDiagnosticCodes.InvalidPolicy, Child(location, field), $"'{field}' must be a whole number from {min} to {max} but is {Describe(value)}.");
        return null;
    }

    private int? ReadMaxConcurrency(JsonElement element, string location, JobTaskType? type, JobTaskDefinition? definition)
    {
        if (!element.TryGetProperty("max_concurrency", out _))
        {
            return null;
        }

        var value = Integer(element, "max_concurrency", location, 0, 0, int.MaxValue);
        var fansOut = type == JobTaskType.Input || definition?.FansOut == true;
        if (value is not null && !fansOut && type is not null)
        {
            Warning(JobDiagnosticCodes.FieldNotApplicable, Child(location, "max_concurrency"), "'max_concurrency' limits how many of a task's fanned-out dictionaries run at once, and this task does not fan out; it has no effect.");
        }

        return value;
    }

    private int? ReadTimeout(JsonElement element, string location, JobTaskType? type, JobTaskDefinition? definition)
    {
        if (!element.TryGetProperty("timeout_seconds", out _))
        {
            return null;
        }

        var value = Integer(element, "timeout_seconds", location, 0, 1, 99_999_999);
        if (value is not null && type == JobTaskType.Aggregate && definition is null)
        {
            Error(JobDiagnosticCodes.FieldNotApplicable, Child(location, "timeout_seconds"), "'timeout_seconds' needs a 'method': an aggregate without one runs no code.");
        }

        return value;
    }

    private int? ReadWindow(JsonElement element, string location, JobTaskType? type)
    {
        if (!element.TryGetProperty("window", out var window))
        {
            return null;
        }

        var at = Child(location, "window");
        if (type is not null && type != JobTaskType.Aggregate)
        {
            Error(JobDiagnosticCodes.FieldNotApplicable, at, "'window' splits what an aggregate gathers into windows; only an aggregate task takes it.");
            return null;
        }

        if (!IsPolicyObject(window, at, WindowFields, "a window"))
        {
            return null;
        }

        if (!window.TryGetProperty("size", out _))
        {
            Error(JobDiagnosticCodes.InvalidPolicy, Child(at, "size"), "A window needs 'size': how many gathered dictionaries each window holds (from 1).");
            return null;
        }

        return Integer(window, "size", at, 0, 1, int.MaxValue);
    }

    private List<JobEdge> ReadWorkflow(JsonElement root, List<TaskEntry> tasks)
    {
        var edges = new List<JobEdge>();
        if (RequiredArray(root, "workflow", "a list of [from, to] task-name pairs") is not { } workflow)
        {
            return edges;
        }

        var byName = tasks.Where(t => t.Name is not null).ToDictionary(t => t.Name!, StringComparer.Ordinal);
        var seen = new HashSet<(string, string)>();
        var index = 0;
        foreach (var pair in workflow.EnumerateArray())
        {
            var location = Index("$.workflow", index++);
            if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2 || pair.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
            {
                Error(JobDiagnosticCodes.MalformedEdge, location, $"A workflow edge must be a pair of task names, [\"from\", \"to\"], but is {(pair.ValueKind == JsonValueKind.Array ? pair.GetRawText() : Describe(pair))}.");
                continue;
            }

            var from = pair[0].GetString()!;
            var to = pair[1].GetString()!;
            var fromKnown = Known(from, Index(location, 0), byName);
            var toKnown = Known(to, Index(location, 1), byName);
            if (!fromKnown || !toKnown)
            {
                continue;
            }

            var (source, target) = (byName[from], byName[to]);
            if (target.Type == JobTaskType.Input)
            {
                Error(JobDiagnosticCodes.EdgeDirection, Index(location, 1), $"'{to}' is the input task; nothing flows into it.");
                continue;
            }

            if (source.Type == JobTaskType.Output)
            {
                Error(JobDiagnosticCodes.EdgeDirection, Index(location, 0), $"'{from}' is an output task; nothing flows out of it.");
                continue;
            }

            if (!seen.Add((from, to)))
            {
                Warning(JobDiagnosticCodes.DuplicateEdge, location, $"The edge [\"{from}\", \"{to}\"] is listed twice; it counts once.");
                continue;
            }

            if (source.Task?.Produces is { } produces && target.Task?.Consumes is { } consumes && produces != consumes)
            {
                Error(JobDiagnosticCodes.TypeMismatch, location, $"'{from}' produces \"{produces}\" but '{to}' consumes \"{consumes}\".");
            }

            edges.Add(new JobEdge(from, to, location));
        }

        return edges;
    }

    private bool Known(string name, string location, Dictionary<string, TaskEntry> byName)
    {
        if (byName.ContainsKey(name))
        {
            return true;
        }

        Error(JobDiagnosticCodes.UnknownEdgeTask, location, $"No task is named '{name}'; tasks are {string.Join(", ", byName.Keys.Select(n => $"'{n}'"))}.");
        return false;
    }

    private void CheckGraph(List<TaskEntry> tasks, List<JobEdge> edges)
    {
        var named = tasks.Where(t => t.Name is not null).ToList();
        var byName = named.ToDictionary(t => t.Name!, StringComparer.Ordinal);
        var next = named.ToDictionary(t => t.Name!, _ => new List<(string To, string Location)>(), StringComparer.Ordinal);
        foreach (var edge in edges)
        {
            next[edge.From].Add((edge.To, edge.Location));
        }

        foreach (var task in named)
        {
            foreach (var (c, location) in task.Catches)
            {
                if (c.Next is not { } target)
                {
                    continue;
                }

                var targetLocation = Child(location, "next");
                if (!Known(target, targetLocation, byName))
                {
                    continue;
                }

                if (byName[target].Type == JobTaskType.Input)
                {
                    Error(JobDiagnosticCodes.EdgeDirection, targetLocation, $"'{target}' is the input task; a failure cannot flow into it.");
                    continue;
                }

                next[task.Name!].Add((target, targetLocation));
            }
        }

        CheckCycles(named, next);
        var inputs = named.Where(t => t.Type == JobTaskType.Input).ToList();
        if (inputs.Count == 1)
        {
            var reached = Reach([inputs[0].Name!], n => next[n].Select(e => e.To));
            foreach (var task in named.Where(t => !reached.Contains(t.Name!)))
            {
                Error(JobDiagnosticCodes.Unreachable, task.Location, $"The task '{task.Name}' cannot be reached from the input task '{inputs[0].Name}'; add a workflow edge into it or remove it.");
            }
        }

        var previous = named.ToDictionary(t => t.Name!, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var (from, targets) in next)
        {
            foreach (var (to, _) in targets)
            {
                previous[to].Add(from);
            }
        }

        var outputs = named.Where(t => t.Type == JobTaskType.Output).Select(t => t.Name!).ToList();
        var useful = Reach(outputs, n => previous[n]);
        foreach (var task in named.Where(t => !useful.Contains(t.Name!)))
        {
            Error(JobDiagnosticCodes.ReachesNoOutput, task.Location, outputs.Count == 0
                ? $"The job has no output task, so the work of '{task.Name}' would be lost; add a task with \"type\": \"output\"."
                : $"The task '{task.Name}' reaches no output task, so its work would be lost; add a workflow edge from it towards {string.Join(" or ", outputs.Select(o => $"'{o}'"))}.");
        }
    }

    private static HashSet<string> Reach(IEnumerable<string> start, Func<string, IEnumerable<string>> next)
    {
        var seen = new HashSet<string>(start, StringComparer.Ordinal);
        var queue = new Queue<string>(seen);
        while (queue.TryDequeue(out var name))
        {
            foreach (var n in next(name))
            {
                if (seen.Add(n))
                {
                    queue.Enqueue(n);
                }
            }
        }

        return seen;
    }

    private void CheckCycles(List<TaskEntry> named, Dictionary<string, List<(string To, string Location)>> next)
    {
        // Iterative depth-first search; a back edge closes a cycle, reported at that edge with the path it closes.
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var root in named.Select(t => t.Name!))
        {
            if (state.ContainsKey(root))
            {
                continue;
            }

            var path = new List<string>();
            var stack = new Stack<(string Name, int Edge)>();
            stack.Push((root, 0));
            state[root] = 1;
            path.Add(root);
            while (stack.TryPop(out var frame))
            {
                var edges = next[frame.Name];
                if (frame.Edge >= edges.Count)
                {
                    state[frame.Name] = 2;
                    path.RemoveAt(path.Count - 1);
                    continue;
                }

                stack.Push((frame.Name, frame.Edge + 1));
                var (to, location) = edges[frame.Edge];
                switch (state.GetValueOrDefault(to))
                {
                    case 0:
                        state[to] = 1;
                        path.Add(to);
                        stack.Push((to, 0));
                        break;
                    case 1:
                        var cycle = path.Skip(path.IndexOf(to)).Append(to);
                        Error(JobDiagnosticCodes.Cycle, location, $"The workflow has a cycle: {string.Join(" → ", cycle.Select(n => $"'{n}'"))}; a job must be acyclic.");
                        break;
                }
            }
        }
    }
}
