using Rheo.Core.Dimensions;
using Rheo.Core.Links;

namespace Rheo.Core.Routing;

/// <summary>
/// The pending trigger groups of one route and the pure decision over them: given an event (or the time, or newly
/// complete partitions) it updates the groups and returns the executions, hook events and range checks that follow.
/// </summary>
/// <remarks>
/// Deterministic and free of I/O and clocks: the caller passes <c>now</c>. Not thread-safe: one caller owns a state
/// (the runtime serializes events per route). Matching an event costs the same however many groups are pending,
/// because groups are indexed by the linked values they expect on each missing input. The state is mutated in place
/// (copying an index of a million groups per event is not affordable); <see cref="RouteDecision.ChangedGroups"/> and
/// <see cref="RouteDecision.RemovedGroups"/> say what to persist.
/// </remarks>
public sealed class RouteState
{
    private readonly Dictionary<long, TriggerGroup> _groups = [];
    private readonly WaitIndex[] _waiting;
    private readonly Dictionary<Partition, object>[] _received;
    private readonly Dictionary<(string, Partition), object> _rangeWaiting = [];
    private readonly PriorityQueue<(long Group, int Checkpoint), DateTimeOffset> _timers = new();
    private readonly TimeSpan[] _checkpoints;
    private readonly List<TriggerGroup> _candidates = [];
    private readonly object[][] _arguments = [[], [null!], [null!, null!], [null!, null!, null!]];
    private readonly DimensionValue[] _eventKey;
    private readonly DimensionValue[] _expectKey;
    private long _nextId = 1;

    /// <summary>Creates an empty state for a route.</summary>
    public RouteState(Route route)
    {
        Route = route;
        _waiting = [.. route.Inputs.Select(_ => new WaitIndex())];
        _received = [.. route.Inputs.Select(_ => new Dictionary<Partition, object>())];
        _checkpoints = [.. route.Definition.PendingCheckpoints.Order()];
        var depth = route.Inputs.Count == 0 ? 0 : route.Inputs.Max(i => i.Spec.Count);
        _eventKey = new DimensionValue[depth];
        _expectKey = new DimensionValue[depth];
    }

    /// <summary>The route.</summary>
    public Route Route { get; }

    /// <summary>The number of pending groups (zombies included).</summary>
    public int PendingCount => _groups.Count;

    /// <summary>The pending groups, in no particular order.</summary>
    public IReadOnlyCollection<TriggerGroup> PendingGroups => _groups.Values;

    /// <summary>Finds a pending group by id.</summary>
    public bool TryGetGroup(long id, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out TriggerGroup group) => _groups.TryGetValue(id, out group);

    /// <summary>The id the next new group gets (persist it with the groups).</summary>
    public long NextGroupId => _nextId;

    /// <summary>Re-creates a state from persisted groups, rebuilding the indexes.</summary>
    /// <param name="route">The (possibly re-compiled) route.</param>
    /// <param name="groups">The persisted groups; inputs are matched by index.</param>
    /// <param name="nextGroupId">The next id to hand out.</param>
    /// <param name="now">The current time, for groups that became ready or expired while persisted.</param>
    /// <param name="decision">What follows from restoring (executions, expirations, range checks).</param>
    public static RouteState Restore(Route route, IEnumerable<TriggerGroupSnapshot> groups, long nextGroupId, DateTimeOffset now, out RouteDecision decision)
    {
        var state = new RouteState(route);
        decision = new RouteDecision(RouteOutcome.Update);
        foreach (var snapshot in groups)
        {
            if (snapshot.Received.Count != route.Inputs.Count)
            {
                throw new ArgumentException($"Group {snapshot.Id} has {snapshot.Received.Count} input slot(s); route '{route.Id}' has {route.Inputs.Count} input(s).", nameof(groups));
            }

            var group = new TriggerGroup(snapshot.Id, snapshot.CreatedAt, route.Inputs.Count) { NextCheckpoint = snapshot.NextCheckpoint };
            state._groups.Add(group.Id, group);
            for (var i = 0; i < route.Inputs.Count; i++)
            {
                if (snapshot.Received[i] is { } datum && !route.Inputs[i].IsReference)
                {
                    group.Datums[i] = datum;
                    group.ReadyCount++;
                    GroupBuckets.Add(state._received[i], datum, group);
                }
            }

            if (snapshot.CompletedPartitions.Count > 0)
            {
                group.Completed = [.. snapshot.CompletedPartitions];
            }

            state.Schedule(group);
            state.Reindex(group, decision);
            state.CheckReady(group, decision);
        }

        state._nextId = Math.Max(nextGroupId, state._groups.Count == 0 ? 1 : state._groups.Keys.Max() + 1);
        state.ExpireDue(now, decision);
        return state;
    }

