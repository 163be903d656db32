using Rheo.Core.Dimensions;
using Rheo.Runtime.Engine;
using Rheo.Runtime.Nodes;

namespace Rheo.Runtime.StepFlows;

/// <summary>
/// The steps of a flow node in an application: the node itself and every data node upstream of it that has the same
/// dimensions (the shared period), reached through data nodes of that shape. Other inputs (timers, external data,
/// nodes of other shapes) are the flow's sources and are not run by graph operations.
/// </summary>
internal sealed class FlowGraph
{
    private FlowGraph(string flow, IReadOnlyList<string> steps, IReadOnlyDictionary<string, IReadOnlyList<string>> predecessors)
    {
        Flow = flow;
        Steps = steps;
        Predecessors = predecessors;
    }

    public string Flow { get; }

    /// <summary>The steps in dependency order (the application's definition order), the flow node last.</summary>
    public IReadOnlyList<string> Steps { get; }

    /// <summary>Each step's predecessors among the steps.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Predecessors { get; }

    public static FlowGraph Of(ActiveTopology topology, string flow)
    {
        var spec = topology.SpecOf(flow);
        var scope = new HashSet<string>(StringComparer.Ordinal) { flow };
        var queue = new Queue<string>([flow]);
        while (queue.TryDequeue(out var id))
        {
            foreach (var input in topology.Routes[id].Inputs)
            {
                if (topology.Nodes[input.NodeId] is DataNode && SameShape(topology.SpecOf(input.NodeId), spec) && scope.Add(input.NodeId))
                {
                    queue.Enqueue(input.NodeId);
                }
            }
        }

        var steps = topology.Ordered.Select(n => n.Id).Where(scope.Contains).ToList();
        var predecessors = steps.ToDictionary(
            s => s,
            s => (IReadOnlyList<string>)[.. topology.Routes[s].Inputs.Select(i => i.NodeId).Where(scope.Contains).Distinct()],
            StringComparer.Ordinal);
        return new FlowGraph(flow, steps, predecessors);
    }

    /// <summary>The step and every step downstream of it, in dependency order.</summary>
    public IReadOnlyList<string> Downstream(string step)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal) { step };
        foreach (var s in Steps)
        {
            if (Predecessors[s].Any(reached.Contains))
            {
                reached.Add(s);
            }
        }

        return [.. Steps.Where(reached.Contains)];
    }

    private static bool SameShape(DimensionSpec a, DimensionSpec b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Name == p.Second.Name && p.First.Type == p.Second.Type);
}
