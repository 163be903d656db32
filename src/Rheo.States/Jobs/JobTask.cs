using System.Text.Json.Nodes;

namespace Rheo.States.Jobs;

/// <summary>The kinds of task in a job map (<c>type</c>).</summary>
public enum JobTaskType
{
    /// <summary>Where the datasource's content enters the job; exactly one per map.</summary>
    Input,

    /// <summary>Runs a registered task on each dictionary that reaches it.</summary>
    Function,

    /// <summary>Collects every dictionary that reaches it into the job's result.</summary>
    Output,

    /// <summary>Waits for every dictionary that reaches it (across all fan-out) and passes them on as one.</summary>
    Aggregate,
}

/// <summary>One task of a validated job map.</summary>
/// <param name="Name">Unique within the map.</param>
/// <param name="Type">What the task does.</param>
public sealed record JobTask(string Name, JobTaskType Type)
{
    /// <summary>The registered task's namespace (function tasks; aggregates that reduce).</summary>
    public string? Namespace { get; init; }

    /// <summary>The registered task's name in its namespace.</summary>
    public string? Method { get; init; }

    /// <summary>The registered task this one runs, resolved from the catalog.</summary>
    public JobTaskDefinition? Definition { get; init; }

    /// <summary>The type tag of what it accepts; <c>null</c> for any.</summary>
    public string? Consumes { get; init; }

    /// <summary>The type tag of what it passes on; <c>null</c> for any.</summary>
    public string? Produces { get; init; }

    /// <summary>The constructor arguments of the registered task, checked against its parameters.</summary>
    public JsonObject InitArgs { get; init; } = [];

    /// <summary>Retry policies, tried in order, for a failure of this task.</summary>
    public IReadOnlyList<JobRetry> Retry { get; init; } = [];

    /// <summary>What to do when this task fails after its retries, tried in order.</summary>
    public IReadOnlyList<JobCatch> Catch { get; init; } = [];

    /// <summary>How many of the dictionaries this task fans out to run at once; <c>null</c> or 0 for no limit.</summary>
    public int? MaxConcurrency { get; init; }

    /// <summary>Seconds one attempt of the registered task may run before it fails with <c>States.Timeout</c> (retryable and catchable); <c>null</c> for no limit.</summary>
    public int? TimeoutSeconds { get; init; }

    /// <summary>
    /// An aggregate's tumbling window: what it gathered is split, in arrival order, into consecutive windows of this
    /// many dictionaries, and each window (<c>{"items": [...], "window": index}</c>) continues on its own, concurrently;
    /// <c>null</c> gathers everything into one.
    /// </summary>
    public int? WindowSize { get; init; }

    /// <summary>Where the task sits in the map, for messages (<c>$.tasks[2]</c>).</summary>
    public string Location { get; init; } = "$";

    /// <summary>Whether a registered task runs here (a function task, or an aggregate with a <c>method</c>).</summary>
    public bool RunsTask => Definition is not null;

    /// <summary>Whether this task's output is a list that fans out to the next tasks.</summary>
    public bool FansOut => Type == JobTaskType.Input || Definition?.FansOut == true;

    /// <summary>The ASL <c>Resource</c> of this task's Task states: the name its handler is bound under.</summary>
    public string Resource => JobMap.ResourcePrefix + Name;
}

/// <summary>A retry policy of a task: the job-map spelling of an ASL retrier.</summary>
/// <param name="Errors">Error names that trigger it (<c>States.ALL</c> for any).</param>
/// <param name="MaxAttempts">Retries after the first attempt (ASL's <c>MaxAttempts</c>); 0 turns retrying off.</param>
/// <param name="IntervalSeconds">Seconds before the first retry.</param>
/// <param name="BackoffRate">The factor the interval grows by on each retry.</param>
/// <param name="MaxDelaySeconds">The longest interval, if capped.</param>
/// <param name="Jitter"><c>FULL</c> or <c>NONE</c>.</param>
public sealed record JobRetry(IReadOnlyList<string> Errors, int MaxAttempts, int IntervalSeconds, double BackoffRate, int? MaxDelaySeconds, string Jitter);

/// <summary>A catcher of a task: after retries, errors it matches do not fail the job.</summary>
/// <param name="Errors">Error names it catches (<c>States.ALL</c> for any).</param>
/// <param name="Next">
/// The task that receives the failed task's input with an <c>error</c> field (<c>{"Error", "Cause"}</c>); <c>null</c>
/// records the error in the job result and drops that dictionary.
/// </param>
public sealed record JobCatch(IReadOnlyList<string> Errors, string? Next);

/// <summary>Where a job's input comes from.</summary>
public abstract record JobDatasource;

/// <summary>Input given in the map itself (<c>"source": "direct"</c>): a dictionary, or a list that fans out.</summary>
/// <param name="Content">The dictionary or list of dictionaries.</param>
public sealed record DirectDatasource(JsonNode Content) : JobDatasource;

/// <summary>Input read from a JSON file when the job runs (<c>"source": "file"</c>).</summary>
/// <param name="Path">The file; relative paths are resolved against the map's folder.</param>
public sealed record FileDatasource(string Path) : JobDatasource;

/// <summary>One workflow edge: <c>[from, to]</c>.</summary>
/// <param name="From">The task whose output flows.</param>
/// <param name="To">The task that receives it.</param>
/// <param name="Location">The edge in the map (<c>$.workflow[1]</c>).</param>
public sealed record JobEdge(string From, string To, string Location);
