using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Rheo.Runtime.Compute;
using Rheo.Runtime.Data;
using Rheo.Runtime.Diagnostics;
using Rheo.Runtime.Hooks;
using Rheo.Runtime.Jobs;
using Rheo.Runtime.States;
using Rheo.Runtime.Storage;

namespace Rheo.Runtime.Engine;

internal sealed partial class Processor
{
    private void Dispatch(RunningExecution run)
    {
        Interlocked.Increment(ref _running);
        _ = Task.Run(() => RunExecutionAsync(run), CancellationToken.None);
    }

    // Posts from a worker; after shutdown nothing is committed and the execution runs again on restart.
    private void Report(RunningExecution run, EngineCommand command)
    {
        if (!run.Shutdown)
        {
            _commands.Writer.TryWrite(command);
        }
    }

    private async Task RunExecutionAsync(RunningExecution run)
    {
        var token = run.Cancel.Token;
        var slot = false;
        DateTimeOffset? startedAt = null;
        using var checkpoints = new CancellationTokenSource();
        try
        {
            await _slots.WaitAsync(token).ConfigureAwait(false);
            slot = true;
            using var activity = RheoTelemetry.Source.StartActivity("rheo.execution");
            activity?.SetTag("rheo.application", _app);
            activity?.SetTag("rheo.route", run.Route.Id);
            activity?.SetTag("rheo.output", run.Record.OutputKey);
            activity?.SetTag("rheo.execution_id", run.Record.Id);
            startedAt = _time.GetUtcNow();
            if (!run.Shutdown)
            {
                _lazy.Enqueue(new ExecutionStartedCommand(run.Record.Id, startedAt.Value));
            }

            foreach (var checkpoint in run.Route.Node.ExecutionHook?.Checkpoints ?? [])
            {
                _ = CheckpointAsync(run, checkpoint, checkpoints.Token);
            }

            var outputPath = _data.PartitionPath(run.Route.Id, run.Record.Output);
            LocalDataStorage.Prepare(outputPath);
            var inputs = BuildInputs(run);
            var output = new ComputeOutput(run.Route.Id, outputPath, run.Dimensions);
            var targets = run.Route.Node.ComputeTargets;
            ComputeDoneCommand? last = null;
            for (var i = 0; i < targets.Count; i++)
            {
                var (error, success) = await RunTargetWithRetriesAsync(run, i, targets[i], inputs, output, deferSuccess: i == targets.Count - 1, token).ConfigureAwait(false);
                if (error is not null)
                {
                    activity?.SetStatus(ActivityStatusCode.Error, error);
                    Report(run, new ExecutionDoneCommand(run.Record.Id, ExecutionStatus.Failed, _time.GetUtcNow(), error) { StartedAt = startedAt });
                    return;
                }

                last = success;
            }

            LocalDataStorage.MarkComplete(outputPath);
            Report(run, new ExecutionDoneCommand(run.Record.Id, ExecutionStatus.Succeeded, _time.GetUtcNow(), null) { LastCompute = last, StartedAt = startedAt });
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            Report(run, new ExecutionDoneCommand(run.Record.Id, ExecutionStatus.Killed, _time.GetUtcNow(), "killed") { StartedAt = startedAt });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            Report(run, new ExecutionDoneCommand(run.Record.Id, ExecutionStatus.Failed, _time.GetUtcNow(), e.Message) { StartedAt = startedAt });
        }
        finally
        {
            await checkpoints.CancelAsync().ConfigureAwait(false);
            if (slot)
            {
                _slots.Release();
            }

            Interlocked.Decrement(ref _running);
        }
    }

