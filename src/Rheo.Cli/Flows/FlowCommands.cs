using System.CommandLine;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json.Nodes;
using Rheo.Core;
using Rheo.Core.Dimensions;
using Rheo.Core.Signals;
using Rheo.Runtime;
using Rheo.Runtime.StepFlows;

namespace Rheo.Cli.Flows;

/// <summary><c>rheo flow run|recover|run-one|run-from|status|logs</c>: synergy_flow's modes on an activated application's flow node.</summary>
internal static class FlowCommands
{
    public const int Ok = 0;

    /// <summary>The command ran and a step failed, or the mode refused.</summary>
    public const int Failed = 1;

    /// <summary>The command line was wrong (unknown flow, step or store); nothing ran.</summary>
    public const int Usage = 2;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var flow = new Command("flow", "Run step flows for a period: run, recover, run-one, run-from; show their status and logs.");
        flow.Subcommands.Add(Mode("run", "Reset every step of the period and run the whole flow (managed).", FlowRunMode.Run, output, error));
        flow.Subcommands.Add(Mode("recover", "After a failed run, reset the steps that did not succeed and run them (managed).", FlowRunMode.Recover, output, error));
        flow.Subcommands.Add(Mode("run-one", "Run one step once its predecessors completed; the flow's state is left alone (freerun).", FlowRunMode.RunOne, output, error));
        flow.Subcommands.Add(Mode("run-from", "Reset a step and everything downstream of it and run them; the flow's state is left alone (freerun).", FlowRunMode.RunFrom, output, error));
        flow.Subcommands.Add(Status(output, error));
        flow.Subcommands.Add(Logs(output, error));
        return flow;
    }

    private sealed class Shared
    {
        public Argument<string> Flow { get; } = new("flow") { Description = "The flow (its node id)." };

        public Option<string?> Period { get; } = new("--period") { Description = "The period, e.g. 2024-05-01 (values of several dimensions joined with '/')." };

        public Option<string> Root { get; } = new("--root") { Description = "The store folder (rheo.db, outputs, logs).", DefaultValueFactory = _ => "./.rheo" };

        public Option<string?> App { get; } = new("--app") { Description = "The application; by default the one named after the flow." };

        public Option<bool> Json { get; } = new("--json") { Description = "Print JSON for machines instead of text." };

        public Option<FileInfo[]> Load { get; } = new("--load") { Description = "An assembly (.dll) defining the flow's C# actions; repeat for more.", DefaultValueFactory = _ => [] };

        public void AddTo(Command command)
        {
            command.Options.Add(Period);
            command.Options.Add(Root);
            command.Options.Add(App);
            command.Options.Add(Json);
        }
    }

    private static Command Mode(string name, string description, FlowRunMode mode, TextWriter output, TextWriter error)
    {
        var shared = new Shared();
        var step = new Argument<string>("step") { Description = "The step to run (or to run from)." };
        var clusters = new Option<int>("--clusters") { Description = "The nominal number of execution clusters; a run uses max(1, steps to run / total steps × nominal).", DefaultValueFactory = _ => 4 };
        var quiet = new Option<bool>("--quiet") { Description = "Print no progress on standard error." };
        var command = new Command(name, description) { shared.Flow };
        if (mode is FlowRunMode.RunOne or FlowRunMode.RunFrom)
        {
            command.Arguments.Add(step);
        }

        shared.AddTo(command);
        command.Options.Add(clusters);
        command.Options.Add(quiet);
        command.Options.Add(shared.Load);
        SetAction(command, error, async (parse, cancellationToken) =>
        {
            foreach (var file in parse.GetValue(shared.Load)!)
            {
                Load(file.FullName);
            }

            await using var app = await OpenAsync(parse, shared, drive: true, cancellationToken).ConfigureAwait(false);
            var target = Target(app, parse, shared);
            var progress = parse.GetValue(quiet) ? null : new Progress(error);
            var options = new FlowRunOptions { NominalClusters = parse.GetValue(clusters), Progress = progress };
            var result = await app.RunFlowAsync(target, mode, mode is FlowRunMode.RunOne or FlowRunMode.RunFrom ? parse.GetValue(step) : null, options, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(shared.Json))
            {
                await output.WriteLineAsync(ToJson(result).ToJsonString()).ConfigureAwait(false);
            }
            else
            {
                await output.WriteLineAsync($"flow '{result.Flow}' [{result.Period}] {name}: {result.Steps.Count} of {result.TotalSteps} step(s) on {result.Clusters} cluster(s) in {result.Elapsed.TotalMilliseconds:0} ms; the flow is {Word(result.State)}").ConfigureAwait(false);
                foreach (var s in result.Steps)
                {
                    await output.WriteLineAsync($"  {s.Step,-20} {Word(s.Outcome),-9}{(s.Error is null ? string.Empty : "  " + s.Error)}").ConfigureAwait(false);
                }
            }

            return result.Succeeded ? Ok : Failed;
        });
        return command;
    }

    private static Command Status(TextWriter output, TextWriter error)
    {
        var shared = new Shared();
        var command = new Command("status", "Show the flow's state for a period and each step's latest execution with its actions.") { shared.Flow };
        shared.AddTo(command);
        SetAction(command, error, async (parse, cancellationToken) =>
        {
            await using var app = await OpenAsync(parse, shared, drive: false, cancellationToken).ConfigureAwait(false);
            var status = await app.GetFlowStatusAsync(Target(app, parse, shared), cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(shared.Json))
            {
                await output.WriteLineAsync(ToJson(status).ToJsonString()).ConfigureAwait(false);
                return Ok;
            }

            await output.WriteLineAsync($"flow '{status.Flow}' [{status.Period}]: {Word(status.State)}").ConfigureAwait(false);
            foreach (var s in status.Steps)
            {
                var latest = s.Latest is { } e ? $"{e.Status.ToString().ToLowerInvariant()} ({e.Trigger}, execution {e.Id})" : "never run";
                await output.WriteLineAsync($"  {s.Step,-20} {latest}{(s.After.Count > 0 ? "  after " + string.Join(", ", s.After) : string.Empty)}").ConfigureAwait(false);
                foreach (var a in s.Actions.Where(_ => s.Latest is not null))
                {
                    var how = a.Status is { } st ? st.ToString().ToLowerInvariant() + (a.Attempts > 1 ? $" after {a.Attempts} attempts" : string.Empty) : "not run";
                    await output.WriteLineAsync($"      {a.Description}: {how}{(a.Error is null ? string.Empty : ": " + a.Error)}").ConfigureAwait(false);
                }
            }

            return Ok;
        });
        return command;
    }

    private static Command Logs(TextWriter output, TextWriter error)
    {
        var shared = new Shared();
        var step = new Argument<string?>("step") { Description = "A step: show its log (with its actions' lines) instead of the flow's.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("logs", "Print a flow's log, or one step's, optionally for one period.") { shared.Flow, step };
        shared.AddTo(command);
        SetAction(command, error, async (parse, cancellationToken) =>
        {
            await using var app = await OpenAsync(parse, shared, drive: false, cancellationToken).ConfigureAwait(false);
            var flow = parse.GetValue(shared.Flow)!;
            var lines = await FlowLogs.ReadAsync(app, flow, parse.GetValue(step), parse.GetValue(shared.Period), cancellationToken).ConfigureAwait(false);
            foreach (var line in lines)
            {
                await output.WriteLineAsync(parse.GetValue(shared.Json)
                    ? new JsonObject { ["source"] = line.Source, ["level"] = line.LevelWord, ["period"] = line.Period, ["message"] = line.Message }.ToJsonString()
                    : line.ToString()).ConfigureAwait(false);
            }

            if (lines.Count == 0 && !parse.GetValue(shared.Json))
            {
                await error.WriteLineAsync($"no log lines at {FlowLogs.PathOf(FlowLogs.DirectoryOf(app, flow), flow, parse.GetValue(step))}").ConfigureAwait(false);
            }

            return Ok;
        });
        return command;
    }

    private static async Task<Application> OpenAsync(ParseResult parse, Shared shared, bool drive, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(parse.GetValue(shared.Root)!);
        if (!File.Exists(Path.Combine(root, "rheo.db")))
        {
            throw new ArgumentException($"There is no Rheo store at {root}; activate an application with the flow first, or point --root at an existing store.");
        }

        var name = parse.GetValue(shared.App) ?? parse.GetValue(shared.Flow)!;
        if (drive)
        {
            // C# actions a .csx script defined live in its cached image, recorded beside the application.
            _ = Rheo.CSharp.Scripts.PipelineScript.LoadRecorded(Path.Combine(root, name), Rheo.CSharp.Scripts.PipelineScript.CacheDirectoryOf(root));
        }

        var app = Application.Local(name, root, new ApplicationOptions { StartProcessor = drive });
        try
        {
            await app.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (app.ActiveNodes.Count == 0)
            {
                throw new ArgumentException($"Application '{name}' in {root} has not been activated (or does not exist); name it with --app.");
            }

            return app;
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static Signal Target(Application app, ParseResult parse, Shared shared)
    {
        var period = parse.GetValue(shared.Period) ?? throw new ArgumentException("Give the period with --period VALUE, e.g. --period 2024-05-01.");
        var signal = app[parse.GetValue(shared.Flow)!];
        foreach (var value in period.Split('/'))
        {
            signal = signal[value];
        }

        return signal;
    }

    private static void SetAction(Command command, TextWriter error, Func<ParseResult, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                return await action(parse, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await error.WriteLineAsync("stopped").ConfigureAwait(false);
                return 130;
            }
            catch (Exception e) when (e is ArgumentException or KeyNotFoundException or FormatException or InvalidDimensionValueException or SignalFilterException or FileNotFoundException or BadImageFormatException)
            {
                await error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
                return Usage;
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or RheoException)
            {
                await error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
                return Failed;
            }
        });

    private static void Load(string path)
    {
        var name = AssemblyName.GetAssemblyName(path);
        if (!AssemblyLoadContext.Default.Assemblies.Any(a => AssemblyName.ReferenceMatchesDefinition(a.GetName(), name)))
        {
            AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
        }
    }

    private static string Word(FlowState state) => state == FlowState.NotRun ? "not run" : state.ToString().ToLowerInvariant();

    private static string Word(StepOutcome outcome) => outcome == StepOutcome.NotRun ? "not run" : outcome.ToString().ToLowerInvariant();

    private static JsonObject ToJson(FlowRunResult r) => new()
    {
        ["flow"] = r.Flow,
        ["period"] = r.Period,
        ["mode"] = r.Mode.ToString(),
        ["state"] = r.State.ToString(),
        ["total_steps"] = r.TotalSteps,
        ["clusters"] = r.Clusters,
        ["elapsed_ms"] = Math.Round(r.Elapsed.TotalMilliseconds, 1),
        ["steps"] = new JsonArray([.. r.Steps.Select(s => (JsonNode)new JsonObject { ["step"] = s.Step, ["outcome"] = s.Outcome.ToString(), ["execution"] = s.ExecutionId, ["error"] = s.Error })]),
    };

    private static JsonObject ToJson(FlowStatus s) => new()
    {
        ["flow"] = s.Flow,
        ["period"] = s.Period,
        ["state"] = s.State.ToString(),
        ["steps"] = new JsonArray([.. s.Steps.Select(step => (JsonNode)new JsonObject
        {
            ["step"] = step.Step,
            ["after"] = new JsonArray([.. step.After.Select(a => (JsonNode)JsonValue.Create(a))]),
            ["status"] = step.Latest?.Status.ToString(),
            ["trigger"] = step.Latest?.Trigger,
            ["execution"] = step.Latest?.Id,
            ["actions"] = new JsonArray([.. step.Actions.Select(a => (JsonNode)new JsonObject { ["action"] = a.Description, ["status"] = a.Status?.ToString(), ["attempts"] = a.Attempts, ["error"] = a.Error })]),
        })]),
    };

    /// <summary>Prints a line per step event on standard error.</summary>
    private sealed class Progress(TextWriter writer) : IProgress<FlowEvent>
    {
        private readonly Lock _gate = new();

        public void Report(FlowEvent value)
        {
            var line = value.Kind switch
            {
                FlowEventKind.StepStarted => $"  started  {value.Step} on {value.Cluster}",
                FlowEventKind.StepSucceeded => $"  done     {value.Step} ({value.Done}/{value.Total})",
                FlowEventKind.StepFailed => $"  failed   {value.Step} ({value.Done}/{value.Total}): {value.Error}",
                FlowEventKind.StepNotRun => $"  not run  {value.Step}: {value.Error}",
                _ => null,
            };
            if (line is not null)
            {
                lock (_gate)
                {
                    writer.WriteLine(line);
                }
            }
        }
    }
}
