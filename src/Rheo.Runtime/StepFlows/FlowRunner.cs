using System.Diagnostics;
using Rheo.Runtime.Engine;
using Rheo.Runtime.Storage;

namespace Rheo.Runtime.StepFlows;

/// <summary>
/// Runs the four modes of a flow node for a period on the engine: works out which steps to run, resets them (one
/// engine command), and runs each as an execution of its node on a bounded set of clusters as soon as its
/// predecessors succeeded. The executions carry the mode as their trigger, so they do not propagate: this runner
/// alone decides what runs next.
/// </summary>
internal sealed class FlowRunner(string application, string applicationRoot, IRheoStore store, ActiveTopology topology, Processor? processor)
{
    public async Task<FlowStatus> StatusAsync(string flow, string[] period, CancellationToken cancellationToken)
    {
        var graph = FlowGraph.Of(topology, flow);
        var key = string.Join('/', period);
        var views = await ViewsAsync(graph, key, cancellationToken).ConfigureAwait(false);
        var steps = new List<FlowStepStatus>(graph.Steps.Count);
        foreach (var step in graph.Steps)
        {
            var latest = views[step].Latest;
            var records = latest is null ? [] : await store.GetComputeRecordsAsync(application, latest.Id, cancellationToken).ConfigureAwait(false);
            var actions = topology.Data(step).ComputeTargets.Select((t, i) =>
            {
                var attempts = records.Where(r => r.TargetIndex == i).ToList();
                return new FlowActionStatus(i, t.Describe(), attempts.LastOrDefault()?.Status, attempts.Count, attempts.LastOrDefault()?.Error);
            }).ToList();
            steps.Add(new FlowStepStatus(step, graph.Predecessors[step], latest, actions));
        }

        return new FlowStatus(flow, key, State(graph, views), steps);
    }

    public async Task<FlowRunResult> RunAsync(string flow, string[] period, FlowRunMode mode, string? step, FlowRunOptions options, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var graph = FlowGraph.Of(topology, flow);
        var key = string.Join('/', period);
        var trigger = Trigger(mode);
        var views = await ViewsAsync(graph, key, cancellationToken).ConfigureAwait(false);
        var toRun = Plan(graph, views, mode, step, key);
        var clusters = mode == FlowRunMode.RunOne ? 1 : Math.Max(1, toRun.Count * options.NominalClusters / graph.Steps.Count);
        var flowLog = Log(flow, flow, key);
        flowLog.Write(flow, FlowLogLevel.Info, $"{trigger}: {toRun.Count} of {graph.Steps.Count} step(s) to run on {clusters} cluster(s): {string.Join(", ", toRun)}");

        await processor!.ResetAsync([.. toRun.Select(s => (s, topology.Routes[s].OutputSpec.Parse([.. period.Cast<object?>()])))], trigger, cancellationToken).ConfigureAwait(false);
        foreach (var s in toRun)
        {
            Log(flow, s, key).WriteStep(FlowLogLevel.Info, $"reset by {trigger}");
            options.Progress?.Report(new FlowEvent(FlowEventKind.StepReset, s, null, null, 0, toRun.Count));
        }

        var results = await ScheduleAsync(graph, views, toRun, clusters, period, mode, options, cancellationToken).ConfigureAwait(false);
        var state = State(graph, await ViewsAsync(graph, key, cancellationToken).ConfigureAwait(false));
        var elapsed = Stopwatch.GetElapsedTime(started);
        var counts = string.Join(", ", results.GroupBy(r => r.Outcome).Select(g => $"{g.Count()} {Word(g.Key)}"));
        flowLog.Write(flow, state == FlowState.Failed || results.Any(r => r.Outcome != StepOutcome.Succeeded) ? FlowLogLevel.Error : FlowLogLevel.Info,
            $"{trigger} finished in {elapsed.TotalMilliseconds:0} ms: {counts}; the flow is {state.ToString().ToLowerInvariant()}");
        return new FlowRunResult(flow, key, mode, graph.Steps.Count, results, clusters, state, elapsed);
    }

    private static string Trigger(FlowRunMode mode) => mode switch
    {
        FlowRunMode.Run => GraphTriggers.Run,
        FlowRunMode.Recover => GraphTriggers.Recover,
        FlowRunMode.RunOne => GraphTriggers.RunOne,
        _ => GraphTriggers.RunFrom,
    };

    private static string Word(StepOutcome outcome) => outcome switch
    {
        StepOutcome.NotRun => "not run",
        _ => outcome.ToString().ToLowerInvariant(),
    };

