using System.Text;
using Rheo.Core.Dimensions;

namespace Rheo.Core.Filters;

/// <summary>
/// The values a signal admits, shaped like its <see cref="DimensionSpec"/>: at every level a set of values, <c>*</c>
/// (any value) and relative ranges (<c>_:-7</c>), each with the filter of the next level.
/// </summary>
/// <remarks>
/// Immutable. A filter of depth &gt; 0 without branches admits nothing (an empty result); a filter of depth 0 is the
/// leaf that ends every branch. Use <see cref="Narrow"/> to chain a narrower view onto a declared filter (build time)
/// and <see cref="TryAdmit"/> / <see cref="Expand"/> to filter and materialize an incoming event (run time).
/// </remarks>
public sealed class DimensionFilter
{
    private const int IndexThreshold = 4;
    private static readonly DimensionFilter LeafFilter = new(0, []);

    private readonly FilterBranch[] _branches;
    private readonly Dictionary<DimensionValue, FilterBranch>? _byValue;
    private readonly FilterBranch? _any;

    private DimensionFilter(int depth, FilterBranch[] branches)
    {
        Depth = depth;
        _branches = branches;
        HasRanges = branches.Any(b => b.Range is not null || b.Next.HasRanges);
        IsMaterial = depth == 0 || (branches.Length > 0 && branches.All(b => !b.IsAny && b.Range is null && b.Next.IsMaterial));
        IsAllPass = depth == 0 || (branches.Length == 1 && branches[0].IsAny && branches[0].Range is null && branches[0].Next.IsAllPass);
        _any = branches.FirstOrDefault(b => b.IsAny);
        if (branches.Length > IndexThreshold)
        {
            _byValue = [];
            foreach (var b in branches.Where(b => !b.IsAny))
            {
                _byValue.TryAdd(b.Value, b);
            }
        }
    }

    /// <summary>The number of levels (equal to the depth of the spec it filters).</summary>
    public int Depth { get; }

    /// <summary>The choices at this level.</summary>
    public IReadOnlyList<FilterBranch> Branches => _branches;

    /// <summary>Whether the filter admits nothing (an empty result of chaining).</summary>
    public bool IsEmpty => Depth > 0 && _branches.Length == 0;

    /// <summary>Whether every level holds only concrete values (no <c>*</c>, no ranges).</summary>
    public bool IsMaterial { get; }

    /// <summary>Whether the filter admits everything without ranges (<c>*</c> at every level).</summary>
    public bool IsAllPass { get; }

    /// <summary>Whether any level holds a relative range.</summary>
    public bool HasRanges { get; }

    /// <summary>The filter admitting every value of a spec: <c>*</c> at every level.</summary>
    public static DimensionFilter All(DimensionSpec spec) => AllOfDepth(spec.Count);

    /// <summary>
    /// Creates a filter from branches of raw values, one per level, outermost first (missing trailing levels are
    /// <c>*</c>). A raw value is <c>"*"</c>, a range (<see cref="RelativeRange"/> or <c>"_:-7"</c>, <c>"_:-3:-1"</c>),
    /// a value with a range around it (<c>"2021-09-20[_:-7]"</c>, as <see cref="ToRows"/> writes it), or a value parsed
    /// by the level's dimension.
    /// </summary>
    /// <example><c>DimensionFilter.Of(spec, ["NA", "*"], ["EU", "*"])</c></example>
    /// <exception cref="ArgumentException">A branch is deeper than the spec.</exception>
    /// <exception cref="InvalidDimensionValueException">A value is invalid for its dimension.</exception>
    public static DimensionFilter Of(DimensionSpec spec, params object?[][] branches)
    {
        var result = Empty(spec.Count);
        foreach (var branch in branches)
        {
            if (branch.Length > spec.Count)
            {
                throw new ArgumentException($"The filter branch [{string.Join(", ", branch)}] has {branch.Length} values but the spec has {spec.Count} dimension(s): {spec.Describe()}.", nameof(branches));
            }

            result = result.Union(Chain(spec, 0, branch));
        }

        return result;
    }

    /// <summary>Creates a filter from a tree of raw values: each key is a value of its level, each value the next level's tree (null or empty = <c>*</c>).</summary>
    /// <example><c>DimensionFilter.FromTree(spec, new Dictionary&lt;object, object?&gt; { ["NA"] = null, ["EU"] = null })</c></example>
    public static DimensionFilter FromTree(DimensionSpec spec, IReadOnlyDictionary<object, object?> tree) => FromTree(spec, 0, tree);

