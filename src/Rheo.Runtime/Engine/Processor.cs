using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Rheo.Core.Dimensions;
using Rheo.Core.Routing;
using Rheo.Runtime.Data;
using Rheo.Runtime.Diagnostics;
using Rheo.Runtime.Hooks;
using Rheo.Runtime.Nodes;
using Rheo.Runtime.Storage;

namespace Rheo.Runtime.Engine;

/// <summary>
/// The processing unit of one application in this process: a single loop owns the route states, routes queued
/// events and finished executions, and commits each step's effects in one store batch before anything acts on them;
/// workers run executions with bounded concurrency and report back through the loop.
/// </summary>
/// <remarks>
/// Downstream propagation does not go through the queue table: a finished execution is routed in the same step that
/// commits its success, so an upstream success and the downstream start are one commit apart (no polling).
/// A failed commit stops the processor (the in-memory state may be ahead of the store); the next start recovers
/// from the store, which is the same path as a crash.
/// </remarks>
internal sealed partial class Processor : IAsyncDisposable
{
    private const int QueueBatch = 4096;
    private static readonly TimeSpan QueuePollInterval = TimeSpan.FromMilliseconds(250);

    private readonly string _app;
    private readonly IRheoStore _store;
    private readonly ActiveTopology _topology;
    private readonly LocalDataStorage _data;
    private readonly ApplicationOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _logRoot;
    private readonly Channel<EngineCommand> _commands = Channel.CreateUnbounded<EngineCommand>(new UnboundedChannelOptions { SingleReader = true });

    // Commands that need no step of their own (an execution started running): handled with the next step, which comes
    // within the queue poll interval, so they share a commit instead of each costing one.
    private readonly ConcurrentQueue<EngineCommand> _lazy = new();

    // Where processes without the engine leave requests (kill-<execution id>), read with the queue poll.
    private readonly string _requests;
    // Hook calls go through the outbox: written with their transition, run after the commit, removed once they ran
    // (retried with backoff when they throw), so no call is lost when this process stops before running it.
    private readonly Channel<HookRecord> _hooks = Channel.CreateUnbounded<HookRecord>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<HookRecord> _hookRetries = [];
    private int _hooksInFlight;
    private long _lastHookId;
    private readonly Dictionary<string, RouteRuntime> _routes = new(StringComparer.Ordinal);
    private readonly Dictionary<long, RunningExecution> _active = [];
    private readonly Dictionary<(string Route, string Key), long> _activeByOutput = [];
    private readonly ConcurrentDictionary<long, TaskCompletionSource<ExecutionRecord>> _waiters = new();
    private readonly List<TaskCompletionSource> _idleWaiters = [];
    private readonly List<Action> _afterCommit = [];
    private readonly Dictionary<(string Route, string Name, string Dimension), MetricPoint> _metrics = [];
    private readonly Dictionary<string, (Timers.Schedule Schedule, DateTimeOffset? Next)> _timers = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(RouteRuntime Route, RouteDecision Decision)> _restored = [];
    private readonly List<RunningExecution> _resumed = [];
    private Task? _loop;
    private Task? _hookLoop;
    private long _lastExecutionId;
    private bool _paused;
    private int _queueDirty = 1;
    private bool _moreQueued;
    private DateTimeOffset _nextQueuePoll;
    private DateTimeOffset _nextRangeCheck;
    private int _running;

    public Processor(string application, IRheoStore store, ActiveTopology topology, string applicationRoot, ApplicationOptions options, ILogger logger)
    {
        _app = application;
        _store = store;
        _topology = topology;
        _data = new LocalDataStorage(applicationRoot);
        Availability = new InputAvailability(topology, _data);
        _requests = RequestsOf(applicationRoot);
        _logRoot = Path.Combine(applicationRoot, "logs");
        _options = options;
        _logger = logger;
        _time = options.TimeProvider;
        _slots = new SemaphoreSlim(options.MaxConcurrentExecutions, options.MaxConcurrentExecutions);
    }

    /// <summary>The loop's fault, when a commit failed.</summary>
    public Exception? Fault { get; private set; }

    public ActiveTopology Topology => _topology;

    public LocalDataStorage Data => _data;

    public InputAvailability Availability { get; }

