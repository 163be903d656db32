using System.Globalization;
using System.Text;

namespace Rheo.Core.Dimensions;

/// <summary>
/// A DATETIME dimension's format: strftime-style as in the seeds (<c>%Y-%m-%d</c>, <c>%Y%m%d%H</c>) or a .NET custom
/// format (<c>yyyy-MM-dd</c>). It renders values and decides their precision (the smallest unit it prints).
/// </summary>
public sealed class DatetimeFormat : IEquatable<DatetimeFormat>
{
    private static readonly string[] FallbackFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss",
        "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH", "yyyy-MM-dd HH", "yyyy-MM-dd", "yyyy/MM/dd",
        "yyyyMMddHHmmss", "yyyyMMddHHmm", "yyyyMMddHH", "yyyyMMdd", "yyyy-MM", "yyyy",
    ];

    private DatetimeFormat(string pattern, string netFormat, DatetimeGranularity? precision, bool hasSeconds)
    {
        Pattern = pattern;
        NetFormat = netFormat;
        Precision = precision;
        HasSeconds = hasSeconds;
    }

    /// <summary>The pattern as the user gave it.</summary>
    public string Pattern { get; }

    /// <summary>The equivalent .NET custom format string.</summary>
    public string NetFormat { get; }

    /// <summary>The smallest calendar unit the format prints, or null when it prints seconds or finer.</summary>
    internal DatetimeGranularity? Precision { get; }

    internal bool HasSeconds { get; }

    /// <summary>The format used when a dimension declares none: <c>yyyy-MM-dd HH:mm:ss</c>, as RheocerOS renders.</summary>
    public static DatetimeFormat Default { get; } = Parse("%Y-%m-%d %H:%M:%S");

    /// <summary>Parses a strftime-style (contains <c>%</c>) or .NET custom format.</summary>
    /// <exception cref="ArgumentException">The pattern uses a directive Rheo cannot render, naming the supported ones.</exception>
    public static DatetimeFormat Parse(string pattern)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        var net = pattern.Contains('%', StringComparison.Ordinal) ? FromStrftime(pattern) : pattern;
        var units = UnitsOf(net);
        if (units.Count == 0)
        {
            throw new ArgumentException($"The datetime format '{pattern}' prints no date or time component; use e.g. '%Y-%m-%d' or 'yyyy-MM-dd'.", nameof(pattern));
        }

        DatetimeGranularity? precision = units.Contains('s') || units.Contains('f') ? null
            : units.Contains('m') ? DatetimeGranularity.Minute
            : units.Contains('H') ? DatetimeGranularity.Hour
            : units.Contains('d') ? DatetimeGranularity.Day
            : units.Contains('M') ? DatetimeGranularity.Month
            : DatetimeGranularity.Year;
        return new DatetimeFormat(pattern, net, precision, units.Contains('s'));
    }

    /// <summary>Renders a value with this format (invariant culture).</summary>
    public string Render(DateTime value) => value.ToString(NetFormat, CultureInfo.InvariantCulture);

    internal bool TryParseExact(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParseExact(text, NetFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out value);

    internal static bool TryParseLoose(string text, out DateTimeOffset value)
    {
        var styles = DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces;
        return DateTimeOffset.TryParseExact(text, FallbackFormats, CultureInfo.InvariantCulture, styles, out value)
            || DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, styles, out value);
    }

    /// <summary>Truncates a value to this format's precision so that equal renderings mean equal values.</summary>
    internal DateTime Truncate(DateTime value) => Precision switch
    {
        null => HasSeconds ? new DateTime(value.Ticks - (value.Ticks % TimeSpan.TicksPerSecond)) : value,
        DatetimeGranularity.Minute => new DateTime(value.Year, value.Month, value.Day, value.Hour, value.Minute, 0),
        DatetimeGranularity.Hour => new DateTime(value.Year, value.Month, value.Day, value.Hour, 0, 0),
        DatetimeGranularity.Day => value.Date,
        DatetimeGranularity.Month => new DateTime(value.Year, value.Month, 1),
        _ => new DateTime(value.Year, 1, 1),
    };

    /// <inheritdoc />
    public bool Equals(DatetimeFormat? other) => other is not null && string.Equals(NetFormat, other.NetFormat, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as DatetimeFormat);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(NetFormat);

    /// <inheritdoc />
    public override string ToString() => Pattern;

    private static string FromStrftime(string pattern)
    {
        var net = new StringBuilder();
        var literal = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] != '%')
            {
                literal.Append(pattern[i]);
                continue;
            }

            if (i + 1 >= pattern.Length)
            {
                throw new ArgumentException($"The datetime format '{pattern}' ends with a lone '%'.", nameof(pattern));
            }

            var directive = pattern[++i];
            if (directive == '%')
            {
                literal.Append('%');
                continue;
            }

            FlushLiteral(net, literal);
            net.Append(directive switch
            {
                'Y' => "yyyy",
                'y' => "yy",
                'm' => "MM",
                'd' => "dd",
                'H' => "HH",
                'M' => "mm",
                'S' => "ss",
                'f' => "ffffff",
                'b' => "MMM",
                'B' => "MMMM",
                'a' => "ddd",
                'A' => "dddd",
                'I' => "hh",
                'p' => "tt",
                _ => throw new ArgumentException(
                    $"The datetime format '{pattern}' uses '%{directive}', which Rheo cannot render. Supported: %Y %y %m %d %H %I %M %S %f %p %b %B %a %A %%, or a .NET custom format such as 'yyyy-MM-dd'.",
                    nameof(pattern)),
            });
        }

        FlushLiteral(net, literal);
        return net.ToString();
    }

    private static void FlushLiteral(StringBuilder net, StringBuilder literal)
    {
        if (literal.Length == 0)
        {
            return;
        }

        net.Append('\'').Append(literal.ToString().Replace("'", "\\'", StringComparison.Ordinal)).Append('\'');
        literal.Clear();
    }

    // The date/time units a .NET custom format prints, skipping quoted literals and escapes.
    private static HashSet<char> UnitsOf(string netFormat)
    {
        var units = new HashSet<char>();
        for (var i = 0; i < netFormat.Length; i++)
        {
            var c = netFormat[i];
            if (c is '\'' or '"')
            {
                var close = netFormat.IndexOf(c, i + 1);
                i = close < 0 ? netFormat.Length : close;
            }
            else if (c == '\\')
            {
                i++;
            }
            else if (c is 'y' or 'M' or 'd' or 'H' or 'h' or 'm' or 's' or 'f' or 'F')
            {
                units.Add(c switch
                {
                    'h' => 'H',
                    'F' => 'f',
                    _ => c,
                });
            }
        }

        return units;
    }
}
