using Rheo.Core.Dimensions;

namespace Rheo.Core.Routing;

/// <summary>Where a pending trigger group stands.</summary>
public enum TriggerGroupStatus
{
    /// <summary>Waiting for events on one or more inputs.</summary>
    Collecting,

    /// <summary>Every input arrived; waiting for range-checked partitions to be complete.</summary>
    AwaitingRanges,

    /// <summary>Can never complete (its linked values are rejected by another input's filter or the output); only the TTL removes it.</summary>
    Zombie,
}

/// <summary>A pending trigger group (the guide's pending node): the inputs that arrived, with consistent linked values.</summary>
public sealed class TriggerGroup
{
    internal TriggerGroup(long id, DateTimeOffset createdAt, int inputs)
    {
        Id = id;
        CreatedAt = createdAt;
        Datums = new Partition?[inputs];
        WaitMask = new int[inputs];
        WaitKey = new IndexKey[inputs];
        Array.Fill(WaitMask, -1);
    }

    /// <summary>The group's id, unique within its route state.</summary>
    public long Id { get; }

    /// <summary>When the group was opened.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>Where the group stands.</summary>
    public TriggerGroupStatus Status => IsZombie ? TriggerGroupStatus.Zombie : Missing is null ? TriggerGroupStatus.Collecting : TriggerGroupStatus.AwaitingRanges;

    /// <summary>The partition received on each input (by route input index); null where nothing arrived yet.</summary>
    public IReadOnlyList<Partition?> Received => Datums;

    /// <summary>Range-checked partitions not yet known complete.</summary>
    public IReadOnlyCollection<(string NodeId, Partition Partition)> MissingPartitions => (IReadOnlyCollection<(string, Partition)>?)Missing ?? [];

    /// <summary>Range-checked partitions known complete.</summary>
    public IReadOnlyCollection<(string NodeId, Partition Partition)> CompletedPartitions => (IReadOnlyCollection<(string, Partition)>?)Completed ?? [];

    internal Partition?[] Datums { get; }

    internal int ReadyCount { get; set; }

    internal bool IsZombie { get; set; }

    internal int[] WaitMask { get; }

    internal IndexKey[] WaitKey { get; }

    internal HashSet<(string, Partition)>? Missing { get; set; }

    internal HashSet<(string, Partition)>? Completed { get; set; }

    internal TriggeredExecution? Pending { get; set; }

    /// <summary>The index of the next pending-node checkpoint to fire.</summary>
    public int NextCheckpoint { get; internal set; }

    /// <summary>The group in a form to persist and restore with <see cref="RouteState.Restore"/>.</summary>
    public TriggerGroupSnapshot ToSnapshot() => new(Id, CreatedAt, [.. Datums], [.. CompletedPartitions], NextCheckpoint);
}

/// <summary>A persisted pending group.</summary>
/// <param name="Id">The group's id.</param>
/// <param name="CreatedAt">When it was opened.</param>
/// <param name="Received">The partition received per route input (by index), null where none.</param>
/// <param name="CompletedPartitions">Range-checked partitions already known complete.</param>
/// <param name="NextCheckpoint">The index of the next checkpoint to fire.</param>
public sealed record TriggerGroupSnapshot(long Id, DateTimeOffset CreatedAt, IReadOnlyList<Partition?> Received, IReadOnlyList<(string NodeId, Partition Partition)> CompletedPartitions, int NextCheckpoint);

// The linked values a group expects on one input, in dimension order; inline for up to two dimensions.
internal readonly struct IndexKey : IEquatable<IndexKey>
{
    private readonly DimensionValue _a;
    private readonly DimensionValue _b;
    private readonly DimensionValue[]? _rest;
    private readonly int _count;

    public IndexKey(ReadOnlySpan<DimensionValue> values)
    {
        _count = values.Length;
        _a = values.Length > 0 ? values[0] : default;
        _b = values.Length > 1 ? values[1] : default;
        _rest = values.Length > 2 ? values[2..].ToArray() : null;
    }

    public bool Equals(IndexKey other) =>
        _count == other._count && _a == other._a && _b == other._b && (_rest is null || _rest.AsSpan().SequenceEqual(other._rest));

    public override bool Equals(object? obj) => obj is IndexKey other && Equals(other);

    public override int GetHashCode()
    {
        var hash = HashCode.Combine(_count, _a, _b);
        if (_rest is not null)
        {
            foreach (var v in _rest)
            {
                hash = HashCode.Combine(hash, v);
            }
        }

        return hash;
    }
}

// Pending groups waiting on one input, by the shape (which dimensions are constrained) and values they expect.
internal sealed class WaitIndex
{
    private readonly List<(int Mask, Dictionary<IndexKey, object> Buckets)> _shapes = [];

    public int ShapeCount => _shapes.Count;

    public (int Mask, Dictionary<IndexKey, object> Buckets) Shape(int i) => _shapes[i];

    public void Add(TriggerGroup group, int mask, IndexKey key) => GroupBuckets.Add(Buckets(mask, create: true)!, key, group);

    public void Remove(TriggerGroup group, int mask, IndexKey key)
    {
        if (Buckets(mask, create: false) is { } buckets)
        {
            GroupBuckets.Remove(buckets, key, group);
        }
    }

    private Dictionary<IndexKey, object>? Buckets(int mask, bool create)
    {
        foreach (var (m, b) in _shapes)
        {
            if (m == mask)
            {
                return b;
            }
        }

        if (!create)
        {
            return null;
        }

        var buckets = new Dictionary<IndexKey, object>();
        _shapes.Add((mask, buckets));
        return buckets;
    }
}

// A dictionary value that is one group or a set of groups: most keys hold one group, so no set is allocated for them.
internal static class GroupBuckets
{
    public static void Add<TKey>(Dictionary<TKey, object> buckets, TKey key, TriggerGroup group)
        where TKey : notnull
    {
        if (!buckets.TryGetValue(key, out var existing))
        {
            buckets[key] = group;
        }
        else if (existing is HashSet<TriggerGroup> set)
        {
            set.Add(group);
        }
        else if (!ReferenceEquals(existing, group))
        {
            buckets[key] = new HashSet<TriggerGroup> { (TriggerGroup)existing, group };
        }
    }

    public static void Remove<TKey>(Dictionary<TKey, object> buckets, TKey key, TriggerGroup group)
        where TKey : notnull
    {
        if (!buckets.TryGetValue(key, out var existing))
        {
            return;
        }

        if (existing is HashSet<TriggerGroup> set)
        {
            set.Remove(group);
            if (set.Count == 1)
            {
                buckets[key] = set.First();
            }
        }
        else if (ReferenceEquals(existing, group))
        {
            buckets.Remove(key);
        }
    }

    public static void CopyTo(object bucket, List<TriggerGroup> target)
    {
        if (bucket is HashSet<TriggerGroup> set)
        {
            target.AddRange(set);
        }
        else
        {
            target.Add((TriggerGroup)bucket);
        }
    }
}