    private static List<string> Plan(FlowGraph graph, Dictionary<string, StepView> views, FlowRunMode mode, string? step, string key)
    {
        if (mode is FlowRunMode.Run)
        {
            return [.. graph.Steps];
        }

        if (mode is FlowRunMode.Recover)
        {
            var state = State(graph, views);
            if (state is not (FlowState.Failed or FlowState.Incomplete))
            {
                throw new InvalidOperationException($"recover refuses: flow '{graph.Flow}' has not failed for [{key}], it is {state.ToString().ToLowerInvariant()}; recover continues a failed run (use run to run the flow again).");
            }

            return [.. graph.Steps.Where(s => views[s].LatestManaged?.Status != ExecutionStatus.Succeeded)];
        }

        var name = mode == FlowRunMode.RunOne ? "run_one" : "run_from";
        if (step is null || !graph.Predecessors.ContainsKey(step))
        {
            throw new ArgumentException($"{name} needs a step of flow '{graph.Flow}'{(step is null ? string.Empty : $"; '{step}' is not one")}; its steps are: {string.Join(", ", graph.Steps)}.", nameof(step));
        }

        var incomplete = graph.Predecessors[step].Where(p => views[p].Latest?.Status != ExecutionStatus.Succeeded).ToList();
        if (incomplete.Count > 0)
        {
            throw new InvalidOperationException($"{name} refuses: step '{step}' of flow '{graph.Flow}' needs its predecessors completed for [{key}], and these are not: "
                + string.Join(", ", incomplete.Select(p => $"{p} ({views[p].Latest?.Status.ToString().ToLowerInvariant() ?? "never run"})")) + ".");
        }

        return mode == FlowRunMode.RunOne ? [step] : [.. graph.Downstream(step)];
    }