    // Returns the error that failed the execution, or on success the success record when deferSuccess (the caller
    // reports it with the execution's end). Kill surfaces as OperationCanceledException.
    private async Task<(string? Error, ComputeDoneCommand? Success)> RunTargetWithRetriesAsync(RunningExecution run, int index, ComputeTarget target, IReadOnlyList<ComputeInput> inputs, ComputeOutput output, bool deferSuccess, CancellationToken token)
    {
        var failures = 0;
        for (var attempt = 1; ; attempt++)
        {
            var started = _time.GetUtcNow();
            string? logPath = null;
            try
            {
                var context = new ComputeContext(_app, run.Record.Id, attempt, inputs, output, Params(run)) { StateData = StateData };
                logPath = await RunTargetAsync(target, context, index, token).ConfigureAwait(false);
                var success = new ComputeDoneCommand(new ComputeRecord(run.Record.Id, index, attempt, target.Describe(), ComputeStatus.Succeeded, started, _time.GetUtcNow(), null, logPath), HookType.ComputeSuccess);
                if (deferSuccess)
                {
                    return (null, success);
                }

                Report(run, success);
                return (null, null);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                Report(run, new ComputeDoneCommand(new ComputeRecord(run.Record.Id, index, attempt, target.Describe(), ComputeStatus.Killed, started, _time.GetUtcNow(), "killed", logPath), HookType.ComputeFailure));
                throw;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                var transient = e is RetryableComputeException;
                failures += transient ? 0 : 1;
                var retry = transient || failures <= target.RetryCount;
                var message = e is ComputeTargetFailedException ? e.Message : $"{e.GetType().Name}: {e.Message}";
                logPath ??= (e as ComputeTargetFailedException)?.LogPath;
                Log.ComputeFailed(_logger, _app, run.Record.Id, run.Route.Id, index, attempt, message);
                Report(run, new ComputeDoneCommand(
                    new ComputeRecord(run.Record.Id, index, attempt, target.Describe(), transient ? ComputeStatus.TransientFailure : ComputeStatus.Failed, started, _time.GetUtcNow(), message, logPath),
                    retry ? HookType.ComputeRetry : HookType.ComputeFailure));
                if (!retry)
                {
                    return ($"compute target {index} ({target.Describe()}) failed after {attempt} attempt(s): {message}", null);
                }

                var backoff = TimeSpan.FromTicks(Math.Min(_options.MaxRetryBackoff.Ticks, _options.RetryBackoff.Ticks * (1L << Math.Min(attempt - 1, 20))));
                await Task.Delay(backoff, _time, token).ConfigureAwait(false);
            }
        }
    }

    private StateDataStore StateData => field ??= new StateDataStore(_store);

    private Dictionary<string, object?> Params(RunningExecution run)
    {
        var parameters = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["dimensions"] = run.Dimensions,
            ["runtime_platform"] = "local",
            ["application"] = _app,
            ["execution_id"] = run.Record.Id,
        };
        foreach (var (key, value) in run.Route.Node.Metadata)
        {
            parameters.TryAdd(key, value);
        }

        return parameters;
    }

    private List<ComputeInput> BuildInputs(RunningExecution run) =>
        [.. run.Inputs.OrderBy(i => i.Input.Index).Select(i =>
        {
            var spec = i.Input.Spec;
            var rendered = i.Partitions.Select(p => (IReadOnlyList<string>)spec.Render(p)).ToList();
            var paths = rendered.Select((values, k) => PathOf(i.Input.NodeId, i.Partitions[k], values)).ToList();
            return new ComputeInput(i.Input.Name, i.Input.NodeId, rendered, paths, i.Input.IsReference);
        })];

    public string PathOf(string nodeId, Core.Dimensions.Partition partition, IReadOnlyList<string> values) => Availability.PathOf(nodeId, partition, values);

    // Returns the captured-output path of a process target.
    private async Task<string?> RunTargetAsync(ComputeTarget target, ComputeContext context, int index, CancellationToken token)
    {
        switch (target)
        {
            case NoOpComputeTarget:
                return null;
            case InlinedComputeTarget inlined:
                var compute = TypeNames.Create<IInlinedCompute>(inlined.TypeName, "compute");
                await compute.ComputeAsync(context, token).ConfigureAwait(false);
                return null;
            case CSharpComputeTarget csharp:
                await CSharpCompute.Get(csharp.Code)(context, token).ConfigureAwait(false);
                return null;
            case ProcessComputeTarget process:
                var prefix = LogPrefix(context, index);
                await ProcessTarget.RunAsync(process, context, prefix, token).ConfigureAwait(false);
                return prefix;
            case StateMachineComputeTarget machine:
                var machineLog = LogPrefix(context, index) + ".json";
                await StateMachineTarget.RunAsync(machine, context, machineLog, _time, token).ConfigureAwait(false);
                return machineLog;
            case JobMapComputeTarget job:
                var jobLog = LogPrefix(context, index) + ".json";
                await JobMapTarget.RunAsync(job, context, jobLog, _time, _logger, token).ConfigureAwait(false);
                return jobLog;
            case StepFlows.FlowActionTarget action:
                await StepFlows.FlowActionRunner.RunAsync(action, context, Path.GetDirectoryName(_logRoot)!, token).ConfigureAwait(false);
                return null;
            default:
                throw new InvalidOperationException($"Unknown compute target {target.GetType().Name}.");
        }
    }

    private string LogPrefix(ComputeContext context, int index) =>
        Path.Combine(_logRoot, context.ExecutionId.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{index}-{context.Attempt}");

    private async Task CheckpointAsync(RunningExecution run, HookCheckpoint checkpoint, CancellationToken token)
    {
        try
        {
            await Task.Delay(checkpoint.After, _time, token).ConfigureAwait(false);
            Report(run, new ExecutionCheckpointCommand(run.Record.Id, checkpoint, _time.GetUtcNow()));
        }
        catch (OperationCanceledException)
        {
        }
    }
}

