using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Rheo.Runtime.Nodes;
using Rheo.Runtime.Storage;

namespace Rheo.Cli.Applications;

/// <summary><c>rheo nodes</c>, <c>rheo status</c>, <c>rheo graph</c>: read the active topology and the store; never run the processor.</summary>
internal static class InspectCommands
{
    public static IEnumerable<Command> Create(TextWriter output, TextWriter error)
    {
        yield return Nodes(output, error);
        yield return Status(output, error);
        yield return Graph(output, error);
    }

    private static Command Nodes(TextWriter output, TextWriter error)
    {
        var options = new AppOptions();
        var command = AppCommand.Create("nodes", "List the nodes of the active topology: kind, dimensions, inputs and compute targets.", options);
        AppCommand.SetAction(command, error, async (parse, cancellationToken) =>
        {
            await using var session = await Session.OpenAsync(parse, options, drive: false, cancellationToken).ConfigureAwait(false);
            var nodes = session.Application.ActiveNodes;
            if (options.IsJson(parse))
            {
                await AppCommand.WriteJsonAsync(output, new JsonArray([.. nodes.Select(n => (JsonNode)new JsonObject
                {
                    ["id"] = n.Id,
                    ["kind"] = Kind(n),
                    ["dimensions"] = n.Signal.Spec.ToString(),
                    ["inputs"] = new JsonArray([.. Inputs(n).Select(i => (JsonNode)i)]),
                    ["compute"] = new JsonArray([.. Compute(n).Select(c => (JsonNode)c)]),
                })])).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            foreach (var node in nodes)
            {
                await output.WriteLineAsync($"{node.Id,-16} {Kind(node),-14} {node.Signal.Spec}").ConfigureAwait(false);
                foreach (var input in Inputs(node))
                {
                    await output.WriteLineAsync($"{string.Empty,-16}   <- {input}").ConfigureAwait(false);
                }

                foreach (var target in Compute(node))
                {
                    await output.WriteLineAsync($"{string.Empty,-16}   => {target}").ConfigureAwait(false);
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Status(TextWriter output, TextWriter error)
    {
        var options = new AppOptions();
        var command = AppCommand.Create("status", "Show the application's state and, per data node, executions by status, pending trigger groups and what is running.", options);
        AppCommand.SetAction(command, error, async (parse, cancellationToken) =>
        {
            await using var session = await Session.OpenAsync(parse, options, drive: false, cancellationToken).ConfigureAwait(false);
            var app = session.Application;
            var rows = new List<(string Node, Dictionary<ExecutionStatus, int> Counts, int Pending, IReadOnlyList<ExecutionRecord> Active)>();
            foreach (var node in app.ActiveNodes.OfType<DataNode>())
            {
                var executions = await app.GetExecutionsAsync(node.Id, limit: int.MaxValue, cancellationToken: cancellationToken).ConfigureAwait(false);
                var pending = await app.GetPendingGroupsAsync(node.Id, cancellationToken).ConfigureAwait(false);
                rows.Add((node.Id, executions.GroupBy(e => e.Status).ToDictionary(g => g.Key, g => g.Count()), pending.Count, [.. executions.Where(e => e.IsActive)]));
            }

            if (options.IsJson(parse))
            {
                await AppCommand.WriteJsonAsync(output, new JsonObject
                {
                    ["application"] = app.Name,
                    ["state"] = app.State.ToString(),
                    ["root"] = app.Root,
                    ["nodes"] = new JsonArray([.. rows.Select(r => (JsonNode)new JsonObject
                    {
                        ["node"] = r.Node,
                        ["executions"] = new JsonObject([.. r.Counts.OrderBy(c => c.Key).Select(c => KeyValuePair.Create(c.Key.ToString(), (JsonNode?)c.Value))]),
                        ["pendingGroups"] = r.Pending,
                        ["active"] = new JsonArray([.. r.Active.Select(e => (JsonNode)new JsonObject { ["id"] = e.Id, ["partition"] = e.OutputKey, ["status"] = e.Status.ToString() })]),
                    })]),
                }).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            await output.WriteLineAsync($"application {app.Name}: {app.State} ({app.Root})").ConfigureAwait(false);
            await output.WriteLineAsync($"{"node",-16} {"succeeded",9} {"failed",6} {"running",7} {"pending groups",14}").ConfigureAwait(false);
            foreach (var (node, counts, pending, active) in rows)
            {
                var failed = counts.GetValueOrDefault(ExecutionStatus.Failed) + counts.GetValueOrDefault(ExecutionStatus.Killed);
                await output.WriteLineAsync($"{node,-16} {counts.GetValueOrDefault(ExecutionStatus.Succeeded),9} {failed,6} {active.Count,7} {pending,14}").ConfigureAwait(false);
            }

            foreach (var (node, _, _, active) in rows)
            {
                foreach (var e in active)
                {
                    await output.WriteLineAsync($"  {e.Status.ToString().ToLowerInvariant()}: {node}[{e.OutputKey}] (execution {e.Id}, since {(e.StartedAt ?? e.CreatedAt).ToString("u", CultureInfo.InvariantCulture)})").ConfigureAwait(false);
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Graph(TextWriter output, TextWriter error)
    {
        var options = new AppOptions();
        var format = new Option<string>("--format") { Description = "mermaid or dot.", DefaultValueFactory = _ => "mermaid" };
        format.AcceptOnlyFromAmong("mermaid", "dot");
        var command = AppCommand.Create("graph", "Print the application's DAG as Mermaid (default) or Graphviz DOT.", options, format);
        AppCommand.SetAction(command, error, async (parse, cancellationToken) =>
        {
            await using var session = await Session.OpenAsync(parse, options, drive: false, cancellationToken).ConfigureAwait(false);
            var nodes = session.Application.ActiveNodes;
            var text = parse.GetValue(format) == "dot" ? TopologyDiagram.ToDot(nodes) : TopologyDiagram.ToMermaid(nodes);
            if (options.IsJson(parse))
            {
                await AppCommand.WriteJsonAsync(output, new JsonObject { ["format"] = parse.GetValue(format), ["text"] = text }).ConfigureAwait(false);
            }
            else
            {
                await output.WriteAsync(text).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Kind(NodeDefinition node) => node switch
    {
        TimerNode => "timer",
        ExternalDataNode => "external data",
        DataNode => "data",
        _ => node.GetType().Name,
    };

    private static IEnumerable<string> Inputs(NodeDefinition node) => node is DataNode d
        ? d.Inputs.Select(i => i.InputName + (i.IsReference ? " (reference)" : string.Empty) + (i.Filter.HasRanges ? " (range)" : string.Empty) + (i.IsRangeCheck ? " (range check)" : string.Empty))
        : [];

    private static IEnumerable<string> Compute(NodeDefinition node) => node is DataNode d
        ? d.ComputeTargets.Select(t => t.Describe() + (t.RetryCount > 0 ? $" (retry {t.RetryCount})" : string.Empty))
        : node is ExternalDataNode e ? [e.Dataset.Folder] : node is TimerNode t ? [t.Schedule] : [];
}
