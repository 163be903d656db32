using System.Collections.Concurrent;
using Rheo.Core.Dimensions;
using Rheo.Core.Routing;
using Rheo.Runtime.Data;
using Rheo.Runtime.Nodes;

namespace Rheo.Runtime.Engine;

/// <summary>
/// Whether a node's partition exists, by the node's own rule: an internal output by its completion marker, external
/// data by its integrity protocol, a timer by its schedule; the one answer execute, backfill, range checks and
/// <c>why</c> share, with or without an engine in this process.
/// </summary>
/// <remarks>
/// A timer partition exists when the schedule has a fire time that renders to it (after the timer's shift), so a
/// Monday timer offers only Mondays; future values count too, as an execute for next week's tick is the user's call.
/// A failure signal's partition is never "there": a failure can only be awaited.
/// </remarks>
internal sealed class InputAvailability(ActiveTopology topology, LocalDataStorage data)
{
    private readonly ConcurrentDictionary<string, Timers.Schedule> _schedules = new(StringComparer.Ordinal);

    public bool IsAvailable(string nodeId, Partition partition) => topology.Nodes[nodeId] switch
    {
        TimerNode timer => Fires(timer, partition),
        FailureNode => false,
        ExternalDataNode e => LocalDataStorage.IsDatasetComplete(e, partition),
        var n => data.IsComplete(nodeId, n.Signal.Spec.Render(partition)),
    };

    /// <summary>Where a partition is (a folder for data, <c>timer/value</c> for a timer).</summary>
    public string PathOf(string nodeId, Partition partition, IReadOnlyList<string> values) => topology.Nodes[nodeId] switch
    {
        ExternalDataNode e => LocalDataStorage.DatasetPath(e, partition),
        TimerNode => nodeId + "/" + string.Join('/', values),
        FailureNode f => data.PartitionPath(f.Of, values),
        _ => data.PartitionPath(nodeId, values),
    };

    /// <summary>
    /// The input partitions an execution needs and that are not there: the triggering partition of every
    /// non-reference input, and every partition of a range-checked input (reference or not), as a trigger group
    /// needs them to become an execution.
    /// </summary>
    public IReadOnlyList<MissingInput> Missing(IReadOnlyList<MaterializedInput> inputs)
    {
        var missing = new List<MissingInput>();
        foreach (var input in inputs)
        {
            if (input.Input.IsReference && !input.Input.IsRangeCheck)
            {
                continue;
            }

            foreach (var partition in input.Input.IsRangeCheck ? input.Partitions : [input.Datum])
            {
                if (!IsAvailable(input.Input.NodeId, partition))
                {
                    var values = input.Input.Spec.Render(partition);
                    missing.Add(new MissingInput(input.Input.Name, input.Input.NodeId, values, Reason(input.Input, partition, values)));
                }
            }
        }

        return missing;
    }

    /// <summary>Why a partition of a node is not there, in words.</summary>
    public string Reason(RouteInput input, Partition partition, IReadOnlyList<string> values) => Reason(input.NodeId, partition, values, input.IsRangeCheck);

    /// <summary>Why a partition of a node is not there, in words.</summary>
    public string Reason(string nodeId, Partition partition, IReadOnlyList<string> values, bool rangeCheck = false)
    {
        var node = topology.Nodes[nodeId];
        var flag = rangeCheck ? " (range check)" : string.Empty;
        var key = string.Join(", ", values);
        return node switch
        {
            TimerNode t => $"timer {t.Id} never fires for [{key}]: its schedule is {t.Schedule}{(t.Shift == 0 ? string.Empty : $" shifted by {t.Shift}")}",
            FailureNode f => $"{f.Of}[{key}] has not failed; a failure cannot be executed, only awaited",
            ExternalDataNode e => $"external data {e.Id}[{key}]{flag} is missing: {(e.Protocol.CompletionFile is { } file ? $"no {file} in" : "no folder")} {PathOf(e.Id, partition, values)}",
            _ => $"{node.Id}[{key}]{flag} is not produced: no {LocalDataStorage.CompletionFile} in {PathOf(node.Id, partition, values)}",
        };
    }

    private bool Fires(TimerNode timer, Partition partition)
    {
        var schedule = _schedules.GetOrAdd(timer.Id, _ => Timers.Schedule.Parse(timer.Schedule));
        var dimension = timer.Signal.Spec[0];
        var unshifted = dimension.Add(partition[0], -timer.Shift);
        var start = new DateTimeOffset(DateTime.SpecifyKind(unshifted.AsDateTime(), DateTimeKind.Utc));

        // Truncation to the format is monotone: when the first fire at or after the value's start renders to a later
        // value, no fire time renders to this one.
        return schedule.NextAfter(start.AddTicks(-1)) is { } fire && dimension.Parse(fire.UtcDateTime).Equals(unshifted);
    }
}