/// <summary>Runs a process compute target: placeholders and environment, captured stdout and stderr, exit code decides.</summary>
internal static class ProcessTarget
{
    public static async Task RunAsync(ProcessComputeTarget target, ComputeContext context, string logPrefix, CancellationToken token)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(logPrefix)!);
        var info = new ProcessStartInfo(target.FileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in target.Arguments)
        {
            info.ArgumentList.Add(Substitute(argument, context));
        }

        var env = info.Environment;
        env["RHEO_APPLICATION"] = context.Application;
        env["RHEO_NODE"] = context.Output.NodeId;
        env["RHEO_EXECUTION_ID"] = context.ExecutionId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["RHEO_ATTEMPT"] = context.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["RHEO_OUTPUT_PATH"] = context.Output.Path;
        foreach (var (name, value) in context.Dimensions)
        {
            env["RHEO_DIM_" + EnvName(name)] = value;
        }

        foreach (var input in context.Inputs)
        {
            env[$"RHEO_INPUT_{EnvName(input.Name)}_PATH"] = input.Path;
            env[$"RHEO_INPUT_{EnvName(input.Name)}_PATHS"] = string.Join(Path.PathSeparator, input.Paths);
        }

        env["RHEO_INPUTS"] = JsonSerializer.Serialize(context.Inputs.ToDictionary(i => i.Name, i => i.Paths));
        foreach (var (name, value) in target.Environment)
        {
            env[name] = value;
        }

        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new ComputeTargetFailedException($"the program '{target.FileName}' could not be started: {e.Message}", logPrefix);
        }

        var stdout = CopyAsync(process.StandardOutput, logPrefix + ".stdout");
        var stderr = CopyAsync(process.StandardError, logPrefix + ".stderr");
        var exited = await ChildProcesses.WaitOrKillAsync(process, target.Timeout, token).ConfigureAwait(false);
        await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
        if (!exited)
        {
            throw new ComputeTargetFailedException($"the process '{target.FileName}' ran longer than its timeout of {target.Timeout} and was killed", logPrefix);
        }

        if (process.ExitCode != 0)
        {
            var tail = await File.ReadAllLinesAsync(logPrefix + ".stderr", CancellationToken.None).ConfigureAwait(false);
            throw new ComputeTargetFailedException($"the process '{target.FileName}' exited with code {process.ExitCode}{(tail.Length > 0 ? ": " + string.Join(" | ", tail.TakeLast(3)) : string.Empty)}", logPrefix);
        }
    }

    private static async Task CopyAsync(StreamReader reader, string path)
    {
        var file = new StreamWriter(path, append: false, Encoding.UTF8);
        await using (file.ConfigureAwait(false))
        {
            await file.WriteAsync(await reader.ReadToEndAsync(CancellationToken.None).ConfigureAwait(false)).ConfigureAwait(false);
        }
    }

    private static string Substitute(string argument, ComputeContext context)
    {
        var text = argument.Replace("{output}", context.Output.Path, StringComparison.Ordinal);
        foreach (var input in context.Inputs)
        {
            text = text.Replace($"{{input:{input.Name}}}", input.Path, StringComparison.Ordinal)
                .Replace($"{{inputs:{input.Name}}}", string.Join(',', input.Paths), StringComparison.Ordinal);
        }

        foreach (var (name, value) in context.Dimensions)
        {
            text = text.Replace($"{{dim:{name}}}", value, StringComparison.Ordinal);
        }

        return text;
    }

    private static string EnvName(string name) => new([.. name.ToUpperInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')]);
}
