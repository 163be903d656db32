using Rheo.Runtime.Compute;
using Rheo.Runtime.Storage;

namespace Rheo.Runtime.Hooks;

/// <summary>User code called on a route's lifecycle transitions (the guide's execution and pending-node hooks).</summary>
/// <remarks>A new instance runs per call. Hooks run after the transition is committed, one at a time per application, in the order the transitions happened; an exception is logged and swallowed.</remarks>
public interface IRouteHook
{
    /// <summary>Handles one transition.</summary>
    Task OnHookAsync(HookContext context, CancellationToken cancellationToken);
}

/// <summary>A hook referenced by type, so a persisted topology reloads it.</summary>
/// <param name="TypeName">The type implementing <see cref="IRouteHook"/>.</param>
public sealed record HookRef(string TypeName)
{
    /// <summary>References a hook class.</summary>
    /// <typeparam name="T">The hook; it needs a public parameterless constructor.</typeparam>
    public static HookRef Of<T>()
        where T : IRouteHook, new() => new(TypeNames.Of(typeof(T)));
}

/// <summary>A hook fired once when the elapsed time crosses <paramref name="After"/> (since the execution started, or since the pending group was created).</summary>
/// <param name="After">The offset.</param>
/// <param name="Hook">The hook to call.</param>
public sealed record HookCheckpoint(TimeSpan After, HookRef Hook);

/// <summary>Hooks on a node's executions (the guide's <c>RouteExecutionHook</c>).</summary>
public sealed record ExecutionHook
{
    /// <summary>An execution was accepted.</summary>
    public HookRef? OnExecutionBegin { get; init; }

    /// <summary>A trigger was skipped because an execution for the same output was active.</summary>
    public HookRef? OnExecutionSkipped { get; init; }

    /// <summary>A compute target succeeded.</summary>
    public HookRef? OnComputeSuccess { get; init; }

    /// <summary>A compute target failed for good.</summary>
    public HookRef? OnComputeFailure { get; init; }

    /// <summary>A compute target is about to be retried.</summary>
    public HookRef? OnComputeRetry { get; init; }

    /// <summary>The execution succeeded (every target) and its output was emitted.</summary>
    public HookRef? OnSuccess { get; init; }

    /// <summary>The execution failed or was killed.</summary>
    public HookRef? OnFailure { get; init; }

    /// <summary>Hooks fired while the execution is still running at given offsets.</summary>
    public IReadOnlyList<HookCheckpoint> Checkpoints { get; init; } = [];
}

/// <summary>Hooks on a node's pending trigger groups (the guide's <c>RoutePendingNodeHook</c>).</summary>
public sealed record PendingNodeHook
{
    /// <summary>A new group was opened and is still pending.</summary>
    public HookRef? OnPendingNodeCreated { get; init; }

    /// <summary>A group was dropped after the pending-node TTL.</summary>
    public HookRef? OnExpiration { get; init; }

    /// <summary>Hooks fired while a group is pending, at given offsets since its creation.</summary>
    public IReadOnlyList<HookCheckpoint> Checkpoints { get; init; } = [];
}

/// <summary>The kind of a hook transition; <see cref="HookTypes.MetricName"/> gives the guide's route-metric name.</summary>
public enum HookType
{
    /// <summary>IExecutionBeginHook.</summary>
    ExecutionBegin,

    /// <summary>IExecutionSkippedHook.</summary>
    ExecutionSkipped,

    /// <summary>IComputeSuccessHook.</summary>
    ComputeSuccess,

    /// <summary>IComputeFailureHook.</summary>
    ComputeFailure,

    /// <summary>IComputeRetryHook.</summary>
    ComputeRetry,

    /// <summary>IExecutionSuccessHook.</summary>
    ExecutionSuccess,

    /// <summary>IExecutionFailureHook.</summary>
    ExecutionFailure,

    /// <summary>IExecutionCheckpointHook.</summary>
    ExecutionCheckpoint,

    /// <summary>IPendingNodeCreationHook.</summary>
    PendingNodeCreated,

    /// <summary>IPendingNodeExpirationHook.</summary>
    PendingNodeExpiration,

    /// <summary>IPendingCheckpointHook.</summary>
    PendingNodeCheckpoint,
}

/// <summary>Names of hook transitions as route metrics.</summary>
public static class HookTypes
{
    /// <summary>The metric recording each hook transition with value 1.</summary>
    public const string HookMetric = "routing_table.receive.hook";

    /// <summary>The metric recording each hook transition with the time (epoch seconds, UTC) as value.</summary>
    public const string HookTimeMetric = "routing_table.receive.hook.time_in_utc";

    /// <summary>The guide's metric dimension for a hook type (e.g. <c>IExecutionBeginHook</c>).</summary>
    public static string MetricName(HookType type) => type switch
    {
        HookType.ExecutionBegin => "IExecutionBeginHook",
        HookType.ExecutionSkipped => "IExecutionSkippedHook",
        HookType.ComputeSuccess => "IComputeSuccessHook",
        HookType.ComputeFailure => "IComputeFailureHook",
        HookType.ComputeRetry => "IComputeRetryHook",
        HookType.ExecutionSuccess => "IExecutionSuccessHook",
        HookType.ExecutionFailure => "IExecutionFailureHook",
        HookType.ExecutionCheckpoint => "IExecutionCheckpointHook",
        HookType.PendingNodeCreated => "IPendingNodeCreationHook",
        HookType.PendingNodeExpiration => "IPendingNodeExpirationHook",
        HookType.PendingNodeCheckpoint => "IPendingCheckpointHook",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}

/// <summary>What a hook gets.</summary>
/// <param name="Application">The application.</param>
/// <param name="RouteId">The node.</param>
/// <param name="Type">The transition.</param>
/// <param name="At">When it happened.</param>
/// <param name="Dimensions">The output dimension values (<c>*</c> where a pending group does not know them yet).</param>
/// <param name="ExecutionId">The execution, for execution hooks.</param>
/// <param name="PendingGroupId">The group, for pending-node hooks.</param>
/// <param name="ComputeRecord">The compute record, for compute hooks.</param>
/// <param name="Checkpoint">The checkpoint offset, for checkpoint hooks.</param>
public sealed record HookContext(string Application, string RouteId, HookType Type, DateTimeOffset At, IReadOnlyDictionary<string, string> Dimensions, long? ExecutionId = null, long? PendingGroupId = null, ComputeRecord? ComputeRecord = null, TimeSpan? Checkpoint = null);
