using System.Globalization;
using System.Text.Json;
using Rheo.Runtime.Compute;

namespace Rheo.Runtime.StepFlows;

/// <summary>Where an action sits in its step: pre actions run before the main action, post actions after it succeeded.</summary>
public enum FlowActionPhase
{
    /// <summary>Runs before the main action; a failure skips main and post and fails the step.</summary>
    Pre,

    /// <summary>The step's single main action.</summary>
    Main,

    /// <summary>Runs after the main action succeeded.</summary>
    Post,
}

/// <summary>
/// One unit of work of a flow step, as data (a command line, a type name with its state as JSON, a duration), so an
/// activated flow reloads in another process (synergy_flow's actions).
/// </summary>
/// <param name="Kind">One of <see cref="FlowActionKinds"/>.</param>
/// <param name="Name">The action's name in logs and records (<c>step.action</c>).</param>
/// <param name="Arguments">The kind's arguments.</param>
/// <param name="RetryCount">How many times a failed attempt is retried before the step fails.</param>
public sealed record FlowAction(string Kind, string Name, IReadOnlyDictionary<string, string> Arguments, int RetryCount = 0)
{
    /// <summary>Runs a shell command (<c>/bin/sh -c</c>) as a child process; its output lines go to the step's log and the exit code decides.</summary>
    /// <remarks>The environment holds <c>RHEO_FLOW</c>, <c>RHEO_STEP</c>, <c>RHEO_ACTION</c>, <c>RHEO_PERIOD</c>, <c>RHEO_OUTPUT_PATH</c>, <c>RHEO_SETTING_&lt;NAME&gt;</c> and <c>RHEO_CREDENTIAL_&lt;NAME&gt;</c>; the working directory is the step's output folder.</remarks>
    public static FlowAction Shell(string command, string? name = null, TimeSpan? timeout = null, int retryCount = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        var arguments = new Dictionary<string, string>(StringComparer.Ordinal) { ["command"] = command };
        if (timeout is { } t)
        {
            arguments["timeoutMilliseconds"] = ((long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        }

        return new FlowAction(FlowActionKinds.Shell, name ?? FlowActionKinds.Shell, arguments, retryCount);
    }

    /// <summary>Runs a C# action in-process. Its public state is stored as JSON and every execution gets its own copy, so actions are re-entrant.</summary>
    /// <typeparam name="T">The action class; it needs a public parameterless constructor and JSON-serializable public properties.</typeparam>
    /// <param name="state">The action's initial state; null starts from a new instance.</param>
    /// <param name="name">The name in logs (default: the class name).</param>
    /// <param name="retryCount">Retries after a failure.</param>
    public static FlowAction Run<T>(T? state = null, string? name = null, int retryCount = 0)
        where T : class, IFlowAction, new()
    {
        var arguments = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["type"] = TypeNames.Of(typeof(T)),
            ["state"] = JsonSerializer.Serialize(state ?? new T()),
        };
        return new FlowAction(FlowActionKinds.CSharp, name ?? typeof(T).Name, arguments, retryCount);
    }

    /// <summary>Waits for a duration (a real sleep, cancelled by a kill).</summary>
    public static FlowAction Sleep(TimeSpan duration, string? name = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        return new FlowAction(FlowActionKinds.Sleep, name ?? FlowActionKinds.Sleep,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["milliseconds"] = ((long)duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) });
    }

    /// <summary>Does nothing and succeeds (a placeholder, or a step that only joins its predecessors).</summary>
    public static FlowAction Identity(string? name = null) => new(FlowActionKinds.Identity, name ?? FlowActionKinds.Identity, new Dictionary<string, string>(StringComparer.Ordinal));

    /// <summary>Always fails with a message (for tests and for marking a step that must not run yet).</summary>
    public static FlowAction Fail(string message = "failed on purpose", string? name = null, int retryCount = 0) =>
        new(FlowActionKinds.Fail, name ?? FlowActionKinds.Fail, new Dictionary<string, string>(StringComparer.Ordinal) { ["message"] = message }, retryCount);
}

/// <summary>The kinds of <see cref="FlowAction"/>.</summary>
public static class FlowActionKinds
{
    /// <summary>A shell command run as a child process.</summary>
    public const string Shell = "shell";

    /// <summary>A C# class implementing <see cref="IFlowAction"/>, run in-process.</summary>
    public const string CSharp = "csharp";

    /// <summary>A sleep.</summary>
    public const string Sleep = "sleep";

    /// <summary>Does nothing.</summary>
    public const string Identity = "identity";

    /// <summary>Always fails.</summary>
    public const string Fail = "fail";
}

/// <summary>A C# flow action (<see cref="FlowAction.Run{T}"/>).</summary>
/// <remarks>Each execution runs on a fresh copy made from the stored state, so fields and properties may be mutated freely: executions of the same step for other periods never see the change.</remarks>
public interface IFlowAction
{
    /// <summary>Does the action's work; throw to fail it (<see cref="RetryableComputeException"/> retries without counting).</summary>
    Task RunAsync(FlowActionContext context, CancellationToken cancellationToken);
}

/// <summary>
/// One action of a step, as the compute target the step's node runs: a step's node has its pre actions, its main
/// action and its post actions as ordered compute targets, so the engine's in-order, stop-at-first-failure execution
/// gives the step semantics and a compute record per action.
/// </summary>
/// <param name="Step">The step (node) id.</param>
/// <param name="Phase">Pre, main or post.</param>
/// <param name="Action">The action.</param>
/// <param name="Index">Its position among the step's actions.</param>
/// <param name="Count">How many actions the step has.</param>
public sealed record FlowActionTarget(string Step, FlowActionPhase Phase, FlowAction Action, int Index, int Count) : ComputeTarget(Action.RetryCount)
{
    /// <inheritdoc />
    public override string Describe() => $"{Phase.ToString().ToLowerInvariant()} {Action.Name} ({Action.Kind})";
}
