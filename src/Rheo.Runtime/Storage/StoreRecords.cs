namespace Rheo.Runtime.Storage;

/// <summary>The persisted state of an application.</summary>
/// <param name="Name">The application name.</param>
/// <param name="State">Its lifecycle state.</param>
/// <param name="ActiveTopologyVersion">The active topology version, 0 when never activated.</param>
/// <param name="UpdatedAt">When the record last changed.</param>
public sealed record ApplicationRecord(string Name, ApplicationState State, long ActiveTopologyVersion, DateTimeOffset UpdatedAt);

/// <summary>An event to queue: a partition of a node, as rendered dimension values.</summary>
/// <param name="NodeId">The node whose signal this is.</param>
/// <param name="Values">The rendered dimension values, outermost first.</param>
/// <param name="ReceivedAt">When the event was accepted.</param>
public sealed record EventRecord(string NodeId, IReadOnlyList<string> Values, DateTimeOffset ReceivedAt);

/// <summary>A queued event with its sequence number.</summary>
/// <param name="Sequence">The queue position, increasing.</param>
/// <param name="Event">The event.</param>
public sealed record QueuedEvent(long Sequence, EventRecord Event);

/// <summary>A route's persisted state.</summary>
/// <param name="RouteId">The route (node) id.</param>
/// <param name="Integrity">A fingerprint of the route's definition; a changed fingerprint resets the route on activation.</param>
/// <param name="NextGroupId">The next pending group id.</param>
/// <param name="Groups">The pending groups as engine-owned JSON, by group id.</param>
public sealed record RouteRecord(string RouteId, string Integrity, long NextGroupId, IReadOnlyDictionary<long, string> Groups);

/// <summary>Where an execution stands.</summary>
public enum ExecutionStatus
{
    /// <summary>Accepted, waiting for a worker.</summary>
    Pending,

    /// <summary>Its compute targets are running.</summary>
    Running,

    /// <summary>Every compute target succeeded and the output is complete.</summary>
    Succeeded,

    /// <summary>A compute target failed after its retries.</summary>
    Failed,

    /// <summary>Stopped by a kill.</summary>
    Killed,

    /// <summary>Not run: an execution for the same output was already active.</summary>
    Skipped,

    /// <summary>Not run: a graph operation (run, recover, run_one, run_from) reset the partition, so earlier executions no longer count and its completion marker is gone.</summary>
    Reset,
}

/// <summary>An execution: one run of a node's compute targets for one output partition.</summary>
/// <param name="Id">The execution id, unique within the application.</param>
/// <param name="RouteId">The node.</param>
/// <param name="OutputKey">The rendered output partition joined with <c>/</c> (the lookup key).</param>
/// <param name="Output">The rendered output dimension values.</param>
/// <param name="InputsJson">The materialized inputs (engine-owned JSON).</param>
/// <param name="Status">Where it stands.</param>
/// <param name="CreatedAt">When it was accepted.</param>
/// <param name="StartedAt">When its first compute started.</param>
/// <param name="EndedAt">When it ended.</param>
/// <param name="Error">Why it failed, when it did.</param>
/// <param name="Trigger">What started it: <c>event</c>, <c>execute</c>, or a graph operation: <c>run</c>, <c>recover</c>, <c>run_one</c>, <c>run_from</c>.</param>
public sealed record ExecutionRecord(
    long Id,
    string RouteId,
    string OutputKey,
    IReadOnlyList<string> Output,
    string InputsJson,
    ExecutionStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? EndedAt = null,
    string? Error = null,
    string Trigger = "event")
{
    /// <summary>Whether the execution has not ended.</summary>
    public bool IsActive => Status is ExecutionStatus.Pending or ExecutionStatus.Running;
}

/// <summary>A change of an execution's status.</summary>
/// <param name="Id">The execution.</param>
/// <param name="Status">The new status.</param>
/// <param name="StartedAt">When it started (kept when null).</param>
/// <param name="EndedAt">When it ended.</param>
/// <param name="Error">Why it failed.</param>
public sealed record ExecutionUpdate(long Id, ExecutionStatus Status, DateTimeOffset? StartedAt = null, DateTimeOffset? EndedAt = null, string? Error = null);

/// <summary>How one attempt of one compute target ended.</summary>
public enum ComputeStatus
{
    /// <summary>The target succeeded.</summary>
    Succeeded,

    /// <summary>The target failed; it may be retried.</summary>
    Failed,

    /// <summary>The target threw the retryable error; it is retried without counting against its retry count.</summary>
    TransientFailure,

    /// <summary>The execution was killed while the target ran.</summary>
    Killed,
}

/// <summary>One attempt of one compute target of an execution.</summary>
/// <param name="ExecutionId">The execution.</param>
/// <param name="TargetIndex">The compute target's position in the node's list.</param>
/// <param name="Attempt">The attempt, from 1.</param>
/// <param name="Target">What the target is (e.g. <c>inlined MyCompute</c>, <c>process python3</c>).</param>
/// <param name="Status">How it ended.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="EndedAt">When it ended.</param>
/// <param name="Error">The error, when it failed.</param>
/// <param name="LogPath">Where its captured output is, if any.</param>
public sealed record ComputeRecord(long ExecutionId, int TargetIndex, int Attempt, string Target, ComputeStatus Status, DateTimeOffset StartedAt, DateTimeOffset EndedAt, string? Error = null, string? LogPath = null);

