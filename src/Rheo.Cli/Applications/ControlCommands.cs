using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Rheo.Runtime;
using Rheo.Runtime.StepFlows;
using Rheo.Runtime.Storage;

namespace Rheo.Cli.Applications;

/// <summary><c>rheo process|execute|poll|kill|pause|resume|logs</c>: the guide's runtime control, one partition at a time.</summary>
internal static class ControlCommands
{
    public static IEnumerable<Command> Create(TextWriter output, TextWriter error)
    {
        yield return Process(output, error);
        yield return Execute(output, error);
        yield return Poll(output, error);
        yield return Kill(output, error);
        yield return Pause(output, error, pause: true);
        yield return Pause(output, error, pause: false);
        yield return Logs(output, error);
    }

    private static Command Process(TextWriter output, TextWriter error)
    {
        var options = new AppOptions();
        var node = Partitions.NodeArgument();
        var values = Partitions.ValuesArgument();
        var noWait = new Option<bool>("--no-wait") { Description = "Return once the event is stored; do not process it here." };
        var force = new Option<bool>("--force") { Description = "Inject the event even when the partition is not there (external data without its completion marker, an output not produced)." };
        var command = AppCommand.Create("process", "Inject an event: a partition of a node (e.g. new external data, which must be complete), then process it until nothing is running.", options, node, values, noWait, force);
        AppCommand.SetAction(command, error, async (parse, cancellationToken) =>
        {
            await using var session = await Session.OpenAsync(parse, options, drive: !parse.GetValue(noWait), cancellationToken).ConfigureAwait(false);
            var app = session.Application;
            var signal = Partitions.Material(Partitions.Node(app, parse.GetValue(node)!), parse.GetValue(values)!);
            if (!parse.GetValue(force) && await app.WhyMissingAsync(signal, cancellationToken).ConfigureAwait(false) is { } missing)
            {
                await error.WriteLineAsync($"error: {missing}; nothing was injected. Land the data (with its completion marker) first, or inject it anyway with --force.").ConfigureAwait(false);
                return ExitCodes.Failed;
            }

            await app.ProcessAsync(signal, cancellationToken).ConfigureAwait(false);
            var processed = app.RunsProcessor;
            if (processed)
            {
                await ExecutionDisplay.WhileAsync(output, app, "processing " + Partitions.Describe(signal), app.WaitForIdleAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
            }

            var note = processed ? "processed" : "queued; it is processed by the application's processor (`rheo serve`)";
            await Write(output, options.IsJson(parse), new JsonObject { ["event"] = Partitions.Describe(signal), ["processed"] = processed }, $"event {Partitions.Describe(signal)} {note}").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Execute(TextWriter output, TextWriter error)
    {
        var options = new AppOptions();
        var node = Partitions.NodeArgument();
        var values = Partitions.ValuesArgument();
        var recursive = new Option<bool>("--recursive") { Description = "First execute every missing ancestor partition, crawling up." };
        var noWait = new Option<bool>("--no-wait") { Description = "Return once the execution is accepted; it runs (or resumes) in the application's processor." };
        var force = new Option<bool>("--force") { Description = "Run even when input partitions it needs are missing (otherwise execute refuses and names them)." };
        var command = AppCommand.Create("execute", "Run a data node for one output partition, inferring its inputs (which must be there, or --recursive produces them); shows progress while it runs.", options, node, values, recursive, noWait, force);
        AppCommand.SetAction(command, error, async (parse, cancellationToken) =>
        {
            await using var session = await Session.OpenAsync(parse, options, drive: true, cancellationToken).ConfigureAwait(false);
            var app = session.Application;
            var signal = Partitions.Material(Partitions.DataNode(app, parse.GetValue(node)!), parse.GetValue(values)!);
            var watch = Stopwatch.StartNew();
            var since = DateTimeOffset.UtcNow;
            var wait = !parse.GetValue(noWait);
            string path;
            try
            {
                path = await ExecutionDisplay.WhileAsync(output, app, "executing " + Partitions.Describe(signal), app.ExecuteAsync(signal, wait, parse.GetValue(recursive), parse.GetValue(force), cancellationToken), cancellationToken).ConfigureAwait(false);
            }
            catch (ExecutionFailedException)
            {
                // A failure has consequences too (its hooks, routes on the failure signal): finish them before exiting.
                _ = await ExecutionDisplay.FinishAsync(output, app, since, null, cancellationToken).ConfigureAwait(false);
                throw;
            }

            var status = wait ? "succeeded" : "accepted";
            var json = options.IsJson(parse);
            var seconds = watch.Elapsed.TotalSeconds;
            var self = (await app.PollAsync(signal, cancellationToken).ConfigureAwait(false)).Execution?.Id;
            IReadOnlyList<string> downstream = wait ? await ExecutionDisplay.FinishAsync(output, app, since, self, cancellationToken).ConfigureAwait(false) : [];
            var engine = app.RunningEngine();
            var accepted = engine is { IsThisProcess: false }
                ? $"{Partitions.Describe(signal)} accepted; the engine in process {engine.ProcessId} runs it (follow it with `rheo poll`)"
                : $"{Partitions.Describe(signal)} accepted, but no engine runs it now: it runs when one starts (`rheo serve`); run execute without --no-wait to run it here";
            await Write(output, json,
                new JsonObject { ["partition"] = Partitions.Describe(signal), ["status"] = status, ["path"] = path, ["seconds"] = Math.Round(seconds, 3), ["downstream"] = new JsonArray([.. downstream.Select(d => (JsonNode)d)]) },
                wait ? $"{Partitions.Describe(signal)} succeeded in {seconds:F2} s -> {path}" : accepted).ConfigureAwait(false);
            if (!json && downstream.Count > 0)
            {
                await output.WriteLineAsync($"also ran: {string.Join(", ", downstream)}").ConfigureAwait(false);
            }

            return downstream.Any(d => d.EndsWith(" failed", StringComparison.Ordinal) || d.EndsWith(" killed", StringComparison.Ordinal)) ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return command;
    }

    private static Command Poll(TextWriter output, TextWriter error)
    {
        var options = new AppOptions();
        var node = Partitions.NodeArgument();
        var values = Partitions.ValuesArgument();
        var command = AppCommand.Create("poll", "Show where an output partition stands: never attempted, running, succeeded (with its path) or failed (with why).", options, node, values);
        AppCommand.SetAction(command, error, async (parse, cancellationToken) =>
        {
            await using var session = await Session.OpenAsync(parse, options, drive: false, cancellationToken).ConfigureAwait(false);
            var app = session.Application;
            var signal = Partitions.Material(Partitions.DataNode(app, parse.GetValue(node)!), parse.GetValue(values)!);
            var poll = await app.PollAsync(signal, cancellationToken).ConfigureAwait(false);
            var status = poll.Execution?.Status == ExecutionStatus.Killed ? "killed" : Words.Of(poll.Status);
            var text = $"{Partitions.Describe(signal)}: {status}" + poll.Status switch
            {
                PollStatus.Succeeded => $" -> {poll.OutputPath}",
                PollStatus.Failed => $" (execution {poll.Execution!.Id}): {poll.Execution.Error}",
                PollStatus.Running => $" (execution {poll.Execution!.Id})",
                PollStatus.Waiting or PollStatus.Lost => $": {poll.Reason}",
                _ => string.Empty,
            };
            await Write(output, options.IsJson(parse), new JsonObject
            {
                ["partition"] = Partitions.Describe(signal),
                ["status"] = status,
                ["path"] = poll.OutputPath,
                ["execution"] = poll.Execution?.Id,
                ["error"] = poll.Execution?.Error,
                ["reason"] = poll.Reason,
            }, text).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Kill(TextWriter output, TextWriter error)
    {
        var options = new AppOptions();
        var node = Partitions.NodeArgument();
        var values = Partitions.ValuesArgument();
        var command = AppCommand.Create("kill", "Stop the running execution of an output partition; nothing propagates downstream.", options, node, values);
        AppCommand.SetAction(command, error, async (parse, cancellationToken) =>
        {
            await using var session = await Session.OpenAsync(parse, options, drive: true, cancellationToken).ConfigureAwait(false);
            var app = session.Application;
            var signal = Partitions.Material(Partitions.DataNode(app, parse.GetValue(node)!), parse.GetValue(values)!);
            if (!await app.KillAsync(signal, cancellationToken).ConfigureAwait(false))
            {
                await error.WriteLineAsync($"error: no execution of {Partitions.Describe(signal)} is running; see `rheo poll {string.Join(' ', [parse.GetValue(node)!, .. parse.GetValue(values)!])}`.").ConfigureAwait(false);
                return ExitCodes.Failed;
            }

            // Kill is asynchronous: wait for the execution to record its end before the processor stops with this command.
            var killed = await WaitUntilEndedAsync(app, signal, cancellationToken).ConfigureAwait(false);
            await Write(output, options.IsJson(parse), new JsonObject { ["partition"] = Partitions.Describe(signal), ["status"] = killed }, $"{Partitions.Describe(signal)}: {killed}").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Pause(TextWriter output, TextWriter error, bool pause)
    {
        var options = new AppOptions();
        var command = AppCommand.Create(pause ? "pause" : "resume", pause
            ? "Stop processing; events are still accepted and kept until resume."
            : "Resume processing, starting with the events accepted while paused.", options);
        AppCommand.SetAction(command, error, async (parse, cancellationToken) =>
        {
            await using var session = await Session.OpenAsync(parse, options, drive: false, cancellationToken).ConfigureAwait(false);
            var app = session.Application;
            await (pause ? app.PauseAsync(cancellationToken) : app.ResumeAsync(cancellationToken)).ConfigureAwait(false);
            await Write(output, options.IsJson(parse), new JsonObject { ["application"] = app.Name, ["state"] = app.State.ToString() }, $"application {app.Name}: {app.State}").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Logs(TextWriter output, TextWriter error)
    {
        var options = new AppOptions();
        var node = Partitions.NodeArgument();
        var values = Partitions.ValuesArgument();
        var command = AppCommand.Create("logs", "Print the compute records of the latest execution of a partition, with the captured output of process targets; without a partition, those of the node's latest failures.", options, node, values);
        AppCommand.SetAction(command, error, async (parse, cancellationToken) =>
        {
            await using var session = await Session.OpenAsync(parse, options, drive: false, cancellationToken).ConfigureAwait(false);
            var app = session.Application;
            var definition = Partitions.DataNode(app, parse.GetValue(node)!);
            var json = options.IsJson(parse);
            if (parse.GetValue(values)!.Length == 0 && definition.Signal.Spec.Count > 0)
            {
                var status = await app.GetNodeStatusAsync(definition.Id, cancellationToken).ConfigureAwait(false);
                if (status.Failed.Count == 0)
                {
                    await Write(output, json, new JsonObject { ["node"] = definition.Id, ["failures"] = new JsonArray() },
                        $"{definition.Id} has no failed partitions; give a partition for its logs: rheo logs {definition.Id} {string.Join(' ', definition.Signal.Spec.Select(d => d.Name + "=<value>"))}").ConfigureAwait(false);
                    return ExitCodes.Ok;
                }

                var failures = new JsonArray();
                foreach (var failed in status.Failed.OrderByDescending(e => e.Id).Take(5))
                {
                    var partition = failed.Output.Aggregate(definition.Signal, (signal, value) => signal[value]);
                    failures.Add(await PrintLogsAsync(output, app, partition, json, cancellationToken).ConfigureAwait(false));
                }

                if (json)
                {
                    await AppCommand.WriteJsonAsync(output, new JsonObject { ["node"] = definition.Id, ["failures"] = failures }).ConfigureAwait(false);
                }
                else if (status.Failed.Count > 5)
                {
                    await output.WriteLineAsync($"... and {status.Failed.Count - 5} more failed partitions (see `rheo status --json`)").ConfigureAwait(false);
                }

                return ExitCodes.Ok;
            }

            var signal = Partitions.Material(definition, parse.GetValue(values)!);
            var poll = await app.PollAsync(signal, cancellationToken).ConfigureAwait(false);
            if (poll.Execution is null)
            {
                await error.WriteLineAsync($"error: {Partitions.Describe(signal)} was never executed{(poll.Reason is null ? string.Empty : $" ({poll.Reason})")}; see `rheo why {string.Join(' ', [parse.GetValue(node)!, .. parse.GetValue(values)!])}`.").ConfigureAwait(false);
                return ExitCodes.Failed;
            }

            var result = await PrintLogsAsync(output, app, signal, json, cancellationToken).ConfigureAwait(false);
            if (json)
            {
                await AppCommand.WriteJsonAsync(output, result).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    // Prints (or, with json, returns) the latest execution of a partition with its compute records and captured output.
    private static async Task<JsonObject> PrintLogsAsync(TextWriter output, Application app, Rheo.Core.Signals.Signal signal, bool json, CancellationToken cancellationToken)
    {
        var poll = await app.PollAsync(signal, cancellationToken).ConfigureAwait(false);
        var execution = poll.Execution!;
        var records = new List<(ComputeRecord Record, string? Stdout, string? Stderr)>();
        foreach (var r in poll.ComputeRecords)
        {
            records.Add((r, await ReadIfExistsAsync(r.LogPath, ".stdout", cancellationToken).ConfigureAwait(false), await ReadIfExistsAsync(r.LogPath, ".stderr", cancellationToken).ConfigureAwait(false)));
        }

        // A step of a step flow also has its lines in the flow's logs (`rheo flow logs`), for this period.
        var flowLog = app.ActiveNodes.FirstOrDefault(n => n.Id == signal.NodeId) is { } definition && FlowLogs.FlowOf(definition) is { } flow
            ? await FlowLogs.ReadAsync(app, flow, signal.NodeId == flow ? null : signal.NodeId, string.Join('/', signal.Spec.Render(signal.Tip())), cancellationToken).ConfigureAwait(false)
            : [];

        if (json)
        {
            return new JsonObject
            {
                ["partition"] = Partitions.Describe(signal),
                ["execution"] = execution.Id,
                ["status"] = execution.Status.ToString(),
                ["error"] = execution.Error,
                ["records"] = new JsonArray([.. records.Select(r => (JsonNode)new JsonObject
                {
                    ["target"] = r.Record.TargetIndex,
                    ["attempt"] = r.Record.Attempt,
                    ["compute"] = r.Record.Target,
                    ["status"] = r.Record.Status.ToString(),
                    ["seconds"] = Math.Round((r.Record.EndedAt - r.Record.StartedAt).TotalSeconds, 3),
                    ["error"] = r.Record.Error,
                    ["stdout"] = r.Stdout,
                    ["stderr"] = r.Stderr,
                })]),
                ["flowLog"] = new JsonArray([.. flowLog.Select(l => (JsonNode)l.ToString())]),
            };
        }

        await output.WriteLineAsync($"execution {execution.Id} of {Partitions.Describe(signal)}: {execution.Status}{(execution.Error is null ? string.Empty : " - " + execution.Error)}").ConfigureAwait(false);
        foreach (var (r, stdout, stderr) in records)
        {
            await output.WriteLineAsync($"target {r.TargetIndex} attempt {r.Attempt} ({r.Target}): {r.Status} in {(r.EndedAt - r.StartedAt).TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)} s{(r.Error is null ? string.Empty : " - " + r.Error)}").ConfigureAwait(false);
            await WriteIndentedAsync(output, "stdout", stdout).ConfigureAwait(false);
            await WriteIndentedAsync(output, "stderr", stderr).ConfigureAwait(false);
        }

        await WriteIndentedAsync(output, "flow log", flowLog.Count == 0 ? null : string.Join('\n', flowLog)).ConfigureAwait(false);
        return [];
    }

    private static async Task<string> WaitUntilEndedAsync(Application app, Rheo.Core.Signals.Signal signal, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            var poll = await app.PollAsync(signal, timeout.Token).ConfigureAwait(false);
            if (poll.Status != PollStatus.Running)
            {
                return poll.Execution?.Status.ToString().ToLowerInvariant() ?? Words.Of(poll.Status);
            }

            await Task.Delay(20, timeout.Token).ConfigureAwait(false);
        }
    }

    private static async Task<string?> ReadIfExistsAsync(string? prefix, string suffix, CancellationToken cancellationToken) =>
        prefix is not null && File.Exists(prefix + suffix) ? await File.ReadAllTextAsync(prefix + suffix, cancellationToken).ConfigureAwait(false) : null;

    private static async Task WriteIndentedAsync(TextWriter output, string name, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        await output.WriteLineAsync($"  {name}:").ConfigureAwait(false);
        foreach (var line in text.TrimEnd('\n').Split('\n'))
        {
            await output.WriteLineAsync("    " + line).ConfigureAwait(false);
        }
    }

    private static Task Write(TextWriter output, bool json, JsonObject data, string text) => json ? AppCommand.WriteJsonAsync(output, data) : output.WriteLineAsync(text);
}

/// <summary>Lower-case words for statuses in human output.</summary>
internal static class Words
{
    public static string Of(PollStatus status) => status switch
    {
        PollStatus.NeverAttempted => "never attempted",
        PollStatus.Running => "running",
        PollStatus.Succeeded => "succeeded",
        PollStatus.Waiting => "waiting",
        PollStatus.Lost => "lost",
        PollStatus.Reset => "reset",
        _ => "failed",
    };
}
