using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Rheo.CSharp.Scripts;
using Rheo.Runtime;
using Rheo.Runtime.Nodes;
using Rheo.Runtime.Storage;

namespace Rheo.Cli.Applications;

/// <summary><c>rheo activate</c>, <c>rheo run</c>, <c>rheo serve</c>: pipelines defined in .csx scripts, and the processor.</summary>
/// <remarks>Only these commands compile scripts, so only they load Roslyn; the others load a cached script image at most.</remarks>
internal static class ScriptCommands
{
    public static IEnumerable<Command> Create(TextWriter output, TextWriter error)
    {
        yield return Activate(output, error);
        yield return Run(output, error);
        yield return Serve(output, error);
    }

    private static Argument<FileInfo> ScriptArgument() => new("pipeline") { Description = "The pipeline: a script (.csx), or an assembly (.dll) with public IPipeline classes." };

    private static Command Activate(TextWriter output, TextWriter error)
    {
        var options = new AppOptions();
        var script = ScriptArgument();
        var command = AppCommand.Create("activate", "Compile a pipeline script, print every diagnostic, and activate the applications it defines (nothing is activated when it has errors).", options, script);
        AppCommand.SetAction(command, error, async (parse, cancellationToken) =>
        {
            var loaded = await LoadAsync(parse, options, script, output, error, cancellationToken).ConfigureAwait(false);
            if (loaded is null)
            {
                return ExitCodes.Failed;
            }

            var globals = loaded.Context(options.RootOf(parse), [], new ApplicationOptions { StartProcessor = false });
            var applications = await loaded.DefineAsync(globals, error, cancellationToken).ConfigureAwait(false);
            try
            {
                await ActivateAllAsync(loaded, applications, output, options.IsJson(parse), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await DisposeAllAsync(applications).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Run(TextWriter output, TextWriter error)
    {
        var options = new AppOptions();
        var script = ScriptArgument();
        var untilIdle = new Option<bool>("--until-idle") { Description = "Stop when nothing is queued or running (pending groups waiting for inputs do not count); otherwise run until Ctrl+C." };
        var args = new Option<string[]>("--arg") { Description = "An argument for the script (its Args); repeat for more.", DefaultValueFactory = _ => [] };
        var rerun = new Option<bool>("--rerun") { Description = "Play the script's OnRun actions again even though this unchanged script (with the same --arg values) already played them on this store." };
        var command = AppCommand.Create("run", "Activate a pipeline script, run what it starts (its OnRun actions, once per script version) and the processor, and show what was produced: the one-command way to run a pipeline.", options, script, untilIdle, args, rerun);
        AppCommand.SetAction(command, error, async (parse, cancellationToken) =>
        {
            var watch = Stopwatch.StartNew();
            var loaded = await LoadAsync(parse, options, script, output, error, cancellationToken).ConfigureAwait(false);
            if (loaded is null)
            {
                return ExitCodes.Failed;
            }

            var json = options.IsJson(parse);
            var globals = loaded.Context(options.RootOf(parse), parse.GetValue(args) ?? [], null);
            var applications = await loaded.DefineAsync(globals, error, cancellationToken).ConfigureAwait(false);
            try
            {
                await ActivateAllAsync(loaded, applications, output, json, cancellationToken).ConfigureAwait(false);
                foreach (var app in applications)
                {
                    if (!app.RunsProcessor)
                    {
                        throw new InvalidOperationException($"Another process runs application '{app.Name}' (it holds {Path.Combine(app.Root, "engine.lock")}); stop it (e.g. `rheo serve`) and run again.");
                    }

                    // OnRun plays events; playing them again would run every partition again (as RheocerOS re-runs a
                    // re-processed event), doubling side effects. So an unchanged script plays them once per store.
                    var key = loaded.RunKey + "|" + string.Join('\u001f', parse.GetValue(args) ?? []);
                    var played = RunRecord.Read(app.Root);
                    if (globals.RunActions.Count > 0 && played is not null && played.Key == key && !parse.GetValue(rerun))
                    {
                        await WriteLineAsync(output, json, new JsonObject { ["application"] = app.Name, ["runActions"] = "skipped", ["playedAt"] = played.At },
                            $"{app.Name}: the OnRun actions of this unchanged script already ran on this store ({played.At}); not played again, so nothing is re-executed. Pass --rerun to play them again.").ConfigureAwait(false);
                        continue;
                    }

                    foreach (var action in globals.RunActions)
                    {
                        await action(app, cancellationToken).ConfigureAwait(false);
                    }

                    if (globals.RunActions.Count > 0)
                    {
                        RunRecord.Write(app.Root, key);
                    }
                }

                if (!parse.GetValue(untilIdle))
                {
                    await WriteLineAsync(output, json, new JsonObject { ["serving"] = new JsonArray([.. applications.Select(a => (JsonNode)a.Name)]) }, "running; press Ctrl+C to stop").ConfigureAwait(false);
                    await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                }

                foreach (var app in applications)
                {
                    await ExecutionDisplay.WhileAsync(output, app, $"running {app.Name}", app.WaitForIdleAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
                }

                var failed = 0;
                foreach (var app in applications)
                {
                    failed += await SummarizeAsync(app, output, json, cancellationToken).ConfigureAwait(false);
                }

                await WriteLineAsync(output, json, new JsonObject { ["failed"] = failed, ["seconds"] = Math.Round(watch.Elapsed.TotalSeconds, 3) },
                    failed == 0 ? $"done in {watch.Elapsed.TotalSeconds:F1} s" : $"done in {watch.Elapsed.TotalSeconds:F1} s with {failed} failed execution(s); see `rheo status` and `rheo logs`").ConfigureAwait(false);
                return failed == 0 ? ExitCodes.Ok : ExitCodes.Failed;
            }
            finally
            {
                await DisposeAllAsync(applications).ConfigureAwait(false);
            }
        });
        return command;
    }

    private static Command Serve(TextWriter output, TextWriter error)
    {
        var options = new AppOptions();
        var command = AppCommand.Create("serve", "Run the application's processor until Ctrl+C: timers fire, queued events are processed, interrupted executions resume.", options);
        AppCommand.SetAction(command, error, async (parse, cancellationToken) =>
        {
            await using var session = await Session.OpenAsync(parse, options, drive: true, cancellationToken).ConfigureAwait(false);
            var app = session.Application;
            if (!app.RunsProcessor)
            {
                throw new InvalidOperationException($"Another process already runs application '{app.Name}' (it holds {Path.Combine(app.Root, "engine.lock")}).");
            }

            await WriteLineAsync(output, options.IsJson(parse), new JsonObject { ["serving"] = app.Name }, $"serving {app.Name} ({app.State}); press Ctrl+C to stop").ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await WriteLineAsync(output, options.IsJson(parse), new JsonObject { ["stopped"] = app.Name }, "stopped").ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Compiles a script (or loads it from the cache) and prints the diagnostics, or loads a pipeline assembly; null when the script has errors.</summary>
    private static async Task<Pipeline?> LoadAsync(ParseResult parse, AppOptions options, Argument<FileInfo> script, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var file = parse.GetValue(script)!;
        if (!file.Exists)
        {
            throw new UsageException($"The pipeline {file.FullName} does not exist.");
        }

        if (file.Extension.Equals(".dll", StringComparison.OrdinalIgnoreCase))
        {
            IReadOnlyList<IPipeline> pipelines;
            try
            {
                pipelines = PipelineAssembly.Load(file.FullName);
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }

            await WriteLineAsync(output, options.IsJson(parse), new JsonObject { ["assembly"] = file.FullName, ["pipelines"] = new JsonArray([.. pipelines.Select(p => (JsonNode)p.GetType().FullName!)]) },
                $"loaded {file.Name}: {string.Join(", ", pipelines.Select(p => p.GetType().Name))}").ConfigureAwait(false);
            return new AssemblyPipeline(file.FullName, pipelines);
        }

        var loaded = await PipelineScript.LoadAsync(file.FullName, PipelineScript.CacheDirectoryOf(options.RootOf(parse)), cancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in loaded.Diagnostics)
        {
            await error.WriteLineAsync(diagnostic.ToString()).ConfigureAwait(false);
        }

        var json = options.IsJson(parse);
        if (!loaded.Succeeded)
        {
            var count = loaded.Diagnostics.Count(d => d.IsError);
            await error.WriteLineAsync($"error: {file.Name} has {count} compile error(s); nothing was activated.").ConfigureAwait(false);
            if (json)
            {
                await AppCommand.WriteJsonAsync(output, new JsonObject
                {
                    ["script"] = loaded.Path,
                    ["compiled"] = false,
                    ["diagnostics"] = new JsonArray([.. loaded.Diagnostics.Select(d => (JsonNode)new JsonObject
                    {
                        ["severity"] = d.Severity,
                        ["code"] = d.Code,
                        ["path"] = d.Path,
                        ["line"] = d.Line,
                        ["column"] = d.Column,
                        ["message"] = d.Message,
                    })]),
                }).ConfigureAwait(false);
            }

            return null;
        }

        await WriteLineAsync(output, json, new JsonObject { ["script"] = loaded.Path, ["compiled"] = true, ["cached"] = loaded.FromCache, ["ms"] = Math.Round(loaded.LoadTime.TotalMilliseconds, 1) },
            $"{(loaded.FromCache ? "loaded" : "compiled")} {file.Name} in {loaded.LoadTime.TotalMilliseconds:F0} ms{(loaded.FromCache ? " (cached)" : string.Empty)}").ConfigureAwait(false);
        return new ScriptPipeline(loaded);
    }

    private static async Task ActivateAllAsync(Pipeline pipeline, IReadOnlyList<Application> applications, TextWriter output, bool json, CancellationToken cancellationToken)
    {
        foreach (var app in applications)
        {
            await app.ActivateAsync(cancellationToken).ConfigureAwait(false);
            pipeline.RecordFor(app);
            await WriteLineAsync(output, json, new JsonObject { ["activated"] = app.Name, ["nodes"] = app.ActiveNodes.Count, ["root"] = app.Root },
                $"activated {app.Name}: {app.ActiveNodes.Count} nodes ({string.Join(", ", app.ActiveNodes.Select(n => n.Id))})").ConfigureAwait(false);
        }
    }

    /// <summary>Prints partitions per node and the data of the leaf nodes' outputs; returns the number of partitions whose latest execution failed.</summary>
    private static async Task<int> SummarizeAsync(Application app, TextWriter output, bool json, CancellationToken cancellationToken)
    {
        var dataNodes = app.ActiveNodes.OfType<DataNode>().ToList();
        var upstream = dataNodes.SelectMany(d => d.Inputs.Select(i => i.NodeId)).ToHashSet(StringComparer.Ordinal);
        var failed = 0;
        var nodes = new JsonArray();
        foreach (var node in dataNodes)
        {
            // The counts of `rheo status`: each partition once, by its latest execution.
            var status = await app.GetNodeStatusAsync(node.Id, cancellationToken).ConfigureAwait(false);
            var nodeFailed = status.Failed.Count;
            failed += nodeFailed;
            var outputs = new JsonArray();
            if (!json)
            {
                await output.WriteLineAsync($"{node.Id,-16} {status.Succeeded} succeeded, {nodeFailed} failed, {status.PendingGroups} pending group(s){(status.Lost.Count > 0 ? $", {status.Lost.Count} lost" : string.Empty)}").ConfigureAwait(false);
            }

            if (upstream.Contains(node.Id))
            {
                nodes.Add(new JsonObject { ["node"] = node.Id, ["succeeded"] = status.Succeeded, ["failed"] = nodeFailed, ["pendingGroups"] = status.PendingGroups });
                continue;
            }

            var lost = status.Lost.Select(e => e.Id).ToHashSet();
            var executions = await app.GetExecutionsAsync(node.Id, limit: int.MaxValue, cancellationToken: cancellationToken).ConfigureAwait(false);
            var succeeded = executions.DistinctBy(e => e.OutputKey).Where(e => e.Status == ExecutionStatus.Succeeded && !lost.Contains(e.Id)).OrderBy(e => e.OutputKey, StringComparer.Ordinal).ToList();
            foreach (var execution in succeeded)
            {
                var signal = execution.Output.Aggregate(node.Signal, (s, v) => s[v]);
                var lines = await app.LoadDataAsync(signal, 20, cancellationToken).ConfigureAwait(false);
                outputs.Add(new JsonObject { ["partition"] = execution.OutputKey, ["lines"] = new JsonArray([.. lines.Select(l => (JsonNode)l)]) });
                if (!json)
                {
                    await output.WriteLineAsync($"  {node.Id}[{string.Join(", ", execution.Output)}]:").ConfigureAwait(false);
                    foreach (var line in lines)
                    {
                        await output.WriteLineAsync("    " + line).ConfigureAwait(false);
                    }
                }
            }

            nodes.Add(new JsonObject { ["node"] = node.Id, ["succeeded"] = status.Succeeded, ["failed"] = nodeFailed, ["pendingGroups"] = status.PendingGroups, ["outputs"] = outputs });
        }

        if (json)
        {
            await AppCommand.WriteJsonAsync(output, new JsonObject { ["application"] = app.Name, ["root"] = app.Root, ["nodes"] = nodes }).ConfigureAwait(false);
        }
        else
        {
            await output.WriteLineAsync($"outputs are under {Path.Combine(app.Root, "data")}").ConfigureAwait(false);
        }

        return failed;
    }

    private static Task WriteLineAsync(TextWriter output, bool json, JsonObject data, string text) => json ? AppCommand.WriteJsonAsync(output, data) : output.WriteLineAsync(text);

    private static async Task DisposeAllAsync(IReadOnlyList<Application> applications)
    {
        foreach (var app in applications)
        {
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>What <c>rheo run</c> played on a store: the pipeline version and arguments whose OnRun actions ran, and when.</summary>
internal sealed record RunRecord(string Key, string At)
{
    private const string FileName = "run.json";

    public static RunRecord? Read(string applicationRoot)
    {
        var path = Path.Combine(applicationRoot, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) is JsonObject o && o["key"]?.GetValue<string>() is { } key ? new RunRecord(key, o["at"]?.GetValue<string>() ?? "?") : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    public static void Write(string applicationRoot, string key)
    {
        Directory.CreateDirectory(applicationRoot);
        var at = DateTimeOffset.UtcNow.ToString("u", System.Globalization.CultureInfo.InvariantCulture);
        File.WriteAllText(Path.Combine(applicationRoot, FileName), new JsonObject { ["key"] = key, ["at"] = at }.ToJsonString());
    }
}

/// <summary>A loaded pipeline definition: a compiled script or an assembly of <see cref="IPipeline"/> classes.</summary>
internal abstract class Pipeline
{
    /// <summary>Identifies this version of the pipeline (the script's content hash, or the assembly's).</summary>
    public abstract string RunKey { get; }

    public abstract PipelineContext Context(string root, IReadOnlyList<string> args, ApplicationOptions? options);

    /// <summary>Runs the definition; the applications it created, not yet activated.</summary>
    public abstract Task<IReadOnlyList<Application>> DefineAsync(PipelineContext context, TextWriter error, CancellationToken cancellationToken);

    /// <summary>Records beside the application what defined it, so later commands load the same types.</summary>
    public abstract void RecordFor(Application application);
}

internal sealed class ScriptPipeline(PipelineScript script) : Pipeline
{
    public override string RunKey => script.Hash;

    public override PipelineContext Context(string root, IReadOnlyList<string> args, ApplicationOptions? options) => new PipelineGlobals(root, script.Path, args, options);

    public override async Task<IReadOnlyList<Application>> DefineAsync(PipelineContext context, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            return await script.RunAsync((PipelineGlobals)context, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException && new StackTrace(e, fNeedFileInfo: true).GetFrames().FirstOrDefault(f => f.GetFileName() == script.Path) is { } frame)
        {
            // Name the script line that threw; the message follows from the caller.
            await error.WriteLineAsync($"{script.Path}:{frame.GetFileLineNumber()}:{frame.GetFileColumnNumber()}: the script threw {e.GetType().Name}; nothing was activated.").ConfigureAwait(false);
            throw;
        }
    }

    public override void RecordFor(Application application) => script.RecordFor(application);
}

internal sealed class AssemblyPipeline(string path, IReadOnlyList<IPipeline> pipelines) : Pipeline
{
    public override string RunKey => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));

    public override PipelineContext Context(string root, IReadOnlyList<string> args, ApplicationOptions? options) => new(root, args, options);

    public override async Task<IReadOnlyList<Application>> DefineAsync(PipelineContext context, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var pipeline in pipelines)
            {
                cancellationToken.ThrowIfCancellationRequested();
                pipeline.Define(context);
            }
        }
        catch
        {
            foreach (var application in context.Applications)
            {
                await application.DisposeAsync().ConfigureAwait(false);
            }

            await error.WriteLineAsync($"{path}: a pipeline's Define threw; nothing was activated.").ConfigureAwait(false);
            throw;
        }

        return context.Applications.Count > 0
            ? context.Applications
            : throw new UsageException($"The pipelines of {path} created no application; call pipeline.CreateApplication(\"name\") in Define.");
    }

    public override void RecordFor(Application application) => PipelineAssembly.RecordFor(application, path);
}
