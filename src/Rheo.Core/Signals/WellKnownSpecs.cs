using Rheo.Core.Dimensions;

namespace Rheo.Core.Signals;

/// <summary>The fixed dimension specs of timers, metrics and alarms, as the user guide defines them.</summary>
public static class WellKnownSpecs
{
    /// <summary>The format of metric and alarm time dimensions.</summary>
    public const string TimeFormat = "%Y-%m-%d %H:%M:%S";

    /// <summary>A timer's single DATETIME dimension (default <c>time</c>, <c>%Y-%m-%d</c>, DAY).</summary>
    public static DimensionSpec Timer(string timeDimension = "time", string format = "%Y-%m-%d", DatetimeGranularity granularity = DatetimeGranularity.Day) =>
        DimensionSpec.Of(Dimension.DateTime(timeDimension, granularity, format));

    /// <summary>A metric: <c>name</c> STRING → <c>statistic</c> STRING → <c>period</c> LONG → <c>time</c> DATETIME.</summary>
    public static DimensionSpec Metric { get; } = DimensionSpec.Of(
        Dimension.String("name"), Dimension.String("statistic"), Dimension.Long("period"), Dimension.DateTime("time", DatetimeGranularity.Minute, TimeFormat));

    /// <summary>An alarm: <c>state_transition</c> STRING → <c>time</c> DATETIME.</summary>
    public static DimensionSpec Alarm { get; } = DimensionSpec.Of(
        Dimension.String("state_transition", StringCase.Upper), Dimension.DateTime("time", DatetimeGranularity.Minute, TimeFormat));
}