    /// <summary>Routes one event: a partition of node <paramref name="nodeId"/> (parsed with that node's spec).</summary>
    /// <remarks>Expired groups are dropped first, as RheocerOS checks expiry before each event.</remarks>
    public RouteDecision Receive(string nodeId, Partition partition, DateTimeOffset now)
    {
        if (!Route.InputsByNode.TryGetValue(nodeId, out var inputs))
        {
            return new RouteDecision(RouteOutcome.NotRouted);
        }

        var decision = new RouteDecision(RouteOutcome.Rejected);
        ExpireDue(now, decision);
        var admitted = false;
        var admittedIndependent = false;
        var consumed = false;
        foreach (var input in inputs)
        {
            if (input.Spec.Count != partition.Count || !input.Filter.Admits(partition))
            {
                continue;
            }

            admitted = true;
            if (input.IsReference)
            {
                continue;
            }

            admittedIndependent = true;
            if (_received[input.Index].ContainsKey(partition))
            {
                consumed = true;
            }

            _candidates.Clear();
            CollectCandidates(input.Index, partition);
            foreach (var group in _candidates)
            {
                if (group.Datums[input.Index] is null && !group.IsZombie && LinksHold(group, input.Index, partition, decision))
                {
                    Consume(group, input.Index, partition, decision);
                    consumed = true;
                }
            }
        }

        if (!admitted)
        {
            return decision;
        }

        if (!admittedIndependent)
        {
            decision.Outcome = RouteOutcome.IgnoredReference;
            return decision;
        }

        MarkComplete(nodeId, partition, decision);
        if (consumed)
        {
            decision.Outcome = RouteOutcome.Consumed;
            return decision;
        }

        decision.Outcome = RouteOutcome.OpenedGroup;
        Open(inputs, partition, now, decision);
        return decision;
    }

    /// <summary>Drops groups past the TTL and fires due checkpoints (the periodic cycle).</summary>
    public RouteDecision Tick(DateTimeOffset now)
    {
        var decision = new RouteDecision(RouteOutcome.Update);
        ExpireDue(now, decision);
        return decision;
    }

    /// <summary>Tells the state that partitions of a node are complete (found in storage, or produced by an execution), releasing groups that waited for them.</summary>
    public RouteDecision MarkAvailable(string nodeId, IEnumerable<Partition> partitions, DateTimeOffset now)
    {
        var decision = new RouteDecision(RouteOutcome.Update);
        ExpireDue(now, decision);
        foreach (var p in partitions)
        {
            MarkComplete(nodeId, p, decision);
        }

        return decision;
    }

    /// <summary>The earliest time a TTL expiry or checkpoint is due, if any (for the runtime's timer).</summary>
    public DateTimeOffset? NextDue() => _timers.TryPeek(out _, out var due) ? due : null;

    private void CollectCandidates(int input, Partition partition)
    {
        var index = _waiting[input];
        var values = _eventKey.AsSpan(0, partition.Count);
        for (var s = 0; s < index.ShapeCount; s++)
        {
            var (mask, buckets) = index.Shape(s);
            var n = 0;
            for (var d = 0; d < partition.Count; d++)
            {
                if ((mask & (1 << d)) != 0)
                {
                    values[n++] = partition[d];
                }
            }

            if (buckets.TryGetValue(new IndexKey(values[..n]), out var bucket))
            {
                GroupBuckets.CopyTo(bucket, _candidates);
            }
        }
    }

