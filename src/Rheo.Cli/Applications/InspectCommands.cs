using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Rheo.Runtime;
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

    private const int Listed = 20;

    private static Command Status(TextWriter output, TextWriter error)
    {
        var options = new AppOptions();
        var command = AppCommand.Create("status", "Show the application's state, whether an engine runs it, and per data node its partitions by status (each counted once, by its latest execution), with the failed, lost and waiting ones and why.", options);
        AppCommand.SetAction(command, error, async (parse, cancellationToken) =>
        {
            await using var session = await Session.OpenAsync(parse, options, drive: false, cancellationToken).ConfigureAwait(false);
            var app = session.Application;
            var rows = new List<(NodeStatus Status, IReadOnlyList<WaitingGroup> Waiting)>();
            foreach (var node in app.ActiveNodes.OfType<DataNode>())
            {
                rows.Add((await app.GetNodeStatusAsync(node.Id, cancellationToken).ConfigureAwait(false), await app.GetWaitingGroupsAsync(node.Id, cancellationToken).ConfigureAwait(false)));
            }

            var engine = app.RunningEngine();
            var queued = await app.GetQueuedEventCountAsync(cancellationToken).ConfigureAwait(false);
            var hooks = await app.GetHooksAsync(cancellationToken).ConfigureAwait(false);
            var pendingHooks = hooks.Count(h => !h.GaveUp);
            var running = rows.Sum(r => r.Status.Running.Count);
            if (options.IsJson(parse))
            {
                static JsonNode Execution(ExecutionRecord e) => new JsonObject
                {
                    ["partition"] = new JsonArray([.. e.Output.Select(v => (JsonNode)v)]),
                    ["execution"] = e.Id,
                    ["status"] = e.Status.ToString(),
                    ["error"] = e.Error,
                    ["at"] = (e.EndedAt ?? e.StartedAt ?? e.CreatedAt).ToString("O", CultureInfo.InvariantCulture),
                };
                await AppCommand.WriteJsonAsync(output, new JsonObject
                {
                    ["application"] = app.Name,
                    ["state"] = app.State.ToString(),
                    ["root"] = app.Root,
                    ["engine"] = engine is null ? null : new JsonObject { ["pid"] = engine.ProcessId, ["since"] = engine.Since.ToString("O", CultureInfo.InvariantCulture) },
                    ["queuedEvents"] = queued,
                    ["hooks"] = new JsonObject
                    {
                        ["pending"] = pendingHooks,
                        ["gaveUp"] = new JsonArray([.. hooks.Where(h => h.GaveUp).Select(h => (JsonNode)new JsonObject { ["id"] = h.Id, ["hook"] = h.TypeName, ["attempts"] = h.Attempts, ["error"] = h.Error })]),
                    },
                    ["nodes"] = new JsonArray([.. rows.Select(r => (JsonNode)new JsonObject
                    {
                        ["node"] = r.Status.NodeId,
                        ["succeeded"] = r.Status.Succeeded,
                        ["failed"] = r.Status.Failed.Count,
                        ["running"] = r.Status.Running.Count,
                        ["lost"] = r.Status.Lost.Count,
                        ["pendingGroups"] = r.Status.PendingGroups,
                        ["executions"] = r.Status.Executions,
                        ["failedPartitions"] = new JsonArray([.. r.Status.Failed.Take(1000).Select(Execution)]),
                        ["lostPartitions"] = new JsonArray([.. r.Status.Lost.Take(1000).Select(Execution)]),
                        ["active"] = new JsonArray([.. r.Status.Running.Select(Execution)]),
                        ["waiting"] = new JsonArray([.. r.Waiting.Take(1000).Select(w => (JsonNode)new JsonObject
                        {
                            ["group"] = w.GroupId,
                            ["received"] = new JsonArray([.. w.Received.Select(v => (JsonNode)v)]),
                            ["waitingFor"] = new JsonArray([.. w.WaitingFor.Select(v => (JsonNode)v)]),
                        })]),
                    })]),
                }).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            await output.WriteLineAsync($"application {app.Name}: {app.State} ({app.Root})").ConfigureAwait(false);
            await output.WriteLineAsync(engine is not null
                ? $"engine: running in process {engine.ProcessId} since {engine.Since.ToString("u", CultureInfo.InvariantCulture)}"
                : queued > 0 || running > 0 || pendingHooks > 0
                    ? $"engine: none running; {queued} queued event(s), {running} execution(s) and {pendingHooks} hook call(s) wait for one: start `rheo serve`"
                    : "engine: none running (nothing waits for one)").ConfigureAwait(false);
            if (hooks.Count(h => h.GaveUp) is > 0 and var gaveUp)
            {
                await output.WriteLineAsync($"hooks: {gaveUp} call(s) gave up after {Runtime.Engine.ProcessorLimits.HookAttempts} attempts, e.g. {hooks.First(h => h.GaveUp).TypeName}: {hooks.First(h => h.GaveUp).Error}").ConfigureAwait(false);
            }

            await output.WriteLineAsync($"{"node",-16} {"succeeded",9} {"failed",6} {"running",7} {"lost",4} {"waiting",7}").ConfigureAwait(false);
            foreach (var (status, _) in rows)
            {
                await output.WriteLineAsync($"{status.NodeId,-16} {status.Succeeded,9} {status.Failed.Count,6} {status.Running.Count,7} {status.Lost.Count,4} {status.PendingGroups,7}").ConfigureAwait(false);
            }

            await ListAsync(output, "failed", rows.SelectMany(r => r.Status.Failed.Select(e => $"{r.Status.NodeId}[{string.Join(", ", e.Output)}] (execution {e.Id}): {FirstLine(e.Error)}")).ToList()).ConfigureAwait(false);
            await ListAsync(output, "lost (succeeded, output gone; backfill or execute re-runs them)", rows.SelectMany(r => r.Status.Lost.Select(e => $"{r.Status.NodeId}[{string.Join(", ", e.Output)}] (execution {e.Id})")).ToList()).ConfigureAwait(false);
            await ListAsync(output, "waiting", rows.SelectMany(r => r.Waiting.Select(w => $"{r.Status.NodeId} group {w.GroupId} ({string.Join(", ", w.Received)}): {(w.WaitingFor.Count == 0 ? "about to run" : string.Join("; ", w.WaitingFor.Take(3)) + (w.WaitingFor.Count > 3 ? $"; +{w.WaitingFor.Count - 3} more" : string.Empty))}")).ToList()).ConfigureAwait(false);
            await ListAsync(output, "running", rows.SelectMany(r => r.Status.Running.Select(e => $"{e.Status.ToString().ToLowerInvariant()}: {r.Status.NodeId}[{string.Join(", ", e.Output)}] (execution {e.Id}, since {(e.StartedAt ?? e.CreatedAt).ToString("u", CultureInfo.InvariantCulture)})")).ToList()).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task ListAsync(TextWriter output, string title, List<string> lines)
    {
        if (lines.Count == 0)
        {
            return;
        }

        await output.WriteLineAsync($"{title}:").ConfigureAwait(false);
        foreach (var line in lines.Take(Listed))
        {
            await output.WriteLineAsync("  " + line).ConfigureAwait(false);
        }

        if (lines.Count > Listed)
        {
            await output.WriteLineAsync($"  ... and {lines.Count - Listed} more (all of them with --json)").ConfigureAwait(false);
        }
    }

    private static string FirstLine(string? text) => text is null ? string.Empty : text.Split('\n')[0].Trim();

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
