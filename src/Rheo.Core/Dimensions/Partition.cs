using System.Collections;

namespace Rheo.Core.Dimensions;

/// <summary>
/// Concrete values for every dimension of a spec, outermost first: one data partition, one timer tick, one alarm
/// state change. Equality and hashing are structural, so partitions key dictionaries.
/// </summary>
public sealed class Partition : IReadOnlyList<DimensionValue>, IEquatable<Partition>
{
    private readonly DimensionValue[] _values;
    private readonly int _hash;

    internal Partition(DimensionValue[] values)
    {
        _values = values;
        var hash = default(HashCode);
        foreach (var v in values)
        {
            hash.Add(v);
        }

        _hash = hash.ToHashCode();
    }

    /// <summary>The partition of a spec without dimensions.</summary>
    public static Partition None { get; } = new([]);

    /// <summary>The number of values.</summary>
    public int Count => _values.Length;

    /// <summary>The value at a depth.</summary>
    public DimensionValue this[int index] => _values[index];

    /// <summary>Creates a partition from already-normalized values.</summary>
    public static Partition Of(params DimensionValue[] values) => values.Length == 0 ? None : new((DimensionValue[])values.Clone());

    /// <summary>A copy with the value at <paramref name="index"/> replaced.</summary>
    public Partition With(int index, DimensionValue value)
    {
        var copy = (DimensionValue[])_values.Clone();
        copy[index] = value;
        return new Partition(copy);
    }

    /// <inheritdoc />
    public bool Equals(Partition? other) => other is not null && _hash == other._hash && _values.AsSpan().SequenceEqual(other._values);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Partition);

    /// <inheritdoc />
    public override int GetHashCode() => _hash;

    /// <summary>Structural equality.</summary>
    public static bool operator ==(Partition? left, Partition? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Structural inequality.</summary>
    public static bool operator !=(Partition? left, Partition? right) => !(left == right);

    /// <inheritdoc />
    public IEnumerator<DimensionValue> GetEnumerator() => ((IEnumerable<DimensionValue>)_values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The values joined by <c>/</c>; use <see cref="DimensionSpec.Render(Partition)"/> for formatted values.</summary>
    public override string ToString() => string.Join("/", _values);

    internal ReadOnlySpan<DimensionValue> AsSpan() => _values;
}
