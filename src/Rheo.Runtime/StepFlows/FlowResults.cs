using Rheo.Runtime.Storage;

namespace Rheo.Runtime.StepFlows;

/// <summary>The four run modes of synergy_flow, as graph operations on a node and a period.</summary>
public enum FlowRunMode
{
    /// <summary>Managed: resets every step of the period and runs the whole flow.</summary>
    Run,

    /// <summary>Managed: only after the flow failed; resets the steps that did not succeed and runs them, keeping the successful ones.</summary>
    Recover,

    /// <summary>Freerun: checks that the step's predecessors completed for the period and runs that one step.</summary>
    RunOne,

    /// <summary>Freerun: checks the step's predecessors, resets the step and everything downstream of it, and runs them.</summary>
    RunFrom,
}

/// <summary>A flow's state for a period, as the managed modes (and the engine's own events) left it; freerun executions do not change it.</summary>
public enum FlowState
{
    /// <summary>No managed run or event-driven execution touched the period.</summary>
    NotRun,

    /// <summary>A step is pending or running.</summary>
    Running,

    /// <summary>Every step succeeded.</summary>
    Succeeded,

    /// <summary>A step failed or was killed.</summary>
    Failed,

    /// <summary>Some steps succeeded and the others were reset or never ran, and nothing runs (e.g. a run interrupted by a crash).</summary>
    Incomplete,
}

/// <summary>How a step of a flow run ended.</summary>
public enum StepOutcome
{
    /// <summary>It ran and succeeded.</summary>
    Succeeded,

    /// <summary>It ran and failed (an action failed after its retries).</summary>
    Failed,

    /// <summary>It was killed.</summary>
    Killed,

    /// <summary>It was to run but a predecessor failed or did not complete.</summary>
    NotRun,
}

/// <summary>A step of a flow run and how it ended.</summary>
/// <param name="Step">The step (node id).</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="ExecutionId">Its execution, when it ran.</param>
/// <param name="Error">Why it failed or did not run.</param>
public sealed record FlowStepResult(string Step, StepOutcome Outcome, long? ExecutionId, string? Error);

/// <summary>What a flow run did.</summary>
/// <param name="Flow">The flow node.</param>
/// <param name="Period">The period (rendered values joined with <c>/</c>).</param>
/// <param name="Mode">The mode.</param>
/// <param name="TotalSteps">How many steps the flow has (its node included).</param>
/// <param name="Steps">The steps it was to run, in order, with their outcome.</param>
/// <param name="Clusters">How many execution clusters it used: <c>max(1, steps to run / total steps × nominal)</c>, 1 for run_one.</param>
/// <param name="State">The flow's state for the period afterwards.</param>
/// <param name="Elapsed">How long it took.</param>
public sealed record FlowRunResult(string Flow, string Period, FlowRunMode Mode, int TotalSteps, IReadOnlyList<FlowStepResult> Steps, int Clusters, FlowState State, TimeSpan Elapsed)
{
    /// <summary>Whether every step it was to run succeeded.</summary>
    public bool Succeeded => Steps.All(s => s.Outcome == StepOutcome.Succeeded);
}

/// <summary>An action of a step as its latest execution recorded it.</summary>
/// <param name="Index">Its position in the step.</param>
/// <param name="Description">Phase, name and kind (<c>pre check (shell)</c>).</param>
/// <param name="Status">How its last attempt ended; null when it did not run (an earlier action failed).</param>
/// <param name="Attempts">How many attempts it made.</param>
/// <param name="Error">The last attempt's error.</param>
public sealed record FlowActionStatus(int Index, string Description, ComputeStatus? Status, int Attempts, string? Error);

/// <summary>A step of a flow for a period.</summary>
/// <param name="Step">The step (node id).</param>
/// <param name="After">The steps it depends on.</param>
/// <param name="Latest">Its latest execution for the period (any mode), if any.</param>
/// <param name="Actions">Its actions as that execution recorded them.</param>
public sealed record FlowStepStatus(string Step, IReadOnlyList<string> After, ExecutionRecord? Latest, IReadOnlyList<FlowActionStatus> Actions);

/// <summary>A flow's state for a period and where each step stands.</summary>
/// <param name="Flow">The flow node.</param>
/// <param name="Period">The period.</param>
/// <param name="State">The flow's (managed) state.</param>
/// <param name="Steps">Every step in dependency order, the flow node last.</param>
public sealed record FlowStatus(string Flow, string Period, FlowState State, IReadOnlyList<FlowStepStatus> Steps);

/// <summary>What happened to a step during a flow run, for progress displays.</summary>
public enum FlowEventKind
{
    /// <summary>The step was reset.</summary>
    StepReset,

    /// <summary>The step started on a cluster.</summary>
    StepStarted,

    /// <summary>The step succeeded.</summary>
    StepSucceeded,

    /// <summary>The step failed or was killed.</summary>
    StepFailed,

    /// <summary>The step could not run because a predecessor did not complete.</summary>
    StepNotRun,
}

/// <summary>A progress event of a flow run.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Step">The step.</param>
/// <param name="Cluster">The cluster it ran on.</param>
/// <param name="Error">Why it failed or did not run.</param>
/// <param name="Done">Steps finished so far (any outcome).</param>
/// <param name="Total">Steps to run.</param>
public sealed record FlowEvent(FlowEventKind Kind, string Step, string? Cluster, string? Error, int Done, int Total);

/// <summary>Options of a flow run.</summary>
public sealed record FlowRunOptions
{
    /// <summary>The nominal number of execution clusters; a run uses <c>max(1, steps to run / total steps × nominal)</c> of them.</summary>
    public int NominalClusters { get; init; } = 4;

    /// <summary>Where the clusters come from; the default runs steps on this machine.</summary>
    public IExecutionClusterProvider Clusters { get; init; } = LocalClusterProvider.Instance;

    /// <summary>Receives progress events (from several threads).</summary>
    public IProgress<FlowEvent>? Progress { get; init; }
}