    private async Task<List<FlowStepResult>> ScheduleAsync(FlowGraph graph, Dictionary<string, StepView> views, List<string> toRun, int count, string[] period, FlowRunMode mode, FlowRunOptions options, CancellationToken cancellationToken)
    {
        var key = string.Join('/', period);
        var pending = new List<string>(toRun);
        var succeeded = new HashSet<string>(StringComparer.Ordinal);
        var results = new Dictionary<string, FlowStepResult>(StringComparer.Ordinal);
        var clusters = new List<IExecutionCluster>();
        var running = new Dictionary<Task<(ExecutionRecord? Record, Exception? Error)>, (string Step, IExecutionCluster Cluster)>();
        try
        {
            for (var i = 1; i <= count; i++)
            {
                clusters.Add(await options.Clusters.SpawnAsync(graph.Flow, i, cancellationToken).ConfigureAwait(false));
            }

            var idle = new Queue<IExecutionCluster>(clusters);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                foreach (var step in pending.Where(s => graph.Predecessors[s].All(p => toRun.Contains(p) ? succeeded.Contains(p) : views[p].Latest?.Status == ExecutionStatus.Succeeded)).ToList())
                {
                    if (!idle.TryDequeue(out var cluster))
                    {
                        break;
                    }

                    pending.Remove(step);
                    Log(graph.Flow, step, key).WriteStep(FlowLogLevel.Info, $"started on cluster {cluster.Name}");
                    options.Progress?.Report(new FlowEvent(FlowEventKind.StepStarted, step, cluster.Name, null, results.Count, toRun.Count));
                    var run = new FlowStepRun(graph.Flow, step, key, mode, ct => ExecuteStepAsync(step, period, Trigger(mode), ct));
                    running[Capture(cluster.RunStepAsync(run, cancellationToken))] = (step, cluster);
                }

                if (running.Count == 0)
                {
                    break;
                }

                var done = await Task.WhenAny(running.Keys).ConfigureAwait(false);
                var (finished, on) = running[done];
                running.Remove(done);
                idle.Enqueue(on);
                var (record, error) = await done.ConfigureAwait(false);
                if (error is OperationCanceledException && cancellationToken.IsCancellationRequested)
                {
                    throw error;
                }

                var result = await EndedAsync(graph.Flow, finished, key, record, error, cancellationToken).ConfigureAwait(false);
                results[finished] = result;
                if (result.Outcome == StepOutcome.Succeeded)
                {
                    succeeded.Add(finished);
                }

                options.Progress?.Report(new FlowEvent(result.Outcome == StepOutcome.Succeeded ? FlowEventKind.StepSucceeded : FlowEventKind.StepFailed, finished, on.Name, result.Error, results.Count, toRun.Count));
            }

            foreach (var step in pending)
            {
                var missing = graph.Predecessors[step].Where(p => toRun.Contains(p) ? !succeeded.Contains(p) : views[p].Latest?.Status != ExecutionStatus.Succeeded).ToList();
                var why = $"predecessor(s) {string.Join(", ", missing)} did not complete";
                Log(graph.Flow, step, key).WriteStep(FlowLogLevel.Warn, "not run: " + why);
                results[step] = new FlowStepResult(step, StepOutcome.NotRun, null, why);
                options.Progress?.Report(new FlowEvent(FlowEventKind.StepNotRun, step, null, why, results.Count, toRun.Count));
            }

            return [.. toRun.Select(s => results[s])];
        }
        finally
        {
            // Cancelling stops waiting; executions already started go on in the engine, as with ExecuteAsync.
            foreach (var cluster in clusters)
            {
                await cluster.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<(ExecutionRecord? Record, Exception? Error)> Capture(Task<ExecutionRecord> run)
    {
        try
        {
            return (await run.ConfigureAwait(false), null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return (null, e);
        }
    }

    private async Task<ExecutionRecord> ExecuteStepAsync(string step, string[] period, string trigger, CancellationToken cancellationToken)
    {
        var route = topology.Routes[step];
        var output = route.OutputSpec.Parse([.. period.Cast<object?>()]);
        var resolution = route.ResolveInputs(output);
        if (!resolution.Succeeded)
        {
            throw new InvalidOperationException($"Step '{step}' cannot be executed for [{string.Join('/', period)}]: {string.Join(" ", resolution.Problems)}");
        }

        var id = await processor!.ExecuteAsync(step, output, resolution.Inputs, cancellationToken, trigger).ConfigureAwait(false);
        return await processor.WaitForExecutionAsync(id, step, string.Join('/', period), cancellationToken).ConfigureAwait(false);
    }

    private async Task<FlowStepResult> EndedAsync(string flow, string step, string key, ExecutionRecord? record, Exception? error, CancellationToken cancellationToken)
    {
        var log = Log(flow, step, key);
        if (record is null)
        {
            log.WriteStep(FlowLogLevel.Error, "failed: " + error!.Message);
            return new FlowStepResult(step, StepOutcome.Failed, null, error.Message);
        }

        var took = record.StartedAt is { } s && record.EndedAt is { } e ? $" in {(e - s).TotalMilliseconds:0} ms" : string.Empty;
        switch (record.Status)
        {
            case ExecutionStatus.Succeeded:
                log.WriteStep(FlowLogLevel.Info, $"succeeded{took} (execution {record.Id})");
                return new FlowStepResult(step, StepOutcome.Succeeded, record.Id, null);
            case ExecutionStatus.Killed:
                log.WriteStep(FlowLogLevel.Error, $"killed (execution {record.Id})");
                return new FlowStepResult(step, StepOutcome.Killed, record.Id, record.Error);
            default:
                var why = await DescribeFailureAsync(step, record, cancellationToken).ConfigureAwait(false);
                log.WriteStep(FlowLogLevel.Error, $"failed{took} (execution {record.Id}): {why}");
                return new FlowStepResult(step, StepOutcome.Failed, record.Id, why);
        }
    }

    // "failed in pre action 'check': <error>; skipped: main load, post notify" — the seed's step semantics, read back from the compute records.
    private async Task<string> DescribeFailureAsync(string step, ExecutionRecord record, CancellationToken cancellationToken)
    {
        var records = await store.GetComputeRecordsAsync(application, record.Id, cancellationToken).ConfigureAwait(false);
        var failed = records.LastOrDefault(r => r.Status != ComputeStatus.Succeeded);
        var targets = topology.Data(step).ComputeTargets;
        if (failed is null || failed.TargetIndex >= targets.Count || targets[failed.TargetIndex] is not FlowActionTarget action)
        {
            return record.Error ?? "failed";
        }

        var skipped = targets.Skip(failed.TargetIndex + 1).OfType<FlowActionTarget>().Select(t => $"{t.Phase.ToString().ToLowerInvariant()} {t.Action.Name}").ToList();
        return $"failed in {action.Phase.ToString().ToLowerInvariant()} action '{action.Action.Name}' after {failed.Attempt} attempt(s): {failed.Error}"
            + (skipped.Count > 0 ? $"; skipped: {string.Join(", ", skipped)}" : string.Empty);
    }

    private async Task<Dictionary<string, StepView>> ViewsAsync(FlowGraph graph, string key, CancellationToken cancellationToken)
    {
        var views = new Dictionary<string, StepView>(StringComparer.Ordinal);
        foreach (var step in graph.Steps)
        {
            var executions = await store.GetExecutionsAsync(application, new ExecutionQuery(step, key), cancellationToken).ConfigureAwait(false);
            views[step] = new StepView(executions.Count > 0 ? executions[0] : null, executions.FirstOrDefault(e => !GraphTriggers.IsFreerun(e.Trigger)));
        }

        return views;
    }

    // The flow's state counts managed and event-driven executions only: freerun ones are invisible to it, as in the seed.
    private static FlowState State(FlowGraph graph, Dictionary<string, StepView> views)
    {
        var managed = graph.Steps.Select(s => views[s].LatestManaged).ToList();
        if (managed.Any(e => e?.IsActive == true))
        {
            return FlowState.Running;
        }

        if (managed.All(e => e?.Status == ExecutionStatus.Succeeded))
        {
            return FlowState.Succeeded;
        }

        if (managed.Any(e => e?.Status is ExecutionStatus.Failed or ExecutionStatus.Killed))
        {
            return FlowState.Failed;
        }

        return managed.All(e => e is null) ? FlowState.NotRun : FlowState.Incomplete;
    }

    private FlowLogWriter Log(string flow, string step, string key) =>
        new(FlowLogs.DirectoryOf(applicationRoot, FlowMetadata.Settings(topology.Data(flow).Metadata)), flow, step, key);

    private sealed record StepView(ExecutionRecord? Latest, ExecutionRecord? LatestManaged);
}
