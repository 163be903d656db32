using System.CommandLine;
using Rheo.Core.Signals;
using Rheo.Runtime;
using Rheo.Runtime.Nodes;

namespace Rheo.Cli.Applications;

/// <summary>Node and partition arguments: <c>&lt;node&gt; [dim=value | value]...</c>.</summary>
internal static class Partitions
{
    public static Argument<string> NodeArgument() => new("node") { Description = "The node id." };

    public static Argument<string[]> ValuesArgument() => new("dimensions")
    {
        Description = "The partition: <dim>=<value> for each dimension of the node (or the values in dimension order).",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static NodeDefinition Node(Application application, string id) =>
        application.ActiveNodes.FirstOrDefault(n => n.Id == id)
        ?? throw new UsageException($"Application '{application.Name}' has no node '{id}'; its nodes are: {string.Join(", ", application.ActiveNodes.Select(n => n.Id))}. List them with `rheo nodes`.");

    public static NodeDefinition DataNode(Application application, string id) => Node(application, id) is DataNode data
        ? data
        : throw new UsageException($"Node '{id}' is not a data node; only data nodes have executions. Data nodes: {string.Join(", ", application.ActiveNodes.OfType<DataNode>().Select(n => n.Id))}.");

    /// <summary>The values given by name, for commands where some dimensions stay open (backfill).</summary>
    public static Dictionary<string, string> Named(IReadOnlyList<string> tokens)
    {
        var named = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var token in tokens)
        {
            var equals = token.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new UsageException($"'{token}' is not <dim>=<value>; give the fixed dimensions by name, e.g. region=NA.");
            }

            named[token[..equals]] = token[(equals + 1)..];
        }

        return named;
    }

    /// <summary>The node's signal narrowed to one partition.</summary>
    public static Signal Material(NodeDefinition node, IReadOnlyList<string> tokens)
    {
        var spec = node.Signal.Spec;
        var named = new Dictionary<string, string>(StringComparer.Ordinal);
        var positional = new List<string>();
        foreach (var token in tokens)
        {
            var equals = token.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && spec.Contains(token[..equals]))
            {
                named[token[..equals]] = token[(equals + 1)..];
            }
            else if (equals > 0)
            {
                throw new UsageException($"Node '{node.Id}' has no dimension '{token[..equals]}'; its dimensions are: {spec}.");
            }
            else
            {
                positional.Add(token);
            }
        }

        var example = string.Join(' ', spec.Select(d => $"{d.Name}=<{(d.Format is { } f ? f.ToString() : d.Type.ToString().ToUpperInvariant())}>"));
        var signal = node.Signal;
        var next = 0;
        foreach (var dimension in spec)
        {
            var value = named.GetValueOrDefault(dimension.Name) ?? (next < positional.Count ? positional[next++] : null)
                ?? throw new UsageException($"Node '{node.Id}' needs a value for every dimension ({spec}); '{dimension.Name}' is missing. Give: {node.Id} {example}");
            signal = signal[Complete(node.Id, dimension, value)];
        }

        if (next < positional.Count)
        {
            throw new UsageException($"Node '{node.Id}' has {spec.Count} dimension(s) ({spec}) but got {tokens.Count} value(s). Give: {node.Id} {example}");
        }

        return signal;
    }

    /// <summary>
    /// A DATETIME value as its dimension renders it: a value that parses to something else (a day given for an hourly
    /// dimension, which would silently become hour 00) is refused with the value it would have been read as.
    /// </summary>
    public static string Complete(string nodeId, Rheo.Core.Dimensions.Dimension dimension, string value)
    {
        if (dimension.Type != Rheo.Core.Dimensions.DimensionType.DateTime || !dimension.TryParse(value, out var parsed, out _))
        {
            return value;
        }

        var rendered = dimension.Render(parsed);
        return rendered == value
            ? value
            : throw new UsageException($"'{value}' is not a value of dimension '{dimension.Name}' of node '{nodeId}' as it is written ({dimension.Granularity.ToString().ToUpperInvariant()}, format {dimension.Format?.ToString() ?? "ISO 8601"}): it would be read as '{rendered}'. Give the value in that format, e.g. {dimension.Name}={rendered}.");
    }

    public static string Describe(Signal signal) => $"{signal.NodeId}[{string.Join(", ", signal.Spec.Render(signal.Tip()))}]";
}