    private void Open(RouteInput[] inputs, Partition partition, DateTimeOffset now, RouteDecision decision)
    {
        var group = new TriggerGroup(_nextId++, now, Route.Inputs.Count);
        _groups.Add(group.Id, group);
        foreach (var input in inputs)
        {
            if (!input.IsReference && input.Spec.Count == partition.Count && input.Filter.Admits(partition) && LinksHold(group, input.Index, partition, decision))
            {
                group.Datums[input.Index] = partition;
                group.ReadyCount++;
                GroupBuckets.Add(_received[input.Index], partition, group);
            }
        }

        Schedule(group);
        Reindex(group, decision);
        decision.Changed(group.Id);
        CheckReady(group, decision);
        if (_groups.ContainsKey(group.Id))
        {
            decision.Add(new PendingGroupEvent(PendingGroupEventKind.Created, group.Id, now));
        }
    }

    private void Consume(TriggerGroup group, int input, Partition partition, RouteDecision decision)
    {
        Unindex(group, input);
        group.Datums[input] = partition;
        group.ReadyCount++;
        GroupBuckets.Add(_received[input], partition, group);
        Reindex(group, decision);
        decision.Changed(group.Id);
        CheckReady(group, decision);
    }

    // Every check rule between the candidate input and the inputs the group holds must map to equal values.
    private bool LinksHold(TriggerGroup group, int input, Partition candidate, RouteDecision decision)
    {
        foreach (var rule in Route.ChecksByInput[input])
        {
            var target = ValueOf(group, input, candidate, rule.TargetInput, rule.TargetDim);
            if (target is not { } expected)
            {
                continue;
            }

            var mapped = Evaluate(rule, group, input, candidate, decision);
            if (mapped is { } actual && actual != expected)
            {
                return false;
            }

            if (mapped is null && AllSourcesKnown(rule, group, input))
            {
                return false;
            }
        }

        return true;
    }

    private static bool AllSourcesKnown(LinkRule rule, TriggerGroup group, int input)
    {
        foreach (var (i, _) in rule.Sources)
        {
            if (i != input && group.Datums[i] is null)
            {
                return false;
            }
        }

        return true;
    }

    private static DimensionValue? ValueOf(TriggerGroup group, int input, Partition? candidate, int i, int d) =>
        i == input && candidate is not null ? candidate[d] : group.Datums[i] is { } p ? p[d] : null;

    // Applies a rule's mapper to source values and parses the result with the target dimension; null when a source is
    // unknown or the mapping fails (the failure is reported as a warning naming the link).
    // Values come from the group's datums, or from the candidate partition for the candidate input (-1 for none).
    private DimensionValue? Evaluate(LinkRule rule, TriggerGroup group, int candidateInput, Partition? candidate, RouteDecision decision)
    {
        var targetDimension = Route.Inputs[rule.TargetInput].Spec[rule.TargetDim];
        if (rule.Sources.Length == 1 && rule.Mapper.IsIdentity)
        {
            var (si, sd) = rule.Sources[0];
            if (ValueOf(group, candidateInput, candidate, si, sd) is not { } only)
            {
                return null;
            }

            if (only.Type == targetDimension.Type && (only.Type != DimensionType.DateTime || Route.Inputs[si].Spec[sd].Format == targetDimension.Format))
            {
                return only;
            }
        }

        var args = rule.Sources.Length <= 3 ? _arguments[rule.Sources.Length] : new object[rule.Sources.Length];
        for (var k = 0; k < rule.Sources.Length; k++)
        {
            if (ValueOf(group, candidateInput, candidate, rule.Sources[k].Input, rule.Sources[k].Dim) is not { } v)
            {
                return null;
            }

            args[k] = v.ToRaw();
        }

        return MapInto(rule.Mapper, args, targetDimension, rule.Text, decision);
    }

