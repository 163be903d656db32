using Rheo.Core.Dimensions;

namespace Rheo.Core.Filters;

/// <summary>One allowed choice at one level of a <see cref="DimensionFilter"/>: a value or <c>*</c>, an optional range, and the filter of the next level.</summary>
public sealed class FilterBranch
{
    internal FilterBranch(bool isAny, DimensionValue value, RelativeRange? range, DimensionFilter next)
    {
        IsAny = isAny;
        Value = value;
        Range = range is { IsDatum: true } ? null : range;
        Next = next;
    }

    /// <summary>Whether the branch admits any value (<c>*</c>).</summary>
    public bool IsAny { get; }

    /// <summary>The admitted value when <see cref="IsAny"/> is false.</summary>
    public DimensionValue Value { get; }

    /// <summary>The relative range the admitted datum expands into, or null for the datum alone.</summary>
    public RelativeRange? Range { get; }

    /// <summary>The filter of the next (nested) dimension.</summary>
    public DimensionFilter Next { get; }

    internal bool SameKey(FilterBranch other) => IsAny == other.IsAny && (IsAny || Value == other.Value) && Range == other.Range;

    internal string KeyText(Dimension dimension)
    {
        var key = IsAny ? "*" : dimension.Render(Value);
        return Range is { } r ? (IsAny ? r.ToString() : $"{key}[{r}]") : key;
    }
}
