using System.Globalization;

namespace Rheo.Core.Dimensions;

/// <summary>One named, typed dimension of a signal: its values are parsed, normalized and rendered here.</summary>
public sealed class Dimension : IEquatable<Dimension>
{
    private readonly TimeZoneInfo? _zone;

    private Dimension(string name, DimensionType type, DatetimeGranularity granularity, DatetimeFormat? format, string timeZone, int? digits, StringCase stringCase)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A dimension needs a non-empty name.", nameof(name));
        }

        Name = name;
        Type = type;
        Granularity = granularity;
        Format = format;
        TimeZone = timeZone;
        Digits = digits;
        Case = stringCase;
        if (type == DimensionType.DateTime && !string.Equals(timeZone, "UTC", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                _zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
            }
            catch (TimeZoneNotFoundException e)
            {
                throw new ArgumentException($"Dimension '{name}': unknown time zone '{timeZone}'; use an IANA id such as 'UTC' or 'America/Los_Angeles'.", nameof(timeZone), e);
            }
        }
    }

    /// <summary>The dimension's name, unique within its spec.</summary>
    public string Name { get; }

    /// <summary>The type of the dimension's values.</summary>
    public DimensionType Type { get; }

    /// <summary>The unit of ranges and shifts of a DATETIME dimension.</summary>
    public DatetimeGranularity Granularity { get; }

    /// <summary>The format that renders a DATETIME dimension's values; null renders <c>yyyy-MM-dd HH:mm:ss</c>.</summary>
    public DatetimeFormat? Format { get; }

    /// <summary>The zone of a DATETIME dimension's wall-clock values (default <c>UTC</c>).</summary>
    public string TimeZone { get; }

    /// <summary>The number of digits a LONG value is zero-padded to when rendered, if any.</summary>
    public int? Digits { get; }

    /// <summary>How a STRING dimension normalizes case.</summary>
    public StringCase Case { get; }

    /// <summary>Creates a STRING dimension.</summary>
    public static Dimension String(string name, StringCase stringCase = StringCase.AsIs) =>
        new(name, DimensionType.String, DatetimeGranularity.Day, null, "UTC", null, stringCase);

    /// <summary>Creates a LONG dimension, optionally zero-padded to <paramref name="digits"/> when rendered.</summary>
    public static Dimension Long(string name, int? digits = null)
    {
        if (digits is < 1 or > 19)
        {
            throw new ArgumentOutOfRangeException(nameof(digits), digits, "Digits must be between 1 and 19.");
        }

        return new(name, DimensionType.Long, DatetimeGranularity.Day, null, "UTC", digits, StringCase.AsIs);
    }

    /// <summary>Creates a DATETIME dimension.</summary>
    /// <param name="name">The dimension's name.</param>
    /// <param name="granularity">The unit of ranges and shifts (default DAY).</param>
    /// <param name="format">A strftime-style (<c>%Y-%m-%d</c>) or .NET (<c>yyyy-MM-dd</c>) format; null renders <c>yyyy-MM-dd HH:mm:ss</c>.</param>
    /// <param name="timeZone">The zone values are expressed in (default UTC).</param>
    /// <exception cref="ArgumentException">The format is invalid, or the granularity is finer than the format prints.</exception>
    public static Dimension DateTime(string name, DatetimeGranularity granularity = DatetimeGranularity.Day, string? format = null, string timeZone = "UTC")
    {
        var parsed = format is null ? null : DatetimeFormat.Parse(format);
        if (parsed?.Precision is { } precision && Finer(granularity, precision))
        {
            throw new ArgumentException(
                $"Dimension '{name}': granularity {granularity.ToString().ToUpperInvariant()} is finer than the format '{format}' prints ({precision.ToString().ToUpperInvariant()}); use a coarser granularity or a format that prints it.",
                nameof(granularity));
        }

        return new(name, DimensionType.DateTime, granularity, parsed, timeZone, null, StringCase.AsIs);
    }

    /// <summary>Creates a dimension of the given type with default parameters.</summary>
    public static Dimension Of(string name, DimensionType type) => type switch
    {
        DimensionType.String => String(name),
        DimensionType.Long => Long(name),
        _ => DateTime(name),
    };

    /// <summary>Parses and normalizes a raw value (string, integer, <see cref="System.DateTime"/>, <see cref="DateTimeOffset"/>, <see cref="DateOnly"/> or <see cref="DimensionValue"/>).</summary>
    /// <exception cref="InvalidDimensionValueException">The value is not valid for this dimension; the message names the dimension and what would be valid.</exception>
    public DimensionValue Parse(object? raw) =>
        TryParse(raw, out var value, out var error) ? value : throw new InvalidDimensionValueException(Name, Type, raw, error!);

    /// <summary>Parses and normalizes a raw value, returning false with a reason when it is not valid for this dimension.</summary>
    public bool TryParse(object? raw, out DimensionValue value, out string? error)
    {
        value = default;
        error = null;
        if (raw is null)
        {
            error = "a value is required";
            return false;
        }

        if (raw is DimensionValue given)
        {
            raw = given.ToRaw();
        }

        switch (Type)
        {
            case DimensionType.String:
                var text = raw switch
                {
                    string s => s,
                    System.DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                    _ => raw.ToString(),
                };
                if (string.IsNullOrEmpty(text))
                {
                    error = "an empty string is not a dimension value";
                    return false;
                }

                value = DimensionValue.OfString(Case switch
                {
                    StringCase.Upper => text.ToUpperInvariant(),
                    StringCase.Lower => text.ToLowerInvariant(),
                    _ => text,
                });
                return true;

            case DimensionType.Long:
                long number;
                switch (raw)
                {
                    case long l: number = l; break;
                    case int i: number = i; break;
                    case short sh: number = sh; break;
                    case byte b: number = b; break;
                    case uint ui: number = ui; break;
                    case ulong ul when ul <= long.MaxValue: number = (long)ul; break;
                    case string s when long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed): number = parsed; break;
                    default:
                        error = "expected an integer (e.g. 1 or \"007\")";
                        return false;
                }

                value = DimensionValue.OfLong(number);
                return true;

            default:
                if (!TryParseDateTime(raw, out var time))
                {
                    error = Format is null
                        ? "expected a date/time such as \"2021-09-20\" or \"2021-09-20 13:00:00\""
                        : $"expected a date/time in the format '{Format.Pattern}' (e.g. \"{Format.Render(new System.DateTime(2021, 9, 20, 13, 0, 0))}\") or ISO 8601";
                    return false;
                }

                value = DimensionValue.OfDateTime((Format ?? DatetimeFormat.Default).Truncate(time));
                return true;
        }
    }

    /// <summary>Renders a value as it appears in paths and to users: the DATETIME format, LONG digits, STRING as is.</summary>
    public string Render(DimensionValue value) => Type switch
    {
        DimensionType.String => value.AsString(),
        DimensionType.Long => Digits is { } digits ? value.AsLong().ToString("D" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : value.AsLong().ToString(CultureInfo.InvariantCulture),
        _ => (Format ?? DatetimeFormat.Default).Render(value.AsDateTime()),
    };

    /// <summary>Moves a LONG or DATETIME value by <paramref name="units"/> steps of the dimension's granularity.</summary>
    /// <exception cref="InvalidOperationException">The dimension is a STRING (ranges and shifts need an ordered type).</exception>
    public DimensionValue Add(DimensionValue value, int units)
    {
        if (units == 0)
        {
            return value;
        }

        return Type switch
        {
            DimensionType.Long => DimensionValue.OfLong(value.AsLong() + units),
            DimensionType.DateTime => DimensionValue.OfDateTime((Format ?? DatetimeFormat.Default).Truncate(AddUnits(value.AsDateTime(), units))),
            _ => throw new InvalidOperationException($"Dimension '{Name}' is a STRING; ranges and shifts need a LONG or DATETIME dimension."),
        };
    }

    /// <summary>Equal when name and type are equal (parameters such as format are not compared), as in RheocerOS.</summary>
    public bool Equals(Dimension? other) => other is not null && string.Equals(Name, other.Name, StringComparison.Ordinal) && Type == other.Type;

    /// <summary>Whether name, type and every parameter are equal.</summary>
    public bool IsIdentical(Dimension other) =>
        Equals(other) && Granularity == other.Granularity && Equals(Format, other.Format) && string.Equals(TimeZone, other.TimeZone, StringComparison.Ordinal) && Digits == other.Digits && Case == other.Case;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Dimension);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(StringComparer.Ordinal.GetHashCode(Name), Type);

    /// <inheritdoc />
    public override string ToString() => Type == DimensionType.DateTime
        ? $"{Name}: DATETIME({Granularity.ToString().ToUpperInvariant()}{(Format is null ? string.Empty : ", " + Format.Pattern)})"
        : $"{Name}: {Type.ToString().ToUpperInvariant()}";

    internal System.DateTime AddUnits(System.DateTime time, int units) => Granularity switch
    {
        DatetimeGranularity.Minute => time.AddMinutes(units),
        DatetimeGranularity.Hour => time.AddHours(units),
        DatetimeGranularity.Day => time.AddDays(units),
        DatetimeGranularity.Week => time.AddDays(7L * units),
        DatetimeGranularity.Month => time.AddMonths(units),
        _ => time.AddYears(units),
    };

    private static bool Finer(DatetimeGranularity granularity, DatetimeGranularity precision)
    {
        // WEEK steps are whole days, so a day-precise format renders them.
        var g = granularity == DatetimeGranularity.Week ? DatetimeGranularity.Day : granularity;
        return g < precision;
    }

    private bool TryParseDateTime(object raw, out System.DateTime time)
    {
        time = default;
        DateTimeOffset instant;
        switch (raw)
        {
            case System.DateTime d:
                // A UTC or unspecified DateTime is wall-clock time in the dimension's zone; a local one is converted.
                time = d.Kind == DateTimeKind.Local && _zone is null ? d.ToUniversalTime() : d;
                time = System.DateTime.SpecifyKind(time, DateTimeKind.Unspecified);
                return true;
            case DateOnly day:
                time = day.ToDateTime(TimeOnly.MinValue);
                return true;
            case DateTimeOffset o:
                instant = o;
                break;
            case string s:
                var trimmed = s.Trim();
                if (trimmed.Length == 0 || !((Format is not null && Format.TryParseExact(trimmed, out instant)) || DatetimeFormat.TryParseLoose(trimmed, out instant)))
                {
                    return false;
                }

                if (instant.Offset == TimeSpan.Zero)
                {
                    time = instant.DateTime;
                    return true;
                }

                break;
            default:
                return false;
        }

        time = _zone is null ? instant.UtcDateTime : TimeZoneInfo.ConvertTime(instant, _zone).DateTime;
        time = System.DateTime.SpecifyKind(time, DateTimeKind.Unspecified);
        return true;
    }
}