    public async Task StartAsync(bool paused, CancellationToken cancellationToken)
    {
        _paused = paused;
        var now = _time.GetUtcNow();
        var records = (await _store.GetRoutesAsync(_app, cancellationToken).ConfigureAwait(false)).ToDictionary(r => r.RouteId, StringComparer.Ordinal);
        var pending = 0;
        foreach (var (id, route) in _topology.Routes)
        {
            var integrity = _topology.Integrity[id];
            RouteState state;
            if (records.TryGetValue(id, out var record) && record.Integrity == integrity)
            {
                var snapshots = record.Groups.Values.Select(json => StateJson.ReadGroup(route, _topology, json)).ToList();
                state = RouteState.Restore(route, snapshots, record.NextGroupId, now, out var decision);
                pending += state.PendingCount;
                var runtime = new RouteRuntime(id, route, _topology.Data(id), integrity, state) { PendingCountSnapshot = state.PendingCount };
                _routes.Add(id, runtime);
                _restored.Add((runtime, decision));
            }
            else
            {
                _routes.Add(id, new RouteRuntime(id, route, _topology.Data(id), integrity, new RouteState(route)) { NeedsReset = true });
            }
        }

        _lastExecutionId = await _store.GetMaxExecutionIdAsync(_app, cancellationToken).ConfigureAwait(false);
        foreach (var e in await _store.GetExecutionsAsync(_app, new ExecutionQuery(ActiveOnly: true), cancellationToken).ConfigureAwait(false))
        {
            if (!_routes.TryGetValue(e.RouteId, out var rr))
            {
                continue;
            }

            var output = rr.Route.OutputSpec.Parse([.. e.Output.Cast<object?>()]);
            var run = new RunningExecution(e, rr, output, StateJson.ReadInputs(rr.Route, e.InputsJson), Dimensions(rr, [.. e.Output]));
            _active.Add(e.Id, run);
            _activeByOutput[(rr.Id, e.OutputKey)] = e.Id;
            _resumed.Add(run);
        }

        foreach (var hook in await _store.GetHooksAsync(_app, cancellationToken).ConfigureAwait(false))
        {
            _lastHookId = Math.Max(_lastHookId, hook.Id);
            if (!hook.GaveUp)
            {
                // Calls left by a process that stopped before running them: run as soon as the loop starts.
                _hookRetries.Add(hook with { NextAttemptAt = null });
            }
        }

        var fired = await _store.GetTimersAsync(_app, cancellationToken).ConfigureAwait(false);
        foreach (var timer in _topology.Nodes.Values.OfType<TimerNode>())
        {
            var schedule = Timers.Schedule.Parse(timer.Schedule);
            var next = fired.TryGetValue(timer.Id, out var last) && schedule.LatestBetween(last, now) is { } missed ? missed : schedule.NextAfter(now);
            _timers[timer.Id] = (schedule, next);
        }

        Log.ProcessorStarted(_logger, _app, _routes.Count, pending, _active.Count);
        _hookLoop = Task.Run(() => RunHooksAsync(_stop.Token), CancellationToken.None);
        _loop = Task.Run(() => RunLoopAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>Tells the loop that events were queued in this process (other processes are noticed by polling).</summary>
    public void NotifyQueued()
    {
        Volatile.Write(ref _queueDirty, 1);
        _commands.Writer.TryWrite(WakeCommand.Instance);
    }

    public void Post(EngineCommand command)
    {
        if (!_commands.Writer.TryWrite(command))
        {
            throw new InvalidOperationException($"The processor of application '{_app}' is stopped.");
        }
    }

    public async Task<long> ExecuteAsync(string routeId, Partition output, IReadOnlyList<MaterializedInput> inputs, CancellationToken cancellationToken, string trigger = "execute")
    {
        var result = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(new ExecuteCommand(routeId, output, inputs, result, trigger));
        return await result.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> KillAsync(string routeId, string outputKey, CancellationToken cancellationToken)
    {
        var result = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(new KillCommand(routeId, outputKey, result));
        return await result.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var result = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(new FlushCommand(result));
        await result.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task SetPausedAsync(bool paused, CancellationToken cancellationToken)
    {
        var result = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(new PauseCommand(paused, result));
        await result.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Completes when nothing is queued, running or about to run.</summary>
    public async Task WaitForIdleAsync(CancellationToken cancellationToken)
    {
        var result = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(new IdleCommand(result));
        await result.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Completes with the execution's final record; reads the store if it already ended.</summary>
    public async Task<ExecutionRecord> WaitForExecutionAsync(long executionId, string routeId, string outputKey, CancellationToken cancellationToken)
    {
        var waiter = _waiters.GetOrAdd(executionId, _ => new TaskCompletionSource<ExecutionRecord>(TaskCreationOptions.RunContinuationsAsynchronously));
        var stored = (await _store.GetExecutionsAsync(_app, new ExecutionQuery(routeId, outputKey), cancellationToken).ConfigureAwait(false)).FirstOrDefault(e => e.Id == executionId);
        if (stored is { IsActive: false })
        {
            waiter.TrySetResult(stored);
        }

        return await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public IReadOnlyList<ExecutionRecord> ActiveExecutions() => Volatile.Read(ref _activeSnapshot) ?? [];

    public int PendingGroupCount(string routeId) => _routes.TryGetValue(routeId, out var r) ? r.PendingCountSnapshot : 0;

    /// <summary>The pending groups of a route, read by the loop between steps (so they match the last commit).</summary>
    public async Task<IReadOnlyList<TriggerGroupSnapshot>> PendingGroupsAsync(string routeId, CancellationToken cancellationToken)
    {
        var result = new TaskCompletionSource<IReadOnlyList<TriggerGroupSnapshot>>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(new GroupsQueryCommand(routeId, result));
        return await result.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _commands.Writer.TryComplete();
        foreach (var run in _active.Values.ToList())
        {
            run.Shutdown = true;
            await run.Cancel.CancelAsync().ConfigureAwait(false);
        }

        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _hooks.Writer.TryComplete();
        if (_hookLoop is not null)
        {
            await _hookLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        // Workers stop at their next cancellation check; their results are not committed (they run again on restart).
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Volatile.Read(ref _running) > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, CancellationToken.None).ConfigureAwait(false);
        }

        _stop.Dispose();
        _slots.Dispose();
    }

    private IReadOnlyList<ExecutionRecord>? _activeSnapshot;

    private async Task RunLoopAsync(CancellationToken stop)
    {
        try
        {
            var first = true;
            while (!stop.IsCancellationRequested)
            {
                if (!first && !_moreQueued && Volatile.Read(ref _queueDirty) == 0 && !_commands.Reader.TryPeek(out _))
                {
                    await WaitAsync(stop).ConfigureAwait(false);
                }

                await StepAsync(first, stop).ConfigureAwait(false);
                first = false;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Fault = e;
            Log.CommitFailed(_logger, _app, e);
            _commands.Writer.TryComplete(e);
            FailWaiters(e);
        }
    }

    private async Task WaitAsync(CancellationToken stop)
    {
        var now = _time.GetUtcNow();
        var due = _nextQueuePoll;
        foreach (var (_, next) in _timers.Values)
        {
            if (next is { } n && n < due)
            {
                due = n;
            }
        }

        foreach (var r in _routes.Values)
        {
            if (r.State.NextDue() is { } n && n < due)
            {
                due = n;
            }
        }

        foreach (var hook in _hookRetries)
        {
            if ((hook.NextAttemptAt ?? now) < due)
            {
                due = hook.NextAttemptAt ?? now;
            }
        }

        var delay = due - now;
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(delay, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
        try
        {
            await _commands.Reader.WaitToReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
        }
    }

    private async Task StepAsync(bool first, CancellationToken stop)
    {
        var batch = new StoreBatch();
        var now = _time.GetUtcNow();
        if (first)
        {
            foreach (var rr in _routes.Values.Where(r => r.NeedsReset))
            {
                rr.ResetPending = true;
            }

            foreach (var (rr, decision) in _restored)
            {
                Apply(rr, decision, batch, now);
            }

            foreach (var run in _resumed)
            {
                batch.ExecutionUpdates.Add(new ExecutionUpdate(run.Record.Id, ExecutionStatus.Pending));
                _afterCommit.Add(() => Dispatch(run));
            }

            _restored.Clear();
            _resumed.Clear();
        }

        while (_lazy.TryDequeue(out var lazy))
        {
            Handle(lazy, batch, now);
        }

        for (var n = 0; n < 20_000 && _commands.Reader.TryRead(out var command); n++)
        {
            Handle(command, batch, now);
        }

        if (now >= _nextQueuePoll)
        {
            Volatile.Write(ref _queueDirty, 1);
            _nextQueuePoll = now + QueuePollInterval;
            TakeKillRequests();
        }

        if (!_paused && (_moreQueued || Interlocked.Exchange(ref _queueDirty, 0) == 1))
        {
            var events = await _store.ReadQueueAsync(_app, QueueBatch, stop).ConfigureAwait(false);
            _moreQueued = events.Count == QueueBatch;
            foreach (var e in events)
            {
                RouteEvent(e.Event.NodeId, e.Event.Values, batch, now);
                batch.ConsumedThrough = e.Sequence;
            }
        }

        foreach (var rr in _routes.Values)
        {
            if (rr.State.NextDue() is { } due && due <= now)
            {
                Apply(rr, rr.State.Tick(now), batch, now);
            }
        }

        FireTimers(batch, now);
        DispatchDueHooks(now);
        if (now >= _nextRangeCheck)
        {
            _nextRangeCheck = now + _options.RangeCheckInterval;
            RecheckRanges(batch, now);
        }

        FlushRoutes(batch);
        FlushMetrics(batch);
        if (!batch.IsEmpty)
        {
            await _store.CommitAsync(_app, batch, stop).ConfigureAwait(false);
        }

        foreach (var action in _afterCommit)
        {
            action();
        }

        _afterCommit.Clear();
        Volatile.Write(ref _activeSnapshot, [.. _active.Values.Select(r => r.Current)]);
        if (_idleWaiters.Count > 0 && _active.Count == 0 && _hooksInFlight == 0 && _hookRetries.Count == 0 && (_paused || (!_moreQueued && Volatile.Read(ref _queueDirty) == 0)) && !_commands.Reader.TryPeek(out _))
        {
            foreach (var waiter in _idleWaiters)
            {
                waiter.TrySetResult();
            }

            _idleWaiters.Clear();
        }
    }

    private void Handle(EngineCommand command, StoreBatch batch, DateTimeOffset now)
    {
        switch (command)
        {
            case WakeCommand:
                break;
            case ExecutionStartedCommand started when _active.TryGetValue(started.ExecutionId, out var run):
                run.Current = run.Current with { Status = ExecutionStatus.Running, StartedAt = started.At };
                batch.ExecutionUpdates.Add(new ExecutionUpdate(started.ExecutionId, ExecutionStatus.Running, started.At));
                break;
            case ComputeDoneCommand done when _active.TryGetValue(done.Record.ExecutionId, out var run):
                ComputeDone(run, done, batch, now);
                break;
            case ExecutionDoneCommand done when _active.TryGetValue(done.ExecutionId, out var run):
                if (done.LastCompute is { } last)
                {
                    ComputeDone(run, last, batch, now);
                }

                Finish(run, done, batch, now);
                break;
            case HookDoneCommand hookDone:
                HookDone(hookDone, batch, now);
                break;
            case ExecutionCheckpointCommand checkpoint when _active.TryGetValue(checkpoint.ExecutionId, out var run):
                Hook(run.Route, HookType.ExecutionCheckpoint, checkpoint.Checkpoint.Hook, run.Dimensions, batch, now, executionId: run.Record.Id, checkpoint: checkpoint.Checkpoint.After);
                break;
            case ExecuteCommand execute:
                if (!_routes.TryGetValue(execute.RouteId, out var target))
                {
                    execute.Result.TrySetException(new InvalidOperationException($"Node '{execute.RouteId}' has no route in the active topology."));
                    break;
                }

                StartExecution(target, execute.Output, execute.Inputs, execute.Trigger, batch, now, execute.Result);
                break;
            case ResetCommand reset:
                Reset(reset, batch, now);
                break;
            case KillCommand kill:
                if (_activeByOutput.TryGetValue((kill.RouteId, kill.OutputKey), out var id))
                {
                    _active[id].Killed = true;
                    _active[id].Cancel.Cancel();
                    _afterCommit.Add(() => kill.Result.TrySetResult(true));
                }
                else
                {
                    kill.Result.TrySetResult(false);
                }

                break;
            case FlushCommand flush:
                _afterCommit.Add(flush.Result.SetResult);
                break;
            case PauseCommand pause:
                _paused = pause.Paused;
                Volatile.Write(ref _queueDirty, 1);
                _afterCommit.Add(pause.Result.SetResult);
                break;
            case IdleCommand idle:
                _idleWaiters.Add(idle.Result);
                break;
            case GroupsQueryCommand query:
                _afterCommit.Add(() => query.Result.TrySetResult(_routes.TryGetValue(query.RouteId, out var r) ? [.. r.State.PendingGroups.Select(g => g.ToSnapshot())] : []));
                break;
        }
    }

    /// <summary>The folder where a process without the engine asks it to kill executions (<c>kill-&lt;execution id&gt;</c> files).</summary>
    public static string RequestsOf(string applicationRoot) => Path.Combine(applicationRoot, "requests");

    private void TakeKillRequests()
    {
        if (!Directory.Exists(_requests))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(_requests, "kill-*"))
        {
            if (long.TryParse(Path.GetFileName(file).AsSpan("kill-".Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
                && _active.TryGetValue(id, out var run))
            {
                Log.KillRequested(_logger, _app, id, run.Route.Id);
                run.Killed = true;
                run.Cancel.Cancel();
            }

            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
                // Taken again at the next poll; killing twice is harmless.
            }
        }
    }

    private void ComputeDone(RunningExecution run, ComputeDoneCommand done, StoreBatch batch, DateTimeOffset now)
    {
        batch.ComputeRecords.Add(done.Record);
        var hooks = run.Route.Node.ExecutionHook;
        Hook(run.Route, done.Hook, done.Hook switch
        {
            HookType.ComputeSuccess => hooks?.OnComputeSuccess,
            HookType.ComputeFailure => hooks?.OnComputeFailure,
            _ => hooks?.OnComputeRetry,
        }, run.Dimensions, batch, now, executionId: run.Record.Id, record: done.Record);
    }

    private void Finish(RunningExecution run, ExecutionDoneCommand done, StoreBatch batch, DateTimeOffset now)
    {
        _active.Remove(run.Record.Id);
        _activeByOutput.Remove((run.Route.Id, run.Record.OutputKey));
        var startedAt = run.Current.StartedAt is null ? done.StartedAt : null;
        var final = run.Current with { Status = done.Status, StartedAt = run.Current.StartedAt ?? startedAt, EndedAt = done.At, Error = done.Error };
        batch.ExecutionUpdates.Add(new ExecutionUpdate(run.Record.Id, done.Status, startedAt, done.At, done.Error));
        Log.ExecutionEnded(_logger, _app, run.Record.Id, run.Route.Id, run.Record.OutputKey, done.Status.ToString());
        var hooks = run.Route.Node.ExecutionHook;
        if (done.Status == ExecutionStatus.Succeeded)
        {
            RheoTelemetry.ExecutionsSucceeded.Add(1);
            Hook(run.Route, HookType.ExecutionSuccess, hooks?.OnSuccess, run.Dimensions, batch, now, executionId: run.Record.Id);
            if (GraphTriggers.IsGraphOperation(run.Record.Trigger))
            {
                // The graph operation that started it runs the successors itself (see Processor.GraphOperations.cs).
            }
            else if (_paused)
            {
                batch.NewEvents.Add(new EventRecord(run.Route.Id, run.Record.Output, now));
            }
            else
            {
                RouteEvent(run.Route.Id, run.Output, batch, now);
            }
        }
        else
        {
            RheoTelemetry.ExecutionsFailed.Add(1);
            Hook(run.Route, HookType.ExecutionFailure, hooks?.OnFailure, run.Dimensions, batch, now, executionId: run.Record.Id);
            if (done.Status == ExecutionStatus.Failed && _topology.FailureSignals.TryGetValue(run.Route.Id, out var failures))
            {
                if (_paused)
                {
                    batch.NewEvents.Add(new EventRecord(failures, run.Record.Output, now));
                }
                else
                {
                    RouteEvent(failures, run.Output, batch, now);
                }
            }
        }

        _afterCommit.Add(() =>
        {
            if (_waiters.TryRemove(run.Record.Id, out var waiter))
            {
                waiter.TrySetResult(final);
            }
        });
    }

    private void RouteEvent(string nodeId, IReadOnlyList<string> values, StoreBatch batch, DateTimeOffset now)
    {
        if (!_topology.Nodes.TryGetValue(nodeId, out var node))
        {
            Log.EventDropped(_logger, _app, nodeId, string.Join("/", values), "the node is not in the active topology");
            return;
        }

        Partition partition;
        try
        {
            partition = node.Signal.Spec.Parse([.. values.Cast<object?>()]);
        }
        catch (Exception e) when (e is InvalidDimensionValueException or ArgumentException)
        {
            Log.EventDropped(_logger, _app, nodeId, string.Join("/", values), e.Message);
            return;
        }

        RouteEvent(nodeId, partition, batch, now);
    }

    private void RouteEvent(string nodeId, Partition partition, StoreBatch batch, DateTimeOffset now)
    {
        RheoTelemetry.EventsRouted.Add(1);
        if (!_topology.Consumers.TryGetValue(nodeId, out var consumers))
        {
            return;
        }

        foreach (var routeId in consumers)
        {
            var rr = _routes[routeId];
            Apply(rr, rr.State.Receive(nodeId, partition, now), batch, now);
        }
    }

    private void Apply(RouteRuntime rr, RouteDecision decision, StoreBatch batch, DateTimeOffset now)
    {
        foreach (var id in decision.ChangedGroups)
        {
            rr.Dirty.Add(id);
        }

        foreach (var id in decision.RemovedGroups)
        {
            rr.Dirty.Remove(id);
            rr.Removed.Add(id);
        }

        if (decision.ChangedGroups.Count > 0 || decision.RemovedGroups.Count > 0)
        {
            rr.Touched = true;
        }

        foreach (var warning in decision.Warnings)
        {
            Log.RouteWarning(_logger, _app, rr.Id, warning);
        }

        foreach (var e in decision.Events)
        {
            var hooks = rr.Node.PendingNodeHook;
            var dims = rr.Route.OutputSpec.Names.ToDictionary(n => n, _ => "*", StringComparer.Ordinal);
            switch (e.Kind)
            {
                case PendingGroupEventKind.Created:
                    Hook(rr, HookType.PendingNodeCreated, hooks?.OnPendingNodeCreated, dims, batch, now, groupId: e.GroupId);
                    break;
                case PendingGroupEventKind.Expired:
                    Hook(rr, HookType.PendingNodeExpiration, hooks?.OnExpiration, dims, batch, now, groupId: e.GroupId);
                    break;
                default:
                    Hook(rr, HookType.PendingNodeCheckpoint, hooks?.Checkpoints.FirstOrDefault(c => c.After == e.Checkpoint)?.Hook, dims, batch, now, groupId: e.GroupId, checkpoint: e.Checkpoint);
                    break;
            }
        }

        foreach (var execution in decision.Executions)
        {
            StartExecution(rr, execution.Output, execution.Inputs, "event", batch, now, null);
        }

        foreach (var check in decision.RangeChecks)
        {
            foreach (var byNode in check.Missing.Where(m => IsAvailable(m.NodeId, m.Partition)).GroupBy(m => m.NodeId, StringComparer.Ordinal))
            {
                Apply(rr, rr.State.MarkAvailable(byNode.Key, byNode.Select(m => m.Partition).ToList(), now), batch, now);
            }
        }
    }

    private void RecheckRanges(StoreBatch batch, DateTimeOffset now)
    {
        foreach (var rr in _routes.Values)
        {
            if (!rr.Route.Inputs.Any(i => i.IsRangeCheck))
            {
                continue;
            }

            var available = rr.State.PendingGroups
                .Where(g => g.Status == TriggerGroupStatus.AwaitingRanges)
                .SelectMany(g => g.MissingPartitions)
                .Distinct()
                .Where(m => IsAvailable(m.NodeId, m.Partition))
                .ToList();
            foreach (var byNode in available.GroupBy(m => m.NodeId, StringComparer.Ordinal))
            {
                Apply(rr, rr.State.MarkAvailable(byNode.Key, byNode.Select(m => m.Partition).ToList(), now), batch, now);
            }
        }
    }

    public bool IsAvailable(string nodeId, Partition partition) => Availability.IsAvailable(nodeId, partition);

    private void StartExecution(RouteRuntime rr, Partition output, IReadOnlyList<MaterializedInput> inputs, string trigger, StoreBatch batch, DateTimeOffset now, TaskCompletionSource<long>? result)
    {
        var rendered = rr.Route.OutputSpec.Render(output);
        var key = string.Join('/', rendered);
        var dims = Dimensions(rr, rendered);
        if (_activeByOutput.TryGetValue((rr.Id, key), out var existing))
        {
            Hook(rr, HookType.ExecutionSkipped, rr.Node.ExecutionHook?.OnExecutionSkipped, dims, batch, now, executionId: existing);
            if (result is not null)
            {
                _afterCommit.Add(() => result.TrySetResult(existing));
            }

            return;
        }

        var id = ++_lastExecutionId;
        var record = new ExecutionRecord(id, rr.Id, key, rendered, StateJson.WriteInputs(inputs), ExecutionStatus.Pending, now, Trigger: trigger);
        batch.NewExecutions.Add(record);
        var run = new RunningExecution(record, rr, output, inputs, dims);
        _active.Add(id, run);
        _activeByOutput[(rr.Id, key)] = id;
        RheoTelemetry.ExecutionsStarted.Add(1);
        Hook(rr, HookType.ExecutionBegin, rr.Node.ExecutionHook?.OnExecutionBegin, dims, batch, now, executionId: id);
        _afterCommit.Add(() =>
        {
            result?.TrySetResult(id);
            Dispatch(run);
        });
    }

    private static Dictionary<string, string> Dimensions(RouteRuntime rr, string[] rendered)
    {
        var dims = new Dictionary<string, string>(rendered.Length, StringComparer.Ordinal);
        for (var i = 0; i < rendered.Length; i++)
        {
            dims[rr.Route.OutputSpec[i].Name] = rendered[i];
        }

        return dims;
    }

    private void Hook(RouteRuntime rr, HookType type, HookRef? hook, IReadOnlyDictionary<string, string> dims, StoreBatch batch, DateTimeOffset now,
        long? executionId = null, long? groupId = null, ComputeRecord? record = null, TimeSpan? checkpoint = null)
    {
        // Aggregated per step: one point per route and hook type carrying the count, and one carrying the latest time.
        var name = HookTypes.MetricName(type);
        var countKey = (rr.Id, HookTypes.HookMetric, name);
        _metrics[countKey] = new MetricPoint(rr.Id, HookTypes.HookMetric, name, (_metrics.TryGetValue(countKey, out var c) ? c.Value : 0) + 1, now);
        _metrics[(rr.Id, HookTypes.HookTimeMetric, name)] = new MetricPoint(rr.Id, HookTypes.HookTimeMetric, name, now.ToUnixTimeSeconds(), now);
        if (hook is not null)
        {
            var context = new HookContext(_app, rr.Id, type, now, dims, executionId, groupId, record, checkpoint);
            var call = new HookRecord(++_lastHookId, hook.TypeName, HookJson.Write(context), now);
            batch.Hooks.Add(call);
            _hooksInFlight++;
            _afterCommit.Add(() => _hooks.Writer.TryWrite(call));
        }
    }

    private void HookDone(HookDoneCommand done, StoreBatch batch, DateTimeOffset now)
    {
        _hooksInFlight--;
        var call = done.Hook;
        if (done.Error is null)
        {
            batch.CompletedHooks.Add(call.Id);
            return;
        }

        var attempts = call.Attempts + 1;
        var type = HookJson.Read(call.ContextJson);
        if (attempts >= ProcessorLimits.HookAttempts)
        {
            batch.Hooks.Add(call with { Attempts = attempts, NextAttemptAt = null, Error = done.Error.Message, GaveUp = true });
            Log.HookGaveUp(_logger, _app, call.TypeName, type.Type.ToString(), type.RouteId, attempts, done.Error.Message);
            return;
        }

        // 1 s, 2 s, 4 s, 8 s by default: a flaky endpoint gets time, and an `execute` waiting for its hooks ends within seconds.
        var wait = TimeSpan.FromTicks(Math.Min(_options.MaxRetryBackoff.Ticks, _options.RetryBackoff.Ticks << (attempts - 1)));
        var next = now + wait;
        var retry = call with { Attempts = attempts, NextAttemptAt = next, Error = done.Error.Message };
        batch.Hooks.Add(retry);
        _hookRetries.Add(retry);
        Log.HookFailed(_logger, _app, call.TypeName, type.Type.ToString(), type.RouteId, attempts, next, done.Error);
    }

    private void DispatchDueHooks(DateTimeOffset now)
    {
        if (_hookRetries.Count == 0)
        {
            return;
        }

        for (var i = 0; i < _hookRetries.Count; i++)
        {
            var call = _hookRetries[i];
            if (call.NextAttemptAt is { } at && at > now)
            {
                continue;
            }

            _hookRetries.RemoveAt(i--);
            _hooksInFlight++;
            _hooks.Writer.TryWrite(call);
        }
    }

    private void FlushMetrics(StoreBatch batch)
    {
        batch.Metrics.AddRange(_metrics.Values);
        _metrics.Clear();
    }

    private void FlushRoutes(StoreBatch batch)
    {
        foreach (var rr in _routes.Values)
        {
            if (!rr.Touched && !rr.ResetPending)
            {
                continue;
            }

            var change = new RouteChange(rr.Id, rr.Integrity, rr.State.NextGroupId) { Reset = rr.ResetPending };
            if (rr.ResetPending)
            {
                foreach (var group in rr.State.PendingGroups)
                {
                    change.Upserts[group.Id] = StateJson.WriteGroup(rr.Route, _topology, group);
                }
            }
            else
            {
                foreach (var id in rr.Dirty)
                {
                    if (rr.State.TryGetGroup(id, out var group))
                    {
                        change.Upserts[id] = StateJson.WriteGroup(rr.Route, _topology, group);
                    }
                }

                change.Deletes.UnionWith(rr.Removed);
            }

            batch.Routes[rr.Id] = change;
            rr.Dirty.Clear();
            rr.Removed.Clear();
            rr.Touched = false;
            rr.ResetPending = false;
            rr.NeedsReset = false;
            rr.PendingCountSnapshot = rr.State.PendingCount;
        }
    }

    private void FireTimers(StoreBatch batch, DateTimeOffset now)
    {
        List<string>? due = null;
        foreach (var (id, (_, next)) in _timers)
        {
            if (next is { } at && at <= now)
            {
                (due ??= []).Add(id);
            }
        }

        foreach (var id in due ?? [])
        {
            var (schedule, next) = _timers[id];
            var timer = (TimerNode)_topology.Nodes[id];
            var values = TimerValues(timer, next!.Value);
            batch.Timers[id] = next.Value;
            if (_paused)
            {
                batch.NewEvents.Add(new EventRecord(id, values, now));
            }
            else
            {
                RouteEvent(id, values, batch, now);
            }

            Log.TimerFired(_logger, _app, id, values[0]);
            _timers[id] = (schedule, schedule.NextAfter(next.Value));
        }
    }

    /// <summary>The rendered value a timer emits for a fire time, with the timer's shift applied.</summary>
    public static string[] TimerValues(TimerNode timer, DateTimeOffset fireTime)
    {
        var dimension = timer.Signal.Spec[0];
        var value = dimension.Parse(fireTime.UtcDateTime);
        return [dimension.Render(timer.Shift == 0 ? value : dimension.Add(value, timer.Shift))];
    }

    private async Task RunHooksAsync(CancellationToken stop)
    {
        await foreach (var call in _hooks.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            if (stop.IsCancellationRequested)
            {
                // Stopping: the call stays in the outbox and the next engine runs it.
                continue;
            }

            Exception? error = null;
            try
            {
                var instance = Compute.TypeNames.Create<IRouteHook>(call.TypeName, "hook");
                await instance.OnHookAsync(HookJson.Read(call.ContextJson), stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                continue;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                error = e;
            }

            _commands.Writer.TryWrite(new HookDoneCommand(call, error));
        }
    }

    private void FailWaiters(Exception e)
    {
        foreach (var waiter in _waiters.Values)
        {
            waiter.TrySetException(e);
        }

        foreach (var waiter in _idleWaiters)
        {
            waiter.TrySetException(e);
        }
    }

    internal sealed record IdleCommand(TaskCompletionSource Result) : EngineCommand;

    internal sealed record GroupsQueryCommand(string RouteId, TaskCompletionSource<IReadOnlyList<TriggerGroupSnapshot>> Result) : EngineCommand;

    /// <summary>A route with its live state and what changed since the last commit.</summary>
    internal sealed class RouteRuntime(string id, Route route, DataNode node, string integrity, RouteState state)
    {
        public string Id { get; } = id;

        public Route Route { get; } = route;

        public DataNode Node { get; } = node;

        public string Integrity { get; } = integrity;

        public RouteState State { get; } = state;

        public HashSet<long> Dirty { get; } = [];

        public HashSet<long> Removed { get; } = [];

        public bool Touched { get; set; }

        public bool NeedsReset { get; set; }

        public bool ResetPending { get; set; }

        // Written by the loop after each commit, read by status queries on other threads (reference and int writes are atomic).
        public int PendingCountSnapshot { get; set; }
    }

    /// <summary>An accepted execution while it is pending or running.</summary>
    internal sealed class RunningExecution(ExecutionRecord record, RouteRuntime route, Partition output, IReadOnlyList<MaterializedInput> inputs, Dictionary<string, string> dimensions)
    {
        public ExecutionRecord Record { get; } = record;

        public ExecutionRecord Current { get; set; } = record;

        public RouteRuntime Route { get; } = route;

        public Partition Output { get; } = output;

        public IReadOnlyList<MaterializedInput> Inputs { get; } = inputs;

        public Dictionary<string, string> Dimensions { get; } = dimensions;

        public CancellationTokenSource Cancel { get; } = new();

        public bool Killed { get; set; }

        public bool Shutdown { get; set; }
    }
}
