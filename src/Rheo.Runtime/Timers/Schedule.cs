using System.Globalization;
using System.Text.RegularExpressions;
using Quartz;

namespace Rheo.Runtime.Timers;

/// <summary>An EventBridge schedule expression: <c>rate(value unit)</c> or <c>cron(minutes hours day-of-month month day-of-week year)</c>, in UTC.</summary>
/// <remarks>
/// Rates fire at whole multiples of their period since the Unix epoch, so every process computes the same fire
/// times. Cron expressions are evaluated by Quartz's <see cref="CronExpression"/>, which takes the same six fields
/// with a seconds field in front.
/// </remarks>
public sealed partial class Schedule
{
    private readonly TimeSpan? _period;
    private readonly CronExpression? _cron;

    private Schedule(string expression, TimeSpan? period, CronExpression? cron)
    {
        Expression = expression;
        _period = period;
        _cron = cron;
    }

    /// <summary>The expression as given.</summary>
    public string Expression { get; }

    /// <summary>Parses an expression.</summary>
    /// <exception cref="FormatException">The expression is invalid; the message says what and what is valid.</exception>
    public static Schedule Parse(string expression) => TryParse(expression, out var schedule, out var error) ? schedule : throw new FormatException(error);

    /// <summary>Parses an expression, returning the reason when it is invalid.</summary>
    public static bool TryParse(string expression, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Schedule? schedule, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        schedule = null;
        error = null;
        var text = expression?.Trim() ?? string.Empty;
        if (RatePattern().Match(text) is { Success: true } rate)
        {
            if (!int.TryParse(rate.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
            {
                error = $"The schedule '{expression}' has the rate value '{rate.Groups[1].Value}'; it must be a positive whole number, e.g. rate(5 minutes).";
                return false;
            }

            var unit = rate.Groups[2].Value;
            var singular = unit.TrimEnd('s');
            if (singular is not ("minute" or "hour" or "day"))
            {
                error = $"The schedule '{expression}' has the unit '{unit}'; valid units are minute(s), hour(s) and day(s).";
                return false;
            }

            if ((value == 1) != (unit == singular))
            {
                error = $"The schedule '{expression}' must use '{(value == 1 ? singular : singular + "s")}' with the value {value}, as EventBridge requires (rate(1 day), rate(2 days)).";
                return false;
            }

            var period = singular switch { "minute" => TimeSpan.FromMinutes(value), "hour" => TimeSpan.FromHours(value), _ => TimeSpan.FromDays(value) };
            schedule = new Schedule(text, period, null);
            return true;
        }

        if (CronPattern().Match(text) is { Success: true } cron)
        {
            var fields = cron.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 6)
            {
                error = $"The schedule '{expression}' has {fields.Length} cron field(s); EventBridge cron takes 6: minutes hours day-of-month month day-of-week year, e.g. cron(0 12 * * ? *).";
                return false;
            }

            if ((fields[2] == "?") == (fields[4] == "?"))
            {
                error = $"The schedule '{expression}' must have '?' in exactly one of day-of-month ('{fields[2]}') and day-of-week ('{fields[4]}'), as EventBridge requires, e.g. cron(0 12 * * ? *) or cron(0 8 ? * MON-FRI *).";
                return false;
            }

            try
            {
                var quartz = new CronExpression("0 " + string.Join(' ', fields), TimeZoneInfo.Utc);
                schedule = new Schedule(text, null, quartz);
                return true;
            }
            catch (FormatException e)
            {
                error = $"The schedule '{expression}' is not a valid cron expression: {e.Message}. One of day-of-month and day-of-week must be '?', e.g. cron(0 12 * * ? *) or cron(0 8 ? * MON-FRI *).";
                return false;
            }
        }

        error = $"The schedule '{expression}' is neither rate(value unit) nor cron(minutes hours day-of-month month day-of-week year); e.g. rate(1 day) or cron(0 12 * * ? *).";
        return false;
    }

    /// <summary>The first fire time strictly after <paramref name="after"/>, or null when the schedule never fires again.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after)
    {
        if (_period is { } period)
        {
            var ticks = after.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
            var next = ((ticks / period.Ticks) + 1) * period.Ticks;
            return DateTimeOffset.UnixEpoch.AddTicks(next);
        }

        return _cron!.GetNextValidTimeAfter(after);
    }

    /// <summary>The latest fire time after <paramref name="since"/> and at or before <paramref name="at"/>, or null when none.</summary>
    public DateTimeOffset? LatestBetween(DateTimeOffset since, DateTimeOffset at)
    {
        if (_period is { } period)
        {
            var floor = DateTimeOffset.UnixEpoch.AddTicks((at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / period.Ticks * period.Ticks);
            return floor > since ? floor : null;
        }

        // A cron schedule has no closed form; walking is bounded by starting at most a year back.
        DateTimeOffset? latest = null;
        var from = since < at.AddDays(-366) ? at.AddDays(-366) : since;
        for (var next = NextAfter(from); next is { } n && n <= at; next = NextAfter(n))
        {
            latest = n;
        }

        return latest;
    }

    /// <inheritdoc />
    public override string ToString() => Expression;

    [GeneratedRegex(@"^rate\(\s*(\S+)\s+(\S+)\s*\)$")]
    private static partial Regex RatePattern();

    [GeneratedRegex(@"^cron\((.*)\)$")]
    private static partial Regex CronPattern();
}
