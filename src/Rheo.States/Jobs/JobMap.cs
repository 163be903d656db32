using System.Text.Json.Nodes;
using Rheo.States.Validation;

namespace Rheo.States.Jobs;

/// <summary>
/// A validated JSON job map (datasource, tasks, workflow edges) and the state machine it compiles to.
/// </summary>
/// <remarks>
/// Immutable and safe to share between concurrent runs. Parsing validates the whole map at once (every problem, each
/// with its JSON path) against a <see cref="JobTaskCatalog"/>, then compiles it to Amazon States Language: a sequence
/// of Task states, Parallel where a task feeds several, Map where a task fans out, and one stage per aggregate (see
/// <c>docs/jobs.md</c>).
/// </remarks>
public sealed class JobMap
{
    /// <summary>The prefix of the ASL <c>Resource</c> of every task state a job compiles to.</summary>
    public const string ResourcePrefix = "rheo:job:";

    private readonly JsonObject _stateMachineJson;
    private readonly Dictionary<string, JobTask> _byName;
    private readonly Dictionary<string, List<JobTask>> _children;
    private readonly Dictionary<string, List<JobTask>> _parents;

    internal JobMap(string name, JobDatasource datasource, IReadOnlyList<JobTask> tasks, IReadOnlyList<JobEdge> workflow, IReadOnlyList<Diagnostic> warnings)
    {
        Name = name;
        Datasource = datasource;
        Tasks = tasks;
        Workflow = workflow;
        Warnings = warnings;
        Input = tasks.Single(t => t.Type == JobTaskType.Input);
        Outputs = [.. tasks.Where(t => t.Type == JobTaskType.Output)];
        _byName = tasks.ToDictionary(t => t.Name, StringComparer.Ordinal);
        _children = tasks.ToDictionary(t => t.Name, _ => new List<JobTask>(), StringComparer.Ordinal);
        _parents = tasks.ToDictionary(t => t.Name, _ => new List<JobTask>(), StringComparer.Ordinal);
        foreach (var edge in workflow)
        {
            _children[edge.From].Add(_byName[edge.To]);
            _parents[edge.To].Add(_byName[edge.From]);
        }

        _stateMachineJson = JobCompiler.Compile(this);
        StateMachineJson = _stateMachineJson.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
        StateMachine = StateMachineDefinition.TryParse(StateMachineJson, out var definition, out var diagnostics)
            ? definition!
            : throw new InvalidOperationException("The job compiler produced an invalid state machine (a defect in Rheo):\n" + string.Join("\n", diagnostics));
    }

    /// <summary>The map's <c>name</c>.</summary>
    public string Name { get; }

    /// <summary>Where the input comes from.</summary>
    public JobDatasource Datasource { get; }

    /// <summary>Every task, in map order.</summary>
    public IReadOnlyList<JobTask> Tasks { get; }

    /// <summary>Every edge, in map order.</summary>
    public IReadOnlyList<JobEdge> Workflow { get; }

    /// <summary>The one input task.</summary>
    public JobTask Input { get; }

    /// <summary>The output tasks, in map order.</summary>
    public IReadOnlyList<JobTask> Outputs { get; }

    /// <summary>Diagnostics of warning severity (the map runs regardless).</summary>
    public IReadOnlyList<Diagnostic> Warnings { get; }

    /// <summary>The compiled state machine, ready for the runner; its input is <c>{"input": [dictionaries]}</c>.</summary>
    public StateMachineDefinition StateMachine { get; }

    /// <summary>The compiled state machine as indented ASL JSON (what <c>rheo job compile</c> prints).</summary>
    public string StateMachineJson { get; }

    /// <summary>Validates a map and returns every diagnostic, errors and warnings.</summary>
    public static IReadOnlyList<Diagnostic> Validate(string json, JobTaskCatalog catalog) => JobMapReader.Read(json, catalog).Diagnostics;

    /// <summary>Parses, validates and compiles a map; on failure <paramref name="diagnostics"/> holds every problem found.</summary>
    public static bool TryParse(string json, JobTaskCatalog catalog, out JobMap? map, out IReadOnlyList<Diagnostic> diagnostics)
    {
        var (read, found) = JobMapReader.Read(json, catalog);
        diagnostics = found;
        map = read;
        return map is not null;
    }

    /// <summary>Parses, validates and compiles a map, throwing <see cref="InvalidJobMapException"/> when it has errors.</summary>
    public static JobMap Parse(string json, JobTaskCatalog catalog) =>
        TryParse(json, catalog, out var map, out var diagnostics) ? map! : throw new InvalidJobMapException(diagnostics);

    /// <summary>Why <paramref name="input"/> cannot be a job's input, or <c>null</c> when it can: a dictionary (object) or a list of them.</summary>
    public static string? DescribeInvalidInput(JsonNode? input) => JobMapReader.DescribeBadContent(input);

    /// <summary>The execution input of <see cref="StateMachine"/> for the given job input: a dictionary, or a list that fans out.</summary>
    /// <exception cref="ArgumentException">The input is neither an object nor an array of objects.</exception>
    public static JsonObject StateMachineInput(JsonNode input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (JobMapReader.DescribeBadContent(input) is { } problem)
        {
            throw new ArgumentException($"A job's input must be a dictionary or a list of dictionaries; {problem}.", nameof(input));
        }

        return new JsonObject { ["input"] = input is JsonArray array ? array.DeepClone() : new JsonArray(input.DeepClone()) };
    }

    /// <summary>The compiled state machine as a JSON object (a copy).</summary>
    public JsonObject ToStateMachineJsonObject() => (JsonObject)_stateMachineJson.DeepClone();

    /// <summary>The task named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No task has that name.</exception>
    public JobTask this[string name] => _byName[name];

    /// <summary>The tasks that receive the output of <paramref name="task"/>, in workflow order.</summary>
    public IReadOnlyList<JobTask> ChildrenOf(JobTask task) => _children[task.Name];

    /// <summary>The tasks whose output flows into <paramref name="task"/>, in workflow order.</summary>
    public IReadOnlyList<JobTask> ParentsOf(JobTask task) => _parents[task.Name];
}

/// <summary>Thrown by <see cref="JobMap.Parse"/> when the map has errors.</summary>
public sealed class InvalidJobMapException : StatesException
{
    /// <summary>Creates the exception from the validator's diagnostics.</summary>
    public InvalidJobMapException(IReadOnlyList<Diagnostic> diagnostics)
        : base("The job map is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, diagnostics))
    {
        Diagnostics = diagnostics;
    }

    /// <summary>Every diagnostic, errors and warnings.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }
}