    internal static DimensionValue? MapInto(DimensionMapper mapper, object[] args, Dimension target, string link, RouteDecision decision)
    {
        try
        {
            var raw = mapper.Map(args);
            if (target.TryParse(raw, out var value, out var error))
            {
                return value;
            }

            decision.Warn(new LinkMappingException(link, $"the mapper returned {raw} ({raw?.GetType().Name ?? "null"}), which dimension '{target.Name}' ({target.Type.ToString().ToUpperInvariant()}) rejects: {error}.").Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            decision.Warn(new LinkMappingException(link, $"the mapper threw {e.GetType().Name}: {e.Message}", e).Message);
        }

        return null;
    }

    // Recomputes, for every missing input, the values the group expects there and files the group under them.
    private void Reindex(TriggerGroup group, RouteDecision decision)
    {
        for (var k = 0; k < Route.Inputs.Count; k++)
        {
            var input = Route.Inputs[k];
            if (input.IsReference || group.Datums[k] is not null)
            {
                continue;
            }

            if (!Expect(group, input, decision, out var mask, out var key))
            {
                MakeZombie(group);
                return;
            }

            if (group.WaitMask[k] == mask && group.WaitKey[k].Equals(key))
            {
                continue;
            }

            Unindex(group, k);
            group.WaitMask[k] = mask;
            group.WaitKey[k] = key;
            _waiting[k].Add(group, mask, key);
        }
    }

    private bool Expect(TriggerGroup group, RouteInput input, RouteDecision decision, out int mask, out IndexKey key)
    {
        mask = 0;
        key = default;
        var values = _expectKey.AsSpan(0, input.Spec.Count);
        foreach (var provider in Route.Providers[input.Index])
        {
            if (!AllSourcesKnown(provider, group, -1))
            {
                continue;
            }

            if (Evaluate(provider, group, -1, null, decision) is not { } value)
            {
                return false;
            }

            var bit = 1 << provider.TargetDim;
            if ((mask & bit) != 0 && values[provider.TargetDim] != value)
            {
                return false;
            }

            mask |= bit;
            values[provider.TargetDim] = value;
        }

        if (mask == (1 << input.Spec.Count) - 1 && input.Spec.Count > 0 && !input.Filter.Admits((ReadOnlySpan<DimensionValue>)values))
        {
            return false;
        }

        var n = 0;
        for (var d = 0; d < values.Length; d++)
        {
            if ((mask & (1 << d)) != 0)
            {
                values[n++] = values[d];
            }
        }

        key = new IndexKey(values[..n]);
        return true;
    }

    private void Unindex(TriggerGroup group, int input)
    {
        if (group.WaitMask[input] >= 0)
        {
            _waiting[input].Remove(group, group.WaitMask[input], group.WaitKey[input]);
            group.WaitMask[input] = -1;
        }
    }

    private void MakeZombie(TriggerGroup group)
    {
        group.IsZombie = true;
        for (var k = 0; k < Route.Inputs.Count; k++)
        {
            Unindex(group, k);
        }
    }

    private void CheckReady(TriggerGroup group, RouteDecision decision)
    {
        if (group.IsZombie || group.ReadyCount < Route.IndependentCount)
        {
            return;
        }

        if (group.Pending is null)
        {
            if (Materialize(group, decision) is not { } execution)
            {
                MakeZombie(group);
                return;
            }

            group.Pending = execution;
            if (!Route.HasRangeChecks)
            {
                Remove(group, decision);
                decision.Add(execution);
                return;
            }

            var missing = new HashSet<(string, Partition)>();
            foreach (var input in execution.Inputs.Where(i => i.Input.IsRangeCheck))
            {
                foreach (var p in input.Partitions)
                {
                    if ((input.Input.IsReference || p != input.Datum) && group.Completed?.Contains((input.Input.NodeId, p)) != true)
                    {
                        missing.Add((input.Input.NodeId, p));
                    }
                }
            }

            group.Missing = missing;
            if (missing.Count > 0)
            {
                foreach (var key in missing)
                {
                    GroupBuckets.Add(_rangeWaiting, key, group);
                }

                decision.Add(new RangeCheckRequest(group.Id, [.. missing]));
                decision.Changed(group.Id);
                return;
            }
        }

        if (group.Missing!.Count == 0)
        {
            Remove(group, decision);
            decision.Add(group.Pending);
        }
    }

    private void MarkComplete(string nodeId, Partition partition, RouteDecision decision)
    {
        if (_rangeWaiting.Count == 0 || !_rangeWaiting.Remove((nodeId, partition), out var bucket))
        {
            return;
        }

        var groups = new List<TriggerGroup>();
        GroupBuckets.CopyTo(bucket, groups);
        foreach (var group in groups)
        {
            group.Missing!.Remove((nodeId, partition));
            (group.Completed ??= []).Add((nodeId, partition));
            decision.Changed(group.Id);
            CheckReady(group, decision);
        }
    }

    // References and the output are inferred from the inputs that arrived, through input links, output links and
    // output-to-input links, until nothing new can be inferred.
    private TriggeredExecution? Materialize(TriggerGroup group, RouteDecision decision)
    {
        var inputs = Route.Inputs;
        if (Route.DirectOutput is { } direct)
        {
            // No references and every output dimension copies an input dimension of the same type: no inference needed.
            var outputValues = new DimensionValue[direct.Length];
            for (var o = 0; o < direct.Length; o++)
            {
                outputValues[o] = group.Datums[direct[o].Input]![direct[o].Dim];
            }

            var directInputs = new MaterializedInput[inputs.Count];
            for (var i = 0; i < inputs.Count; i++)
            {
                var datum = group.Datums[i]!;
                directInputs[i] = new MaterializedInput(inputs[i], datum, inputs[i].Filter.HasRanges ? inputs[i].Filter.Expand(inputs[i].Spec, datum) : [datum]);
            }

            return new TriggeredExecution(Route.Id, group.Id, new Partition(outputValues), directInputs, group.CreatedAt);
        }

        var values = new DimensionValue?[inputs.Count][];
        for (var i = 0; i < inputs.Count; i++)
        {
            values[i] = new DimensionValue?[inputs[i].Spec.Count];
            for (var d = 0; d < values[i].Length; d++)
            {
                values[i][d] = group.Datums[i]?[d] ?? (inputs[i].IsReference ? RouteMath.SingleValueAt(inputs[i].Filter, d) : null);
            }
        }

        var output = new DimensionValue?[Route.OutputSpec.Count];
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var input in inputs.Where(i => i.IsReference))
            {
                for (var d = 0; d < values[input.Index].Length; d++)
                {
                    if (values[input.Index][d] is not null)
                    {
                        continue;
                    }

                    foreach (var provider in Route.Providers[input.Index].Where(p => p.TargetDim == d && p.Sources.All(s => values[s.Input][s.Dim] is not null)))
                    {
                        var args = provider.Sources.Select(s => values[s.Input][s.Dim]!.Value.ToRaw()).ToArray();
                        if (MapInto(provider.Mapper, args, input.Spec[d], provider.Text, decision) is { } v)
                        {
                            values[input.Index][d] = v;
                            changed = true;
                            break;
                        }
                    }

                    foreach (var reverse in Route.ReverseRules.Where(r => r.TargetInput == input.Index && r.TargetDim == d && values[input.Index][d] is null))
                    {
                        if (reverse.OutputDims.All(o => output[o] is not null))
                        {
                            var args = reverse.OutputDims.Select(o => output[o]!.Value.ToRaw()).ToArray();
                            if (MapInto(reverse.Mapper, args, input.Spec[d], reverse.Text, decision) is { } v)
                            {
                                values[input.Index][d] = v;
                                changed = true;
                            }
                        }
                    }
                }
            }

            foreach (var rule in Route.OutputRules.Where(r => output[r.OutputDim] is null))
            {
                var dimension = Route.OutputSpec[rule.OutputDim];
                DimensionValue? v;
                if (rule.Sources.Length == 0)
                {
                    v = MapInto(rule.Mapper, [rule.Literal!], dimension, rule.Text, decision);
                }
                else if (rule.Sources.All(s => values[s.Input][s.Dim] is not null))
                {
                    v = rule.Mapper.IsIdentity && values[rule.Sources[0].Input][rule.Sources[0].Dim] is { } same && same.Type == dimension.Type && dimension.Type != DimensionType.DateTime
                        ? same
                        : MapInto(rule.Mapper, [.. rule.Sources.Select(s => values[s.Input][s.Dim]!.Value.ToRaw())], dimension, rule.Text, decision);
                }
                else
                {
                    continue;
                }

                if (v is null)
                {
                    return null;
                }

                output[rule.OutputDim] = v;
                changed = true;
            }
        }

