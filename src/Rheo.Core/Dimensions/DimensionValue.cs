using System.Globalization;

namespace Rheo.Core.Dimensions;

/// <summary>A canonical, typed value of one dimension (a STRING, a LONG or a DATETIME in its dimension's zone).</summary>
/// <remarks>
/// Values are produced by <see cref="Dimension.Parse(object?)"/>, which normalizes them (case, precision), so two
/// values are equal exactly when their dimension would render them the same way.
/// </remarks>
public readonly struct DimensionValue : IEquatable<DimensionValue>, IComparable<DimensionValue>
{
    private readonly string? _text;
    private readonly long _number;

    private DimensionValue(DimensionType type, long number, string? text)
    {
        Type = type;
        _number = number;
        _text = text;
    }

    /// <summary>The type of the value.</summary>
    public DimensionType Type { get; }

    /// <summary>Creates a STRING value without normalization.</summary>
    public static DimensionValue OfString(string value) => new(DimensionType.String, 0, value ?? throw new ArgumentNullException(nameof(value)));

    /// <summary>Creates a LONG value.</summary>
    public static DimensionValue OfLong(long value) => new(DimensionType.Long, value, null);

    /// <summary>Creates a DATETIME value without truncation; the kind of <paramref name="value"/> is ignored.</summary>
    public static DimensionValue OfDateTime(DateTime value) => new(DimensionType.DateTime, value.Ticks, null);

    /// <summary>The text of a STRING value.</summary>
    /// <exception cref="InvalidOperationException">The value is not a STRING.</exception>
    public string AsString() => Type == DimensionType.String ? _text! : throw WrongType(DimensionType.String);

    /// <summary>The number of a LONG value.</summary>
    /// <exception cref="InvalidOperationException">The value is not a LONG.</exception>
    public long AsLong() => Type == DimensionType.Long ? _number : throw WrongType(DimensionType.Long);

    /// <summary>The point in time of a DATETIME value, as wall-clock time in the dimension's zone (kind unspecified).</summary>
    /// <exception cref="InvalidOperationException">The value is not a DATETIME.</exception>
    public DateTime AsDateTime() => Type == DimensionType.DateTime ? new DateTime(_number, DateTimeKind.Unspecified) : throw WrongType(DimensionType.DateTime);

    /// <summary>The value as the raw object a mapper receives: <see cref="string"/>, <see cref="long"/> or <see cref="DateTime"/>.</summary>
    public object ToRaw() => Type switch
    {
        DimensionType.String => _text!,
        DimensionType.Long => _number,
        _ => AsDateTime(),
    };

    /// <inheritdoc />
    public bool Equals(DimensionValue other) => Type == other.Type && _number == other._number && string.Equals(_text, other._text, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DimensionValue other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _text is not null ? StringComparer.Ordinal.GetHashCode(_text) : _number.GetHashCode() ^ (int)Type;

    /// <summary>Orders values of the same type (strings ordinally, numbers and times by value).</summary>
    public int CompareTo(DimensionValue other)
    {
        if (Type != other.Type)
        {
            return Type.CompareTo(other.Type);
        }

        return Type == DimensionType.String ? string.CompareOrdinal(_text, other._text) : _number.CompareTo(other._number);
    }

    /// <summary>Equality of two values.</summary>
    public static bool operator ==(DimensionValue left, DimensionValue right) => left.Equals(right);

    /// <summary>Inequality of two values.</summary>
    public static bool operator !=(DimensionValue left, DimensionValue right) => !left.Equals(right);

    /// <summary>Ordering of two values.</summary>
    public static bool operator <(DimensionValue left, DimensionValue right) => left.CompareTo(right) < 0;

    /// <summary>Ordering of two values.</summary>
    public static bool operator >(DimensionValue left, DimensionValue right) => left.CompareTo(right) > 0;

    /// <summary>Ordering of two values.</summary>
    public static bool operator <=(DimensionValue left, DimensionValue right) => left.CompareTo(right) <= 0;

    /// <summary>Ordering of two values.</summary>
    public static bool operator >=(DimensionValue left, DimensionValue right) => left.CompareTo(right) >= 0;

    /// <summary>A type-tagged form for diagnostics; use <see cref="Dimension.Render(DimensionValue)"/> for the dimension's format.</summary>
    public override string ToString() => Type switch
    {
        DimensionType.String => _text!,
        DimensionType.Long => _number.ToString(CultureInfo.InvariantCulture),
        _ => AsDateTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
    };

    private InvalidOperationException WrongType(DimensionType wanted) =>
        new($"The value {this} is a {Type.ToString().ToUpperInvariant()}, not a {wanted.ToString().ToUpperInvariant()}.");
}
