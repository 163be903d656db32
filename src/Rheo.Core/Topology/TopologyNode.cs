using Rheo.Core.Routing;
using Rheo.Core.Signals;

namespace Rheo.Core.Topology;

/// <summary>One node of an application's topology: its own signal and, for nodes with inputs, its route.</summary>
/// <param name="Output">The signal the node emits (its id, kind, spec and declared filter).</param>
/// <param name="Route">The route of a node with inputs (internal data, alarm, composite alarm); null for external nodes and timers.</param>
public sealed record TopologyNode(Signal Output, RouteDefinition? Route = null)
{
    /// <summary>The node's id.</summary>
    public string Id => Output.NodeId;

    /// <summary>The node's kind.</summary>
    public SignalKind Kind => Output.Kind;
}

/// <summary>Validates a whole topology and collects every problem (never stops at the first).</summary>
public static class TopologyValidator
{
    /// <summary>Validates nodes: unique ids, known inputs of compatible kinds and types, filters inside upstream filters, compilable routes, no cycles.</summary>
    /// <returns>Every diagnostic, errors and warnings, in node order; <paramref name="routes"/> holds each compiled route.</returns>
    public static IReadOnlyList<TopologyDiagnostic> Validate(IReadOnlyList<TopologyNode> nodes, out IReadOnlyDictionary<string, Route> routes)
    {
        var diagnostics = new List<TopologyDiagnostic>();
        var compiled = new Dictionary<string, Route>(StringComparer.Ordinal);
        var byId = new Dictionary<string, TopologyNode>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            if (!byId.TryAdd(node.Id, node))
            {
                diagnostics.Add(new TopologyDiagnostic(TopologyCodes.DuplicateNodeId, node.Id, $"the node id '{node.Id}' is used by more than one node; ids must be unique within an application."));
            }
        }

        foreach (var node in nodes)
        {
            if (node.Route is null)
            {
                continue;
            }

            foreach (var input in node.Route.Inputs)
            {
                CheckInput(node, input, byId, diagnostics);
            }

            var route = Route.Compile(node.Route, out var routeDiagnostics);
            diagnostics.AddRange(routeDiagnostics);
            if (route is not null)
            {
                compiled.TryAdd(node.Id, route);
            }
        }

        diagnostics.AddRange(FindCycles(nodes, byId));
        routes = compiled;
        return diagnostics;
    }

    private static void CheckInput(TopologyNode node, Signal input, Dictionary<string, TopologyNode> byId, List<TopologyDiagnostic> diagnostics)
    {
        if (!byId.TryGetValue(input.NodeId, out var upstream))
        {
            diagnostics.Add(new TopologyDiagnostic(TopologyCodes.UnknownInputNode, node.Id, $"input '{input.InputName}' names node '{input.NodeId}', which is not in the application; known nodes: {string.Join(", ", byId.Keys.Order(StringComparer.Ordinal))}."));
            return;
        }

        if (!SignalCompatibility.Accepts(node.Kind, upstream.Kind))
        {
            var accepted = SignalCompatibility.AcceptedInputs(node.Kind);
            diagnostics.Add(new TopologyDiagnostic(TopologyCodes.IncompatibleInputKind, node.Id,
                $"input '{input.InputName}' is a {upstream.Kind} node, which cannot feed a {node.Kind} node; a {node.Kind} node takes: {(accepted.Count == 0 ? "no inputs" : string.Join(", ", accepted))}."));
        }

        var spec = upstream.Output.Spec;
        if (input.Spec.Count != spec.Count || input.Spec.Zip(spec).Any(p => p.First.Type != p.Second.Type || p.First.Name != p.Second.Name))
        {
            diagnostics.Add(new TopologyDiagnostic(TopologyCodes.WrongType, node.Id, $"input '{input.InputName}' has the dimensions [{input.Spec}] but node '{upstream.Id}' emits [{spec}]."));
            return;
        }

        var outside = input.Filter.Narrow(spec, upstream.Output.DeclaredFilter);
        if (!input.Filter.IsEmpty && outside.IsEmpty)
        {
            diagnostics.Add(new TopologyDiagnostic(TopologyCodes.FilterValueOutOfSpec, node.Id, $"input '{input.InputName}' filters {input.Filter.ToString(spec)}, which is outside node '{upstream.Id}''s filter {upstream.Output.DeclaredFilter.ToString(spec)}."));
        }
    }

    private static List<TopologyDiagnostic> FindCycles(IReadOnlyList<TopologyNode> nodes, Dictionary<string, TopologyNode> byId)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new List<string>();
        var found = new List<TopologyDiagnostic>();

        void Visit(string id)
        {
            state[id] = 1;
            stack.Add(id);
            foreach (var input in byId[id].Route?.Inputs ?? [])
            {
                if (!byId.ContainsKey(input.NodeId))
                {
                    continue;
                }

                var s = state.GetValueOrDefault(input.NodeId);
                if (s == 1)
                {
                    var cycle = stack.Skip(stack.IndexOf(input.NodeId)).Append(input.NodeId);
                    found.Add(new TopologyDiagnostic(TopologyCodes.Cycle, input.NodeId, $"the nodes form a cycle: {string.Join(" ← ", cycle)}; a node cannot depend on its own output."));
                }
                else if (s == 0)
                {
                    Visit(input.NodeId);
                }
            }

            stack.RemoveAt(stack.Count - 1);
            state[id] = 2;
        }

        foreach (var node in nodes.Where(n => byId[n.Id] == n && state.GetValueOrDefault(n.Id) == 0))
        {
            Visit(node.Id);
        }

        return found;
    }
}
