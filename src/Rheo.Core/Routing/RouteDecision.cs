using Rheo.Core.Dimensions;

namespace Rheo.Core.Routing;

/// <summary>What happened to an incoming event at a route.</summary>
public enum RouteOutcome
{
    /// <summary>No input of the route consumes the event's node; nothing changed.</summary>
    NotRouted,

    /// <summary>The event is outside every matching input's filter; nothing changed.</summary>
    Rejected,

    /// <summary>The event is on a reference input: references never open or complete groups; nothing changed.</summary>
    IgnoredReference,

    /// <summary>One or more pending groups consumed the event (or already held it: a duplicate is a no-op).</summary>
    Consumed,

    /// <summary>No pending group could take the event, so it opened a new one.</summary>
    OpenedGroup,

    /// <summary>A periodic or availability update, not an event.</summary>
    Update,
}

/// <summary>The kind of a pending-group lifecycle event (the guide's pending-node hooks).</summary>
public enum PendingGroupEventKind
{
    /// <summary>A new group stayed pending after the event that opened it (<c>on_pending_node_created</c>).</summary>
    Created,

    /// <summary>A group outlived the route's TTL and was dropped (<c>on_expiration</c>).</summary>
    Expired,

    /// <summary>A group reached one of the route's checkpoints (<c>on_pending_node_checkpoint</c>).</summary>
    Checkpoint,
}

/// <summary>A pending-group lifecycle event for hooks and metrics.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="GroupId">The group.</param>
/// <param name="At">When it was decided.</param>
/// <param name="Checkpoint">The checkpoint reached, for <see cref="PendingGroupEventKind.Checkpoint"/>.</param>
public sealed record PendingGroupEvent(PendingGroupEventKind Kind, long GroupId, DateTimeOffset At, TimeSpan? Checkpoint = null);

/// <summary>One input of a triggered execution, with its concrete partitions.</summary>
/// <param name="Input">The route input.</param>
/// <param name="Datum">The partition that arrived (or was inferred, for references): the TIP before shifts.</param>
/// <param name="Partitions">Every partition the input covers, TIP first (7 for a <c>Range(-7)</c>).</param>
public sealed record MaterializedInput(RouteInput Input, Partition Datum, IReadOnlyList<Partition> Partitions);

/// <summary>A trigger group that became an execution.</summary>
/// <param name="RouteId">The route.</param>
/// <param name="GroupId">The group that triggered.</param>
/// <param name="Output">The output partition.</param>
/// <param name="Inputs">Every input, in route order, materialized.</param>
/// <param name="GroupCreatedAt">When the group was opened.</param>
public sealed record TriggeredExecution(string RouteId, long GroupId, Partition Output, IReadOnlyList<MaterializedInput> Inputs, DateTimeOffset GroupCreatedAt);

/// <summary>Partitions the runtime must find complete before a group may run (range check).</summary>
/// <param name="GroupId">The waiting group.</param>
/// <param name="Missing">The nodes and partitions not yet known complete.</param>
public sealed record RangeCheckRequest(long GroupId, IReadOnlyList<(string NodeId, Partition Partition)> Missing);

/// <summary>The result of a route decision: the outcome, executions to start, hooks to fire, checks to make, and which groups changed (for persistence).</summary>
public sealed class RouteDecision
{
    private List<TriggeredExecution>? _executions;
    private List<PendingGroupEvent>? _events;
    private List<RangeCheckRequest>? _rangeChecks;
    private List<long>? _changed;
    private List<long>? _removed;
    private List<string>? _warnings;

    internal RouteDecision(RouteOutcome outcome) => Outcome = outcome;

    /// <summary>What happened to the event.</summary>
    public RouteOutcome Outcome { get; internal set; }

    /// <summary>Groups that became executions, in the order they became ready.</summary>
    public IReadOnlyList<TriggeredExecution> Executions => (IReadOnlyList<TriggeredExecution>?)_executions ?? [];

    /// <summary>Pending-group lifecycle events, in order.</summary>
    public IReadOnlyList<PendingGroupEvent> Events => (IReadOnlyList<PendingGroupEvent>?)_events ?? [];

    /// <summary>Groups that have every input and wait for partitions to be complete.</summary>
    public IReadOnlyList<RangeCheckRequest> RangeChecks => (IReadOnlyList<RangeCheckRequest>?)_rangeChecks ?? [];

    /// <summary>Groups created or updated (still pending).</summary>
    public IReadOnlyCollection<long> ChangedGroups => (IReadOnlyCollection<long>?)_changed ?? [];

    /// <summary>Groups removed (executed or expired).</summary>
    public IReadOnlyCollection<long> RemovedGroups => (IReadOnlyCollection<long>?)_removed ?? [];

    /// <summary>Problems met while deciding (e.g. a mapper that failed), each naming the link.</summary>
    public IReadOnlyList<string> Warnings => (IReadOnlyList<string>?)_warnings ?? [];

    internal void Add(TriggeredExecution execution) => (_executions ??= []).Add(execution);

    internal void Add(PendingGroupEvent e) => (_events ??= []).Add(e);

    internal void Add(RangeCheckRequest request) => (_rangeChecks ??= []).Add(request);

    // Lists, not sets: a decision touches a handful of groups, and sets would cost an allocation each per event.
    internal void Changed(long group)
    {
        if (_removed?.Contains(group) != true && _changed?.Contains(group) != true)
        {
            (_changed ??= []).Add(group);
        }
    }

    internal void Removed(long group)
    {
        _changed?.Remove(group);
        if (_removed?.Contains(group) != true)
        {
            (_removed ??= []).Add(group);
        }
    }

    internal void Warn(string warning) => (_warnings ??= []).Add(warning);
}