        var materialized = new MaterializedInput[inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            if (values[i].Any(v => v is null))
            {
                decision.Warn($"Route '{Route.Id}': group {group.Id} cannot infer input '{inputs[i].Name}' dimension(s) {string.Join(", ", values[i].Select((v, d) => (v, d)).Where(x => x.v is null).Select(x => inputs[i].Spec[x.d].Name))}; it stays a zombie.");
                return null;
            }

            var datum = group.Datums[i] ?? Partition.Of([.. values[i].Select(v => v!.Value)]);
            if (!inputs[i].Filter.Admits(datum))
            {
                decision.Warn($"Route '{Route.Id}': group {group.Id} infers [{string.Join(", ", inputs[i].Spec.Render(datum))}] for input '{inputs[i].Name}', outside its filter {inputs[i].Filter.ToString(inputs[i].Spec)}; it stays a zombie.");
                return null;
            }

            materialized[i] = new MaterializedInput(inputs[i], datum, inputs[i].Filter.HasRanges ? inputs[i].Filter.Expand(inputs[i].Spec, datum) : [datum]);
        }

        if (output.Any(v => v is null))
        {
            decision.Warn($"Route '{Route.Id}': group {group.Id} cannot infer every output dimension; it stays a zombie.");
            return null;
        }

        return new TriggeredExecution(Route.Id, group.Id, Partition.Of([.. output.Select(v => v!.Value)]), materialized, group.CreatedAt);
    }

    private void Remove(TriggerGroup group, RouteDecision decision)
    {
        _groups.Remove(group.Id);
        for (var k = 0; k < Route.Inputs.Count; k++)
        {
            Unindex(group, k);
            if (group.Datums[k] is { } datum)
            {
                GroupBuckets.Remove(_received[k], datum, group);
            }
        }

        foreach (var key in group.Missing ?? [])
        {
            GroupBuckets.Remove(_rangeWaiting, key, group);
        }

        decision.Removed(group.Id);
    }

    private void Schedule(TriggerGroup group)
    {
        if (Route.Definition.PendingTtl is { } ttl)
        {
            _timers.Enqueue((group.Id, -1), group.CreatedAt + ttl);
        }

        if (group.NextCheckpoint < _checkpoints.Length)
        {
            _timers.Enqueue((group.Id, group.NextCheckpoint), group.CreatedAt + _checkpoints[group.NextCheckpoint]);
        }
    }

    private void ExpireDue(DateTimeOffset now, RouteDecision decision)
    {
        while (_timers.TryPeek(out var timer, out var due) && due <= now)
        {
            _timers.Dequeue();
            if (!_groups.TryGetValue(timer.Group, out var group))
            {
                continue;
            }

            if (timer.Checkpoint < 0)
            {
                Remove(group, decision);
                decision.Add(new PendingGroupEvent(PendingGroupEventKind.Expired, group.Id, now));
            }
            else if (timer.Checkpoint == group.NextCheckpoint)
            {
                decision.Add(new PendingGroupEvent(PendingGroupEventKind.Checkpoint, group.Id, now, _checkpoints[timer.Checkpoint]));
                group.NextCheckpoint++;
                decision.Changed(group.Id);
                if (group.NextCheckpoint < _checkpoints.Length)
                {
                    _timers.Enqueue((group.Id, group.NextCheckpoint), group.CreatedAt + _checkpoints[group.NextCheckpoint]);
                }
            }
        }
    }
}
