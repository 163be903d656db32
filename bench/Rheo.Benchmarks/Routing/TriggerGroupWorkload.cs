using Rheo.Core.Dimensions;
using Rheo.Core.Routing;
using Rheo.Core.Signals;

namespace Rheo.Benchmarks.Routing;

// A two-input route linked on a LONG dimension with N groups pending on input "a". One step is two events: "b" for
// the oldest pending id (completes that group, one execution) and "a" for a new id (opens a group), so the number of
// pending groups stays N while every event goes through the index.
public sealed class TriggerGroupWorkload
{
    private static readonly DateTimeOffset Now = new(2021, 9, 20, 0, 0, 0, TimeSpan.Zero);

    private long _oldest;
    private long _next;

    public TriggerGroupWorkload(int pending)
    {
        var spec = DimensionSpec.Of(Dimension.Long("id"));
        var a = new Signal("a", SignalKind.ExternalData, spec);
        var b = new Signal("b", SignalKind.ExternalData, spec);
        State = new RouteState(Route.Compile(new RouteDefinition { Id = "joined", Inputs = [a, b] }));
        for (_next = 0; _next < pending; _next++)
        {
            State.Receive("a", Partition.Of(DimensionValue.OfLong(_next)), Now);
        }
    }

    public RouteState State { get; }

    // Returns the number of executions (1 per step) so the work cannot be optimized away.
    public int Step()
    {
        var completed = State.Receive("b", Partition.Of(DimensionValue.OfLong(_oldest++)), Now).Executions.Count;
        State.Receive("a", Partition.Of(DimensionValue.OfLong(_next++)), Now);
        return completed;
    }
}
