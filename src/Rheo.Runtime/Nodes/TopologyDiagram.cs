using System.Text;

namespace Rheo.Runtime.Nodes;

/// <summary>Renders an application's nodes as a diagram (Mermaid or Graphviz DOT); kept apart from the engine, for the command line and a dashboard alike.</summary>
public static class TopologyDiagram
{
    /// <summary>A Mermaid flowchart: one box per node (shape by kind), one arrow per input (dotted for references, labelled with ranges).</summary>
    public static string ToMermaid(IReadOnlyList<NodeDefinition> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var text = new StringBuilder("flowchart LR\n");
        foreach (var node in nodes)
        {
            var label = Label(node);
            text.Append("  ").Append(Id(node.Id)).Append(node switch
            {
                TimerNode => $"([\"{label}\"])",
                ExternalDataNode => $"[(\"{label}\")]",
                _ => $"[\"{label}\"]",
            }).Append('\n');
        }

        foreach (var (from, to, reference, note) in Edges(nodes))
        {
            text.Append("  ").Append(Id(from)).Append(reference ? " -." : " --").Append(note.Length > 0 ? $" {note} " : string.Empty)
                .Append(reference ? ".-> " : "--> ").Append(Id(to)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>A Graphviz digraph with the same content as <see cref="ToMermaid"/>.</summary>
    public static string ToDot(IReadOnlyList<NodeDefinition> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var text = new StringBuilder("digraph rheo {\n  rankdir=LR;\n");
        foreach (var node in nodes)
        {
            var shape = node switch { TimerNode => "ellipse", ExternalDataNode => "cylinder", _ => "box" };
            text.Append($"  \"{Escape(node.Id)}\" [shape={shape}, label=\"{Escape(Label(node))}\"];\n");
        }

        foreach (var (from, to, reference, note) in Edges(nodes))
        {
            var attributes = new List<string>();
            if (reference)
            {
                attributes.Add("style=dashed");
            }

            if (note.Length > 0)
            {
                attributes.Add($"label=\"{Escape(note)}\"");
            }

            text.Append($"  \"{Escape(from)}\" -> \"{Escape(to)}\"{(attributes.Count > 0 ? " [" + string.Join(", ", attributes) + "]" : string.Empty)};\n");
        }

        return text.Append("}\n").ToString();
    }

    private static IEnumerable<(string From, string To, bool Reference, string Note)> Edges(IReadOnlyList<NodeDefinition> nodes) =>
        nodes.OfType<DataNode>().SelectMany(d => d.Inputs.Select(i =>
        {
            var ranges = i.Filter.HasRanges ? "range" : string.Empty;
            var note = string.Join(", ", new[] { i.IsReference ? "ref" : string.Empty, ranges, i.IsRangeCheck ? "range check" : string.Empty }.Where(s => s.Length > 0));
            return (i.NodeId, d.Id, i.IsReference, note);
        }));

    private static string Label(NodeDefinition node) => node switch
    {
        TimerNode t => $"{node.Id}: timer {t.Schedule}",
        ExternalDataNode => $"{node.Id}: external data",
        _ => node.Id,
    };

    private static string Id(string id) => "n_" + string.Concat(id.Select(c => char.IsAsciiLetterOrDigit(c) ? c.ToString() : "_" + ((int)c).ToString("x", System.Globalization.CultureInfo.InvariantCulture)));

    private static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