/// <summary>Which executions to read.</summary>
/// <param name="RouteId">Only this node's.</param>
/// <param name="OutputKey">Only this output partition's.</param>
/// <param name="ActiveOnly">Only pending or running ones.</param>
/// <param name="Limit">At most this many (newest first).</param>
public sealed record ExecutionQuery(string? RouteId = null, string? OutputKey = null, bool ActiveOnly = false, int Limit = int.MaxValue);

/// <summary>A route metric data point (e.g. a hook transition).</summary>
/// <param name="RouteId">The route.</param>
/// <param name="Name">The metric name, e.g. <c>routing_table.receive.hook</c>.</param>
/// <param name="Dimension">The metric's sub-dimension, e.g. <c>IExecutionBeginHook</c>.</param>
/// <param name="Value">The value.</param>
/// <param name="At">When it was emitted.</param>
public sealed record MetricPoint(string RouteId, string Name, string Dimension, double Value, DateTimeOffset At);

/// <summary>A hook call in the application's outbox: written in the same commit as the transition it reports, removed once the hook ran.</summary>
/// <param name="Id">The call's id, unique within the application's outbox.</param>
/// <param name="TypeName">The hook type (an <c>IRouteHook</c>).</param>
/// <param name="ContextJson">The hook context (engine-owned JSON).</param>
/// <param name="CreatedAt">When the transition happened.</param>
/// <param name="Attempts">How many times the hook ran and threw.</param>
/// <param name="NextAttemptAt">When it runs again after a failure (null: as soon as an engine runs).</param>
/// <param name="Error">The last failure, if any.</param>
/// <param name="GaveUp">Whether every attempt failed; the call is kept for inspection and not run again.</param>
public sealed record HookRecord(long Id, string TypeName, string ContextJson, DateTimeOffset CreatedAt, int Attempts = 0, DateTimeOffset? NextAttemptAt = null, string? Error = null, bool GaveUp = false);

/// <summary>The changes of one route in a batch.</summary>
/// <param name="RouteId">The route.</param>
/// <param name="Integrity">The route's fingerprint.</param>
/// <param name="NextGroupId">The next group id.</param>
public sealed record RouteChange(string RouteId, string Integrity, long NextGroupId)
{
    /// <summary>Groups to create or replace, by id.</summary>
    public Dictionary<long, string> Upserts { get; } = [];

    /// <summary>Groups to delete.</summary>
    public HashSet<long> Deletes { get; } = [];

    /// <summary>Whether every persisted group of the route is dropped before the upserts (a reset route).</summary>
    public bool Reset { get; init; }
}

/// <summary>Everything one engine step commits atomically.</summary>
public sealed class StoreBatch
{
    /// <summary>Queued events consumed: every event with a sequence number up to this one (0 for none).</summary>
    public long ConsumedThrough { get; set; }

    /// <summary>Route changes, by route id.</summary>
    public Dictionary<string, RouteChange> Routes { get; } = new(StringComparer.Ordinal);

    /// <summary>Routes to delete with their groups.</summary>
    public List<string> DeletedRoutes { get; } = [];

    /// <summary>New executions.</summary>
    public List<ExecutionRecord> NewExecutions { get; } = [];

    /// <summary>Status changes of existing executions, applied in order.</summary>
    public List<ExecutionUpdate> ExecutionUpdates { get; } = [];

    /// <summary>Compute records to add.</summary>
    public List<ComputeRecord> ComputeRecords { get; } = [];

    /// <summary>Timers fired: their last fire time.</summary>
    public Dictionary<string, DateTimeOffset> Timers { get; } = new(StringComparer.Ordinal);

    /// <summary>Metric points to add.</summary>
    public List<MetricPoint> Metrics { get; } = [];

    /// <summary>Events to queue in the same transaction (e.g. work deferred while paused).</summary>
    public List<EventRecord> NewEvents { get; } = [];

    /// <summary>Hook calls to add to the outbox, or to replace there (same id: a failed attempt's count, next time and error).</summary>
    public List<HookRecord> Hooks { get; } = [];

    /// <summary>Hook calls that ran: removed from the outbox.</summary>
    public List<long> CompletedHooks { get; } = [];

    /// <summary>Whether the batch holds nothing.</summary>
    public bool IsEmpty => ConsumedThrough == 0 && Routes.Count == 0 && DeletedRoutes.Count == 0 && NewExecutions.Count == 0 && ExecutionUpdates.Count == 0
        && ComputeRecords.Count == 0 && Timers.Count == 0 && Metrics.Count == 0 && NewEvents.Count == 0 && Hooks.Count == 0 && CompletedHooks.Count == 0;
}

/// <summary>An item of state data: JSON text at an index under a table name and partition key.</summary>
/// <param name="Index">The item's index (the sort key); items of a partition key read back in index order.</param>
/// <param name="Json">The item as JSON text, stored and returned as given.</param>
public sealed record StateItem(int Index, string Json);