    /// <summary>
    /// Chains a narrower view onto this filter (build time): every branch of <paramref name="view"/> is applied to the
    /// branches of this filter; equal values survive, <c>*</c> adopts the other side, ranges attach to the datum.
    /// </summary>
    /// <returns>The narrowed filter, <see cref="IsEmpty"/> when nothing survives.</returns>
    /// <exception cref="ArgumentException">The depths differ.</exception>
    public DimensionFilter Narrow(DimensionSpec spec, DimensionFilter view) => NarrowAt(spec, 0, view);

    /// <summary>
    /// Whether a concrete partition passes the filter (run time). When it does, <paramref name="ranges"/> (if given,
    /// with one slot per level) receives the range each level expands into.
    /// </summary>
    public bool TryAdmit(Partition partition, Span<RelativeRange?> ranges) => AdmitAt(partition.AsSpan(), 0, ranges);

    /// <summary>Whether a concrete partition passes the filter.</summary>
    public bool Admits(Partition partition) => AdmitAt(partition.AsSpan(), 0, []);

    // The same check over values that are not (yet) a partition, without allocating one.
    internal bool Admits(ReadOnlySpan<DimensionValue> values) => IsAllPass || AdmitAt(values, 0, []);

    /// <summary>
    /// The concrete partitions an admitted event expands into, TIP first: the event's partition with every level's
    /// range applied (e.g. 7 days for <c>_:-7</c>).
    /// </summary>
    /// <exception cref="ArgumentException">The filter does not admit the partition.</exception>
    public IReadOnlyList<Partition> Expand(DimensionSpec spec, Partition datum)
    {
        if (!HasRanges)
        {
            return Admits(datum) ? [datum] : throw NotAdmitted(spec, datum);
        }

        Span<RelativeRange?> ranges = new RelativeRange?[Depth];
        if (!TryAdmit(datum, ranges))
        {
            throw NotAdmitted(spec, datum);
        }

        return ExpandWith(spec, datum, ranges);
    }

    /// <summary>The concrete partitions of a material filter (ranges around concrete values expanded), TIP first.</summary>
    /// <exception cref="InvalidOperationException">A level holds <c>*</c> or a range without a datum; the message names the dimension.</exception>
    public IReadOnlyList<Partition> Materialize(DimensionSpec spec)
    {
        var result = new List<Partition>();
        var current = new DimensionValue[Depth];
        MaterializeInto(spec, 0, current, result);
        return result;
    }

    // The first partition of the TIP (Tip().Materialize(spec)[0]) without building the filter or the list.
    internal Partition TipPartition(DimensionSpec spec)
    {
        var values = new DimensionValue[Depth];
        var level = 0;
        for (var filter = this; filter.Depth > 0; filter = filter._branches[0].Next, level++)
        {
            if (filter._branches.Length == 0)
            {
                throw new InvalidOperationException($"Dimension '{spec[level].Name}' admits no value; there is no TIP.");
            }

            var branch = filter._branches[0];
            if (branch.IsAny)
            {
                throw new InvalidOperationException($"Dimension '{spec[level].Name}' is not material ('{branch.KeyText(spec[level])}'); give a concrete value.");
            }

            values[level] = branch.Range is { } range ? range.Expand(spec[level], branch.Value).First() : branch.Value;
        }

        return new Partition(values);
    }

    /// <summary>The filter keeping only the first branch at every level (the TIP).</summary>
    public DimensionFilter Tip() => Depth == 0 || _branches.Length == 0 ? this : new DimensionFilter(Depth, [new FilterBranch(_branches[0].IsAny, _branches[0].Value, _branches[0].Range, _branches[0].Next.Tip())]);

    /// <summary>The filter as rows of text keys, one row per branch (<c>*</c>, <c>_:-7</c>, rendered values, <c>value[_:-7]</c>); <see cref="Of"/> reads every form back.</summary>
    public IReadOnlyList<string[]> ToRows(DimensionSpec spec)
    {
        var rows = new List<string[]>();
        Rows(spec, 0, new string[Depth], rows);
        return rows;
    }

