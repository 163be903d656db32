using Rheo.Core.Dimensions;
using Rheo.Core.Signals;

namespace Rheo.Core.Tests.Routing;

// Small builders for the nodes the guide's examples use.
internal static class Nodes
{
    public static readonly DateTimeOffset T0 = new(2021, 9, 20, 0, 0, 0, TimeSpan.Zero);

    public static Signal External(string id, params Dimension[] dimensions) => new(id, SignalKind.ExternalData, DimensionSpec.Of(dimensions));

    public static Signal Timer(string id, string dimension = "time") => new(id, SignalKind.Timer, WellKnownSpecs.Timer(dimension));

    public static Dimension Day(string name = "day") => Dimension.DateTime(name, DatetimeGranularity.Day, "%Y-%m-%d");

    public static Partition P(Signal signal, params object?[] values) => signal.Spec.Parse(values);

    public static string[] Render(DimensionSpec spec, Partition partition) => spec.Render(partition);
}
