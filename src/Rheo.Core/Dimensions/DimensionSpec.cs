using System.Collections;

namespace Rheo.Core.Dimensions;

/// <summary>
/// The ordered, nested dimensions of a signal: the first dimension is the outermost (e.g. <c>region</c>), each next one
/// is nested in the previous (e.g. <c>region → day</c>), in the order subscripts and partition paths use.
/// </summary>
public sealed class DimensionSpec : IReadOnlyList<Dimension>, IEquatable<DimensionSpec>
{
    private readonly Dimension[] _dimensions;
    private readonly Dictionary<string, int> _index;

    private DimensionSpec(Dimension[] dimensions)
    {
        _dimensions = dimensions;
        _index = new Dictionary<string, int>(dimensions.Length, StringComparer.Ordinal);
        for (var i = 0; i < dimensions.Length; i++)
        {
            if (!_index.TryAdd(dimensions[i].Name, i))
            {
                throw new ArgumentException($"The dimension name '{dimensions[i].Name}' appears twice; names must be unique across a dimension spec.", nameof(dimensions));
            }
        }
    }

    /// <summary>The spec with no dimensions (e.g. a dataset without partitions).</summary>
    public static DimensionSpec Empty { get; } = new([]);

    /// <summary>The number of dimensions (the depth of the nesting).</summary>
    public int Count => _dimensions.Length;

    /// <summary>The dimension at a depth.</summary>
    public Dimension this[int index] => _dimensions[index];

    /// <summary>The names of the dimensions, outermost first.</summary>
    public IEnumerable<string> Names => _dimensions.Select(d => d.Name);

    /// <summary>Creates a spec from dimensions, outermost first.</summary>
    /// <exception cref="ArgumentException">Two dimensions share a name.</exception>
    public static DimensionSpec Of(params Dimension[] dimensions) => dimensions.Length == 0 ? Empty : new((Dimension[])dimensions.Clone());

    /// <summary>The depth of the named dimension, or -1.</summary>
    public int IndexOf(string name) => _index.TryGetValue(name, out var i) ? i : -1;

    /// <summary>Whether a dimension of that name exists.</summary>
    public bool Contains(string name) => _index.ContainsKey(name);

    /// <summary>The named dimension.</summary>
    /// <exception cref="ArgumentException">No such dimension; the message lists the valid names.</exception>
    public Dimension Get(string name) =>
        _index.TryGetValue(name, out var i) ? _dimensions[i] : throw new ArgumentException($"No dimension '{name}'; valid: {Describe()}.", nameof(name));

    /// <summary>Parses one raw value per dimension (outermost first) into a concrete partition.</summary>
    /// <exception cref="ArgumentException">The number of values differs from the number of dimensions.</exception>
    /// <exception cref="InvalidDimensionValueException">A value is invalid for its dimension.</exception>
    public Partition Parse(params object?[] raw)
    {
        if (raw.Length != _dimensions.Length)
        {
            throw new ArgumentException($"Expected {_dimensions.Length} value(s) for [{Describe()}], got {raw.Length}.", nameof(raw));
        }

        var values = new DimensionValue[raw.Length];
        for (var i = 0; i < raw.Length; i++)
        {
            values[i] = _dimensions[i].Parse(raw[i]);
        }

        return new Partition(values);
    }

    /// <summary>Renders a partition's values with each dimension's format, outermost first.</summary>
    public string[] Render(Partition partition)
    {
        var rendered = new string[partition.Count];
        for (var i = 0; i < rendered.Length; i++)
        {
            rendered[i] = _dimensions[i].Render(partition[i]);
        }

        return rendered;
    }

    /// <summary>Whether both specs have the same dimensions (name and type) in the same order.</summary>
    public bool Equals(DimensionSpec? other) => other is not null && _dimensions.AsSpan().SequenceEqual(other._dimensions);

    /// <summary>Whether both specs have the same depth and types, ignoring names (what filters compare).</summary>
    public bool IsStructurallyCompatible(DimensionSpec other) =>
        Count == other.Count && _dimensions.Zip(other._dimensions).All(p => p.First.Type == p.Second.Type);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as DimensionSpec);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (var d in _dimensions)
        {
            hash.Add(d);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public IEnumerator<Dimension> GetEnumerator() => ((IEnumerable<Dimension>)_dimensions).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>A readable form, e.g. <c>region: STRING → day: DATETIME(DAY, %Y-%m-%d)</c>.</summary>
    public override string ToString() => Count == 0 ? "(no dimensions)" : string.Join(" → ", _dimensions.Select(d => d.ToString()));

    internal string Describe() => Count == 0 ? "none" : string.Join(", ", _dimensions.Select(d => d.Name));
}