    /// <summary>A readable form such as <c>{NA: {*}, EU: {_:-7}}</c>.</summary>
    public string ToString(DimensionSpec spec)
    {
        var text = new StringBuilder();
        Write(spec, 0, text);
        return text.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => $"DimensionFilter(depth {Depth}, {_branches.Length} branch(es))";

    internal static DimensionFilter AllOfDepth(int depth) => depth == 0 ? LeafFilter : new DimensionFilter(depth, [new FilterBranch(true, default, null, AllOfDepth(depth - 1))]);

    internal static DimensionFilter Empty(int depth) => depth == 0 ? LeafFilter : new DimensionFilter(depth, []);

    internal static DimensionFilter ForPartition(Partition partition, int from = 0) =>
        from == partition.Count ? LeafFilter : new DimensionFilter(partition.Count - from, [new FilterBranch(false, partition[from], null, ForPartition(partition, from + 1))]);

    internal IReadOnlyList<Partition> ExpandWith(DimensionSpec spec, Partition datum, ReadOnlySpan<RelativeRange?> ranges)
    {
        var perLevel = new DimensionValue[Depth][];
        var total = 1;
        for (var i = 0; i < Depth; i++)
        {
            perLevel[i] = ranges[i] is { } r ? r.Expand(spec[i], datum[i]) : [datum[i]];
            total *= perLevel[i].Length;
        }

        var result = new List<Partition>(total);
        var current = new DimensionValue[Depth];
        Product(perLevel, 0, current, result);
        return result;
    }

    private static void Product(DimensionValue[][] perLevel, int level, DimensionValue[] current, List<Partition> result)
    {
        if (level == perLevel.Length)
        {
            result.Add(new Partition((DimensionValue[])current.Clone()));
            return;
        }

        foreach (var v in perLevel[level])
        {
            current[level] = v;
            Product(perLevel, level + 1, current, result);
        }
    }

    private static DimensionFilter Chain(DimensionSpec spec, int level, object?[] raw)
    {
        if (level == spec.Count)
        {
            return LeafFilter;
        }

        var next = Chain(spec, level + 1, raw);
        var key = level < raw.Length ? raw[level] : "*";
        return new DimensionFilter(spec.Count - level, [Branch(spec[level], key, next)]);
    }

    private static FilterBranch Branch(Dimension dimension, object? raw, DimensionFilter next)
    {
        switch (raw)
        {
            case "*":
                return new FilterBranch(true, default, null, next);
            case RelativeRange range:
                EnsureOrdered(dimension, range);
                return new FilterBranch(true, default, range, next);
            case string s when s.StartsWith('_') && RelativeRange.TryParse(s, out var parsed):
                EnsureOrdered(dimension, parsed);
                return new FilterBranch(true, default, parsed, next);
            case string s when dimension.Type != DimensionType.String && TrySplitRanged(s, out var datum, out var around):
                return new FilterBranch(false, dimension.Parse(datum), around, next);
            default:
                return new FilterBranch(false, dimension.Parse(raw), null, next);
        }
    }

    // The form ToRows writes for a concrete value with a range attached: "2021-09-20[_:-7]".
    private static bool TrySplitRanged(string text, out string datum, out RelativeRange range)
    {
        var at = text.LastIndexOf("[_", StringComparison.Ordinal);
        datum = at > 0 ? text[..at] : text;
        range = default;
        return at > 0 && text.EndsWith(']') && RelativeRange.TryParse(text[(at + 1)..^1], out range);
    }

    private static void EnsureOrdered(Dimension dimension, RelativeRange range)
    {
        if (dimension.Type == DimensionType.String && !range.IsDatum)
        {
            throw new ArgumentException($"Dimension '{dimension.Name}' is a STRING; the range {range} needs a LONG or DATETIME dimension.");
        }
    }

    private static DimensionFilter FromTree(DimensionSpec spec, int level, IReadOnlyDictionary<object, object?>? tree)
    {
        if (level == spec.Count)
        {
            if (tree is { Count: > 0 })
            {
                throw new ArgumentException($"The filter tree is deeper than the spec ({spec.Count} dimension(s): {spec.Describe()}).", nameof(tree));
            }

            return LeafFilter;
        }

        if (tree is null || tree.Count == 0)
        {
            return AllOfDepth(spec.Count - level);
        }

        var result = Empty(spec.Count - level);
        foreach (var (key, sub) in tree)
        {
            var next = FromTree(spec, level + 1, sub as IReadOnlyDictionary<object, object?>);
            result = result.Union(new DimensionFilter(spec.Count - level, [Branch(spec[level], key, next)]));
        }

        return result;
    }

    private DimensionFilter Union(DimensionFilter other)
    {
        if (Depth == 0)
        {
            return this;
        }

        var merged = new List<FilterBranch>(_branches);
        foreach (var b in other._branches)
        {
            var i = merged.FindIndex(m => m.SameKey(b));
            if (i < 0)
            {
                merged.Add(b);
            }
            else
            {
                merged[i] = new FilterBranch(b.IsAny, b.Value, b.Range, merged[i].Next.Union(b.Next));
            }
        }

        return new DimensionFilter(Depth, [.. merged]);
    }

    private DimensionFilter NarrowAt(DimensionSpec spec, int level, DimensionFilter view)
    {
        if (view.Depth != Depth)
        {
            throw new ArgumentException($"Cannot chain a filter of depth {view.Depth} onto one of depth {Depth}.", nameof(view));
        }

        if (Depth == 0)
        {
            return this;
        }

        var result = Empty(Depth);
        foreach (var vb in view._branches)
        {
            foreach (var pb in _branches)
            {
                if (Combine(spec[level], pb, vb) is not { } key)
                {
                    continue;
                }

                var next = pb.Next.NarrowAt(spec, level + 1, vb.Next);
                if (!next.IsEmpty)
                {
                    result = result.Union(new DimensionFilter(Depth, [new FilterBranch(key.IsAny, key.Value, key.Range, next)]));
                }
            }
        }

        return result;
    }

    private static (bool IsAny, DimensionValue Value, RelativeRange? Range)? Combine(Dimension dimension, FilterBranch parent, FilterBranch view)
    {
        var range = view.Range ?? parent.Range;
        if (view.IsAny)
        {
            return (parent.IsAny, parent.Value, range);
        }

        if (parent.IsAny || parent.Value == view.Value)
        {
            return (false, view.Value, range);
        }

        // A parent value with a range admits every value of that range.
        return parent.Range is { } r && r.Contains(dimension, parent.Value, view.Value) ? (false, view.Value, view.Range) : null;
    }

    private bool AdmitAt(ReadOnlySpan<DimensionValue> values, int level, Span<RelativeRange?> ranges)
    {
        if (Depth == 0)
        {
            return true;
        }

        var value = values[level];
        if (_byValue is not null)
        {
            if (_byValue.TryGetValue(value, out var indexed) && Take(indexed, values, level, ranges))
            {
                return true;
            }
        }
        else
        {
            foreach (var b in _branches)
            {
                if (!b.IsAny && b.Value == value && Take(b, values, level, ranges))
                {
                    return true;
                }
            }
        }

        return _any is not null && Take(_any, values, level, ranges);
    }

    private static bool Take(FilterBranch branch, ReadOnlySpan<DimensionValue> values, int level, Span<RelativeRange?> ranges)
    {
        if (!branch.Next.AdmitAt(values, level + 1, ranges))
        {
            return false;
        }

        if (ranges.Length > level)
        {
            ranges[level] = branch.Range;
        }

        return true;
    }

    private void MaterializeInto(DimensionSpec spec, int level, DimensionValue[] current, List<Partition> result)
    {
        if (Depth == 0)
        {
            result.Add(new Partition((DimensionValue[])current.Clone()));
            return;
        }

        foreach (var b in _branches)
        {
            if (b.IsAny)
            {
                throw new InvalidOperationException($"Dimension '{spec[level].Name}' is not material ('{b.KeyText(spec[level])}'); give a concrete value.");
            }

            foreach (var v in b.Range is { } r ? r.Expand(spec[level], b.Value) : [b.Value])
            {
                current[level] = v;
                b.Next.MaterializeInto(spec, level + 1, current, result);
            }
        }
    }

    private void Rows(DimensionSpec spec, int level, string[] current, List<string[]> rows)
    {
        if (Depth == 0)
        {
            rows.Add((string[])current.Clone());
            return;
        }

        foreach (var b in _branches)
        {
            current[level] = b.KeyText(spec[level]);
            b.Next.Rows(spec, level + 1, current, rows);
        }
    }

    private void Write(DimensionSpec spec, int level, StringBuilder text)
    {
        text.Append('{');
        for (var i = 0; i < _branches.Length; i++)
        {
            var b = _branches[i];
            text.Append(i == 0 ? string.Empty : ", ").Append(b.KeyText(spec[level]));
            if (b.Next.Depth > 0)
            {
                text.Append(": ");
                b.Next.Write(spec, level + 1, text);
            }
        }

        text.Append('}');
    }

    private ArgumentException NotAdmitted(DimensionSpec spec, Partition datum) =>
        new($"The partition [{string.Join(", ", spec.Render(datum))}] is outside the filter {ToString(spec)}.", nameof(datum));
}
