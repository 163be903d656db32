using Rheo.Core.Dimensions;
using Rheo.Core.Routing;
using Rheo.Runtime.Nodes;

namespace Rheo.Runtime.Engine;

/// <summary>A validated topology ready to run: nodes by id, compiled routes, and which routes consume each node.</summary>
internal sealed class ActiveTopology
{
    public ActiveTopology(IReadOnlyList<NodeDefinition> nodes, IReadOnlyDictionary<string, Route> routes)
    {
        Ordered = nodes;
        Nodes = nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        Routes = routes;
        Consumers = nodes.OfType<DataNode>()
            .SelectMany(d => routes.TryGetValue(d.Id, out var r) ? r.Inputs.Select(i => (i.NodeId, Route: d.Id)) : [])
            .Distinct()
            .GroupBy(p => p.NodeId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(p => p.Route).ToArray(), StringComparer.Ordinal);
        FailureSignals = nodes.OfType<FailureNode>().ToDictionary(f => f.Of, f => f.Id, StringComparer.Ordinal);
        Integrity = nodes.OfType<DataNode>().ToDictionary(d => d.Id, TopologyJson.Integrity, StringComparer.Ordinal);
    }

    public IReadOnlyList<NodeDefinition> Ordered { get; }

    public IReadOnlyDictionary<string, NodeDefinition> Nodes { get; }

    public IReadOnlyDictionary<string, Route> Routes { get; }

    public IReadOnlyDictionary<string, string[]> Consumers { get; }

    public IReadOnlyDictionary<string, string> Integrity { get; }

    /// <summary>The failure node of each data node that has one.</summary>
    public IReadOnlyDictionary<string, string> FailureSignals { get; }

    public DataNode Data(string id) => (DataNode)Nodes[id];

    public DimensionSpec SpecOf(string nodeId) => Nodes[nodeId].Signal.Spec;
}
