using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rheo.Runtime.Jobs;

/// <summary>How a job run ended: its outputs, the failures it caught, and why it failed if it did.</summary>
/// <param name="Name">The job's name.</param>
/// <param name="Status"><c>SUCCEEDED</c>, <c>FAILED</c>, <c>TIMED_OUT</c>, <c>ABORTED</c> or <c>START_FAILED</c> (the input could not be loaded).</param>
/// <param name="Outputs">Each output task with every dictionary that reached it, in map order; empty unless it succeeded.</param>
/// <param name="Errors">Failures caught by a <c>catch</c> without <c>next</c>: the dictionary was dropped, the job went on.</param>
/// <param name="Error">The error name when it did not succeed.</param>
/// <param name="Cause">The cause when it did not succeed.</param>
/// <param name="Statistics">What ran.</param>
public sealed record JobResult(
    string Name,
    string Status,
    IReadOnlyList<JobOutput> Outputs,
    IReadOnlyList<JobError> Errors,
    string? Error,
    string? Cause,
    JobStatistics Statistics)
{
    /// <summary>The job succeeded.</summary>
    public const string Succeeded = "SUCCEEDED";

    /// <summary>A task failed and nothing caught it.</summary>
    public const string Failed = "FAILED";

    /// <summary>The job's input could not be loaded (the datasource file is missing or not a dictionary or list of them).</summary>
    public const string StartFailed = "START_FAILED";

    private static readonly JsonSerializerOptions LineOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The task whose uncaught failure ended the job, when known.</summary>
    public string? FailedTask { get; init; }

    /// <summary>The output named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The job has no such output.</exception>
    public JobOutput this[string name] => Outputs.FirstOrDefault(o => o.Name == name) ?? throw new KeyNotFoundException($"The job has no output '{name}'; outputs are {string.Join(", ", Outputs.Select(o => o.Name))}.");

    /// <summary>The result as JSON: what <c>rheo job run --json</c> prints on one line.</summary>
    public JsonObject ToJson() => new()
    {
        ["name"] = Name,
        ["status"] = Status,
        ["outputs"] = new JsonArray([.. Outputs.Select(o => (JsonNode?)o.ToJson())]),
        ["errors"] = new JsonArray([.. Errors.Select(e => (JsonNode?)e.ToJson())]),
        ["error"] = Error,
        ["cause"] = Cause,
        ["failed_task"] = FailedTask,
        ["statistics"] = Statistics.ToJson(),
    };

    /// <summary><see cref="ToJson"/> on one line.</summary>
    public string ToJsonLine() => ToJson().ToJsonString(LineOptions);
}

/// <summary>One output task and what reached it, the shape the seed returns: <c>{"id", "type": "output", "name", "data"}</c>.</summary>
/// <param name="Id">Unique per run: the execution name and the task name.</param>
/// <param name="Name">The output task's name.</param>
/// <param name="Data">Every dictionary that reached it, in a deterministic order (depth-first through fan-out and branches).</param>
public sealed record JobOutput(string Id, string Name, IReadOnlyList<JsonObject> Data)
{
    /// <summary>The output as JSON.</summary>
    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["type"] = "output",
        ["name"] = Name,
        ["data"] = new JsonArray([.. Data.Select(d => (JsonNode?)d.DeepClone())]),
    };
}

/// <summary>A failure caught and recorded: the task, its error name and its cause.</summary>
/// <param name="Task">The task that failed.</param>
/// <param name="Error">The error name.</param>
/// <param name="Cause">The cause.</param>
public sealed record JobError(string Task, string Error, string? Cause)
{
    /// <summary>The error as JSON.</summary>
    public JsonObject ToJson() => new() { ["task"] = Task, ["error"] = Error, ["cause"] = Cause };
}

/// <summary>Counters of one run.</summary>
/// <param name="TaskRuns">Task invocations, retries included.</param>
/// <param name="TaskFailures">Invocations that failed (retried, caught or not).</param>
/// <param name="Retries">Invocations that were retries.</param>
/// <param name="Elapsed">Wall time of the run, by the runner's clock.</param>
public sealed record JobStatistics(long TaskRuns, long TaskFailures, long Retries, TimeSpan Elapsed)
{
    /// <summary>The counters as JSON (<c>elapsed_ms</c> for the time).</summary>
    public JsonObject ToJson() => new()
    {
        ["task_runs"] = TaskRuns,
        ["task_failures"] = TaskFailures,
        ["retries"] = Retries,
        ["elapsed_ms"] = Math.Round(Elapsed.TotalMilliseconds, 3),
    };
}

/// <summary>What happened to one task invocation, reported while a job runs.</summary>
/// <param name="Kind">Started, succeeded or failed.</param>
/// <param name="Task">The job-map task.</param>
/// <param name="Attempt">0 for the first attempt, 1, 2, ... for retries.</param>
/// <param name="Duration">How long the invocation took (zero when it starts).</param>
/// <param name="Items">Dictionaries it returned (1, or the length of a fan-out list).</param>
/// <param name="Error">The error name when it failed.</param>
/// <param name="Cause">The cause when it failed.</param>
public sealed record JobEvent(JobEventKind Kind, string Task, int Attempt, TimeSpan Duration, int Items, string? Error, string? Cause);

/// <summary>The kinds of <see cref="JobEvent"/>.</summary>
public enum JobEventKind
{
    /// <summary>An invocation started.</summary>
    TaskStarted,

    /// <summary>An invocation returned.</summary>
    TaskSucceeded,

    /// <summary>An invocation failed; retry or catch may follow.</summary>
    TaskFailed,
}
