using System.Globalization;
using Rheo.Core.Dimensions;

namespace Rheo.Core.Filters;

/// <summary>
/// A relative window along one dimension around a datum (the event's value): <see cref="Count"/> values going backwards
/// (negative) or forwards (positive) from the datum, every value then moved by <see cref="Shift"/> units.
/// </summary>
/// <remarks>
/// <c>Range(-7)</c> is the datum and the 6 values before it; <c>Range(-3, shift: -1)</c> from the 18th is the 17th, 16th
/// and 15th. Links compare the unshifted datum (the TIP); materialized values carry the shift, as in RheocerOS.
/// </remarks>
public readonly record struct RelativeRange
{
    /// <summary>Creates a range.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is 0.</exception>
    public RelativeRange(int count, int shift = 0)
    {
        if (count == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "A range needs a non-zero count: negative goes back from the datum, positive goes forward.");
        }

        Count = count;
        Shift = shift;
    }

    /// <summary>The signed number of values: negative goes backwards from the datum, positive forwards.</summary>
    public int Count { get; }

    /// <summary>Units every value is moved by when materialized.</summary>
    public int Shift { get; }

    /// <summary>The number of values the range covers.</summary>
    public int Length => Math.Abs(Count);

    /// <summary>Whether the range is just the datum, unshifted.</summary>
    public bool IsDatum => Length == 1 && Shift == 0;

    /// <summary>The materialized values around a datum, TIP (datum + shift) first.</summary>
    public DimensionValue[] Expand(Dimension dimension, DimensionValue datum)
    {
        var values = new DimensionValue[Length];
        var step = Math.Sign(Count);
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = dimension.Add(datum, (step * i) + Shift);
        }

        return values;
    }

    /// <summary>Whether <paramref name="value"/> is one of the values of the range around <paramref name="datum"/>.</summary>
    public bool Contains(Dimension dimension, DimensionValue datum, DimensionValue value) => Array.IndexOf(Expand(dimension, datum), value) >= 0;

    /// <summary>The RheocerOS text form: <c>_:R</c> or <c>_:R:S</c>.</summary>
    public override string ToString() => Shift == 0
        ? string.Create(CultureInfo.InvariantCulture, $"_:{Count}")
        : string.Create(CultureInfo.InvariantCulture, $"_:{Count}:{Shift}");

    /// <summary>Parses the text form <c>_</c>, <c>_:R</c> or <c>_:R:S</c>.</summary>
    public static bool TryParse(string text, out RelativeRange range)
    {
        range = default;
        if (text == "_")
        {
            range = new RelativeRange(-1);
            return true;
        }

        if (!text.StartsWith("_:", StringComparison.Ordinal))
        {
            return false;
        }

        var parts = text[2..].Split(':');
        if (parts.Length is < 1 or > 2
            || !int.TryParse(parts[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var count) || count == 0)
        {
            return false;
        }

        var shift = 0;
        if (parts.Length == 2 && !int.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out shift))
        {
            return false;
        }

        range = new RelativeRange(count, shift);
        return true;
    }
}
