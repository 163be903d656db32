using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Rheo.Core.Dimensions;
using Rheo.Core.Filters;
using Rheo.Core.Links;
using Rheo.Core.Routing;
using Rheo.Core.Signals;
using Rheo.Core.Topology;
using Rheo.Runtime.Compute;
using Rheo.Runtime.Data;
using Rheo.Runtime.Diagnostics;
using Rheo.Runtime.Engine;
using Rheo.Runtime.Hooks;
using Rheo.Runtime.Nodes;
using Rheo.Runtime.Storage;

namespace Rheo.Runtime;

/// <summary>
/// A Rheo application: its nodes (timers, external data, data nodes with routes), its lifecycle, and the runtime
/// control of the guide (process, execute, poll, kill). Nodes are defined in a development context and become live
/// with <see cref="ActivateAsync"/>.
/// </summary>
/// <remarks>
/// Node definition methods are synchronous and not thread-safe; runtime methods are thread-safe. An application
/// whose state is active starts its processor on first use in a process that holds its engine lock (one per
/// application root); other instances only read and queue events.
/// </remarks>
public sealed partial class Application : IAsyncDisposable
{
    private readonly IRheoStore _store;
    private readonly bool _ownsStore;
    private readonly ApplicationOptions _options;
    private readonly ILogger _logger;
    private readonly List<NodeDefinition> _dev = [];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ActiveTopology? _active;
    private static readonly TimeSpan ExternalPollInterval = TimeSpan.FromMilliseconds(100);

    private Processor? _processor;
    private FileStream? _engineLock;
    private ApplicationRecord? _record;
    private bool _opened;
    private bool _disposed;
    private bool _devChanged;

    private Application(string name, string root, IRheoStore store, bool ownsStore, ApplicationOptions? options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) || name is "." or "..")
        {
            throw new ArgumentException($"The application name '{name}' may hold only letters, digits, '-', '_' and '.'.", nameof(name));
        }

        Name = name;
        Root = Path.GetFullPath(Path.Combine(root, name));
        _store = store;
        _ownsStore = ownsStore;
        _options = (options ?? new ApplicationOptions()).Validated();
        _logger = _options.LoggerFactory?.CreateLogger("Rheo.Runtime") ?? NullLogger.Instance;
    }

    /// <summary>The application's name.</summary>
    public string Name { get; }

    /// <summary>The application's folder (outputs under <c>data/</c>, captured process output under <c>logs/</c>).</summary>
    public string Root { get; }

    /// <summary>The lifecycle state as last read or set by this instance.</summary>
    public ApplicationState State => _record?.State ?? ApplicationState.Inactive;

    /// <summary>The nodes of the development context, in definition order.</summary>
    public IReadOnlyList<NodeDefinition> Nodes => _dev;

    /// <summary>The nodes of the active topology (empty before activation or before the first runtime call).</summary>
    public IReadOnlyList<NodeDefinition> ActiveNodes => _active?.Ordered ?? [];

    /// <summary>Whether this instance runs the application's processor.</summary>
    public bool RunsProcessor => _processor is not null;

    /// <summary>The state data of the application's store (shared by every application on that store), for the state data client of state machine tasks.</summary>
    public States.StateDataStore StateData => field ??= new States.StateDataStore(_store);

    /// <summary>A node of the development context, else of the active topology.</summary>
    /// <exception cref="KeyNotFoundException">No such node; the message lists the known ids.</exception>
    public Signal this[string id] => Find(id)?.Signal
        ?? throw new KeyNotFoundException($"Application '{Name}' has no node '{id}'; its nodes are: {string.Join(", ", _dev.Concat(ActiveNodes).Select(n => n.Id).Distinct())}.");

    /// <summary>Creates or opens an application in a local store under <paramref name="root"/> (SQLite file <c>rheo.db</c>, outputs in <c>&lt;root&gt;/&lt;name&gt;/</c>).</summary>
    /// <remarks>The embedded store comes from the <c>Rheo.Storage.Sqlite</c> assembly, found at run time so the engine does not depend on an adapter.</remarks>
    /// <exception cref="InvalidOperationException">No local store adapter can be loaded.</exception>
    public static Application Local(string name, string root = "./.rheo", ApplicationOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Directory.CreateDirectory(root);
        return new Application(name, root, LocalStore().Open(Path.GetFullPath(root)), ownsStore: true, options);
    }

    /// <summary>Creates or opens an application on a given store (in-memory for tests, or another driver); outputs go under <paramref name="root"/>.</summary>
    public static Application Create(string name, IRheoStore store, string root, ApplicationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        return new Application(name, root, store, ownsStore: false, options);
    }

    /// <summary>Adds a timer node emitting its time dimension on an EventBridge schedule (<c>rate(1 day)</c>, <c>cron(0 12 * * ? *)</c>).</summary>
    /// <exception cref="FormatException">The schedule expression is invalid; nothing is added.</exception>
    public Signal AddTimer(string id, string scheduleExpression, string timeDimension = "time", string format = "%Y-%m-%d", DatetimeGranularity granularity = DatetimeGranularity.Day, int shift = 0)
    {
        _ = Timers.Schedule.Parse(scheduleExpression);
        return Define(new TimerNode(id, scheduleExpression, timeDimension, format, granularity, shift)).Signal;
    }

    /// <summary>Adds external data in a local folder (the guide's <c>marshal_external_data</c>).</summary>
    /// <exception cref="ArgumentException">The dataset declares partition keys but not one per dimension.</exception>
    public Signal MarshalExternalData(LocalDataset descriptor, string id, DimensionSpec dimensionSpec, DimensionFilter? dimensionFilter = null, IntegrityProtocol? protocol = null)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(dimensionSpec);
        if (descriptor.PartitionKeys.Count != 0 && descriptor.PartitionKeys.Count != dimensionSpec.Count)
        {
            throw new ArgumentException($"Node '{id}': the dataset '{descriptor.Folder}' declares {descriptor.PartitionKeys.Count} partition key(s) for {dimensionSpec.Count} dimension(s); give one \"{{}}\" key per dimension.", nameof(descriptor));
        }

        return Define(new ExternalDataNode(id, descriptor, dimensionSpec, dimensionFilter ?? DimensionFilter.All(dimensionSpec), protocol ?? IntegrityProtocol.None)).Signal;
    }

    /// <summary>Adds an internal data node: a route from inputs to an output produced by compute targets (the guide's <c>create_data</c>).</summary>
    /// <param name="id">The node id.</param>
    /// <param name="inputs">The inputs in order.</param>
    /// <param name="inputMap">Inputs by alias (added after <paramref name="inputs"/>).</param>
    /// <param name="inputLinks">Links between input dimensions.</param>
    /// <param name="outputSpec">The output dimensions; null adopts the first input's.</param>
    /// <param name="outputLinks">Links to output dimensions.</param>
    /// <param name="computeTargets">The work of each execution, in order (at least one).</param>
    /// <param name="executionHook">Execution hooks.</param>
    /// <param name="pendingNodeHook">Pending-node hooks.</param>
    /// <param name="pendingNodeTtl">How long a pending group waits before it expires.</param>
    /// <param name="autoInputLinking">Link same-named input dimensions.</param>
    /// <param name="autoOutputLinking">Link same-named output dimensions to inputs.</param>
    /// <param name="metadata">Free metadata handed to compute targets.</param>
    /// <param name="outputFilter">The output's admitted values.</param>
    /// <exception cref="TopologyException">The route is invalid; every problem is listed and nothing is added.</exception>
    public Signal CreateData(string id, IReadOnlyList<Signal>? inputs = null, IReadOnlyDictionary<string, Signal>? inputMap = null, IReadOnlyList<InputLink>? inputLinks = null,
        DimensionSpec? outputSpec = null, IReadOnlyList<OutputLink>? outputLinks = null, IReadOnlyList<ComputeTarget>? computeTargets = null,
        ExecutionHook? executionHook = null, PendingNodeHook? pendingNodeHook = null, TimeSpan? pendingNodeTtl = null, bool autoInputLinking = true,
        bool autoOutputLinking = true, IReadOnlyDictionary<string, string>? metadata = null, DimensionFilter? outputFilter = null)
    {
        var node = new DataNode(id)
        {
            Inputs = [.. inputs ?? [], .. (inputMap ?? new Dictionary<string, Signal>()).Select(kv => kv.Value.As(kv.Key))],
            InputLinks = inputLinks ?? [],
            OutputSpec = outputSpec,
            OutputFilter = outputFilter,
            OutputLinks = outputLinks ?? [],
            ComputeTargets = computeTargets ?? [],
            ExecutionHook = executionHook,
            PendingNodeHook = pendingNodeHook,
            PendingNodeTtl = pendingNodeTtl,
            AutoInputLinking = autoInputLinking,
            AutoOutputLinking = autoOutputLinking,
            Metadata = metadata ?? new Dictionary<string, string>(),
        };
        return Define(CompileData(node)).Signal;
    }

    /// <summary>Adds a data node from a definition (the same as the other overload).</summary>
    /// <exception cref="TopologyException">The route is invalid; nothing is added.</exception>
    public Signal CreateData(DataNode definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return Define(CompileData(definition)).Signal;
    }

    /// <summary>
    /// The failures of a data node as a signal (node <c>{id}.failed</c>, with the node's output dimensions): each
    /// failed execution emits one event, so a route can react to failures, e.g. a state machine subscribed to
    /// another's failure. The same signal is returned on later calls.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No data node has that id in the development context.</exception>
    public Signal FailuresOf(Signal node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var id = node.NodeId + FailureNode.Suffix;
        if (_dev.FirstOrDefault(n => n.Id == id) is FailureNode existing)
        {
            return existing.Signal;
        }

        var data = _dev[DevIndex(node.NodeId)] as DataNode ?? throw new ArgumentException($"Node '{node.NodeId}' is not a data node; only executions of data nodes fail.", nameof(node));
        return Define(new FailureNode(id, data.Id, data.Signal.Spec)).Signal;
    }

    /// <summary>Replaces a data node's whole definition (the guide's <c>update_data</c>).</summary>
    /// <exception cref="KeyNotFoundException">The node does not exist.</exception>
    /// <exception cref="TopologyException">The new route is invalid; nothing changes.</exception>
    public Signal UpdateData(DataNode definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var index = DevIndex(definition.Id);
        var compiled = CompileData(definition);
        _dev[index] = compiled;
        _devChanged = true;
        return compiled.Signal;
    }

    /// <summary>Changes part of a data node's definition, keeping the rest (the guide's <c>patch_data</c>): <c>app.PatchData("B", b =&gt; b with { ... })</c>.</summary>
    /// <exception cref="KeyNotFoundException">The node does not exist in the development context (attach first to patch an active node).</exception>
    public Signal PatchData(string id, Func<DataNode, DataNode> patch)
    {
        ArgumentNullException.ThrowIfNull(patch);
        var index = DevIndex(id);
        var current = _dev[index] as DataNode ?? throw new ArgumentException($"Node '{id}' is not a data node; only data nodes can be patched.", nameof(id));
        var patched = patch(current);
        if (patched.Id != id)
        {
            throw new ArgumentException($"The patch changed the node id from '{id}' to '{patched.Id}'; ids cannot change.", nameof(patch));
        }

        return UpdateData(patched);
    }

    /// <summary>Validates the development context (every problem at once), persists it as the active topology and makes its routes live.</summary>
    /// <remarks>Activation resumes a paused application. Re-activation keeps the pending groups of routes whose inputs, links, output and compute targets did not change; changed routes start empty; removed routes are dropped. Running executions are interrupted and run again.</remarks>
    /// <exception cref="TopologyException">The topology is invalid; nothing changed.</exception>
    public async Task ActivateAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await OpenCoreAsync(cancellationToken).ConfigureAwait(false);
            var topology = Validate(_dev);
            var version = await _store.AddTopologyAsync(Name, TopologyJson.Write(_dev), cancellationToken).ConfigureAwait(false);
            await StopProcessorAsync().ConfigureAwait(false);
            var batch = new StoreBatch();
            foreach (var route in await _store.GetRoutesAsync(Name, cancellationToken).ConfigureAwait(false))
            {
                if (!topology.Routes.ContainsKey(route.RouteId))
                {
                    batch.DeletedRoutes.Add(route.RouteId);
                }
            }

            if (!batch.IsEmpty)
            {
                await _store.CommitAsync(Name, batch, cancellationToken).ConfigureAwait(false);
            }

            // As in the guide, activation also resumes a paused application.
            await SaveRecordAsync(ApplicationState.Active, version, cancellationToken).ConfigureAwait(false);
            _active = topology;
            _devChanged = false;
            await StartProcessorAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Loads the active topology into the development context, to change and re-activate it.</summary>
    /// <exception cref="InvalidOperationException">The application was never activated.</exception>
    public async Task AttachAsync(CancellationToken cancellationToken = default)
    {
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        var active = _active ?? throw new InvalidOperationException($"Application '{Name}' has no active topology to attach to; define nodes and call {nameof(ActivateAsync)}.");
        _dev.Clear();
        _dev.AddRange(active.Ordered);
        _devChanged = false;
    }

    /// <summary>Stops processing; events are still accepted and kept, and processed after <see cref="ResumeAsync"/>.</summary>
    public async Task PauseAsync(CancellationToken cancellationToken = default) => await SetPausedAsync(true, cancellationToken).ConfigureAwait(false);

    /// <summary>Processes the events accepted while paused, and new ones.</summary>
    public async Task ResumeAsync(CancellationToken cancellationToken = default) => await SetPausedAsync(false, cancellationToken).ConfigureAwait(false);

    /// <summary>Stops the application: nothing is processed until it is activated again; data and history are kept.</summary>
    /// <exception cref="InvalidOperationException">The application is not active or paused.</exception>
    public async Task TerminateAsync(CancellationToken cancellationToken = default)
    {
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        if (State is not (ApplicationState.Active or ApplicationState.Paused))
        {
            throw new InvalidOperationException($"Application '{Name}' is {State}; only an active or paused application can be terminated.");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await StopProcessorAsync().ConfigureAwait(false);
            await SaveRecordAsync(ApplicationState.Inactive, _record!.ActiveTopologyVersion, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Deletes everything of the application: store records and its folder.</summary>
    /// <exception cref="InvalidOperationException">The application is active or paused (terminate it first).</exception>
    public async Task DeleteAsync(CancellationToken cancellationToken = default)
    {
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        if (State is ApplicationState.Active or ApplicationState.Paused)
        {
            throw new InvalidOperationException($"Application '{Name}' is {State}; terminate it before deleting it.");
        }

        await _store.DeleteApplicationAsync(Name, cancellationToken).ConfigureAwait(false);
        ReleaseEngineLock();
        LocalDataStorage.DeleteIfExists(Root);
        _record = new ApplicationRecord(Name, ApplicationState.Deleted, 0, _options.TimeProvider.GetUtcNow());
        _active = null;
        _dev.Clear();
    }

    /// <summary>Injects an event: the TIP partition of a material signal (<c>app["ext"]["NA"]["2021-09-20"]</c>). A timer's shift is applied.</summary>
    /// <remarks>The event is durable when this returns; it is processed asynchronously (after resume when paused).</remarks>
    /// <exception cref="ArgumentException">The signal is not material, or its node is not in the active topology.</exception>
    public Task ProcessAsync(Signal signal, CancellationToken cancellationToken = default) => ProcessAsync([signal], cancellationToken);

    /// <summary>Injects many events in one commit.</summary>
    public async Task ProcessAsync(IReadOnlyList<Signal> signals, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(signals);
        var active = await RequireRunningAsync(cancellationToken).ConfigureAwait(false);
        var now = _options.TimeProvider.GetUtcNow();
        var events = new List<EventRecord>(signals.Count);
        foreach (var signal in signals)
        {
            var node = active.Nodes.GetValueOrDefault(signal.NodeId) ?? throw new ArgumentException($"Node '{signal.NodeId}' is not in the active topology of application '{Name}'; activate it first.", nameof(signals));
            var values = Material(signal, node.Signal.Spec);
            if (node is TimerNode timer && timer.Shift != 0)
            {
                var dimension = timer.Signal.Spec[0];
                values = [dimension.Render(dimension.Add(dimension.Parse(values[0]), timer.Shift))];
            }

            events.Add(new EventRecord(node.Id, values, now));
        }

        await _store.EnqueueAsync(Name, events, cancellationToken).ConfigureAwait(false);
        _processor?.NotifyQueued();
    }

    /// <summary>Runs a node for a material output partition, inferring its inputs (the guide's <c>execute</c>).</summary>
    /// <param name="target">The output partition: <c>app["B"]["2021-09-20"]</c>.</param>
    /// <param name="wait">Wait until the execution ended (and throw if it failed).</param>
    /// <param name="recursive">First execute every ancestor partition that an input needs and that is missing, crawling up.</param>
    /// <param name="force">Run even when input partitions the execution needs are missing (RheocerOS's <c>integrity_check=False</c>).</param>
    /// <param name="cancellationToken">Stops waiting (the execution goes on).</param>
    /// <returns>The output folder.</returns>
    /// <remarks>
    /// When another process runs the engine (it holds the engine lock, e.g. <c>rheo serve</c>), the target's
    /// triggering inputs are injected as events and the call follows the execution they start through the store; a
    /// recursive execute needs the engine and is refused then.
    /// </remarks>
    /// <exception cref="ArgumentException">The target is not material, not a data node, or its inputs cannot be inferred (the message names each dimension).</exception>
    /// <exception cref="ExecutionFailedException">Waiting, the execution or a recursive ancestor failed.</exception>
    /// <exception cref="InvalidOperationException">Recursive, while another process runs the engine.</exception>
    /// <exception cref="MissingInputsException">Without <paramref name="force"/>: an input partition the execution needs is missing (the triggering partition of a non-reference input, or any partition of a range-checked input); nothing was started.</exception>
    public async Task<string> ExecuteAsync(Signal target, bool wait = true, bool recursive = false, bool force = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var active = await RequireRunningAsync(cancellationToken, implicitActivation: true).ConfigureAwait(false);
        if (_processor is null)
        {
            return await ExecuteThroughQueueAsync(active, target, wait, recursive, force, cancellationToken).ConfigureAwait(false);
        }

        var processor = _processor;
        var (route, output, key) = Target(active, target);
        var path = processor.Data.PartitionPath(route.Id, route.OutputSpec.Render(output));
        var resolution = route.ResolveInputs(output);
        if (!resolution.Succeeded)
        {
            throw new ArgumentException($"Node '{route.Id}' cannot be executed for [{key}]: {string.Join(" ", resolution.Problems)}", nameof(target));
        }

        if (recursive)
        {
            var startedAt = _options.TimeProvider.GetUtcNow();
            var ancestors = new List<Task>();
            foreach (var input in resolution.Inputs)
            {
                var upstream = active.Nodes[input.Input.NodeId];
                foreach (var partition in input.Partitions.Where(p => !processor.IsAvailable(upstream.Id, p)))
                {
                    if (upstream is FailureNode)
                    {
                        throw new InvalidOperationException($"Node '{route.Id}' [{key}] needs the failure of '{((FailureNode)upstream).Of}' [{string.Join(", ", upstream.Signal.Spec.Render(partition))}]; a failure cannot be executed, only awaited.");
                    }

                    if (upstream is not DataNode)
                    {
                        throw new InvalidOperationException($"Node '{route.Id}' [{key}] needs partition [{string.Join(", ", upstream.Signal.Spec.Render(partition))}] of external node '{upstream.Id}', which is missing at {processor.PathOf(upstream.Id, partition, upstream.Signal.Spec.Render(partition))}; external data cannot be executed.");
                    }

                    ancestors.Add(ExecuteAsync(upstream.Signal.Where(DimensionFilter.Of(upstream.Signal.Spec, [.. upstream.Signal.Spec.Render(partition)])), wait: true, recursive: true, cancellationToken: cancellationToken));
                }
            }

            await Task.WhenAll(ancestors).ConfigureAwait(false);
            if (ancestors.Count > 0 && await LatestAsync(route.Id, key, cancellationToken).ConfigureAwait(false) is { } latest && latest.CreatedAt >= startedAt && latest.Status != ExecutionStatus.Failed && latest.Status != ExecutionStatus.Killed)
            {
                // The ancestors' outputs already triggered this node through normal propagation.
                return wait ? await WaitAsync(processor, latest.Id, route.Id, key, path, cancellationToken).ConfigureAwait(false) : path;
            }
        }

        if (!force)
        {
            RequireInputs(processor.Availability, route, output, resolution.Inputs);
        }

        var id = await processor.ExecuteAsync(route.Id, output, resolution.Inputs, cancellationToken).ConfigureAwait(false);
        return wait ? await WaitAsync(processor, id, route.Id, key, path, cancellationToken).ConfigureAwait(false) : path;
    }

    /// <summary>The input partitions an execution of an output partition needs and that are missing (empty when it can run).</summary>
    /// <remarks>The same check execute makes: the triggering partition of each non-reference input, every partition of a range-checked input; external data by its integrity protocol, internal outputs by their completion marker, timers by their schedule.</remarks>
    /// <exception cref="ArgumentException">The target is not a material partition of a data node, or its inputs cannot be inferred.</exception>
    public async Task<IReadOnlyList<MissingInput>> GetMissingInputsAsync(Signal target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var active = await RequireActiveTopologyAsync(cancellationToken).ConfigureAwait(false);
        var (route, output, key) = Target(active, target);
        var resolution = route.ResolveInputs(output);
        if (!resolution.Succeeded)
        {
            throw new ArgumentException($"Node '{route.Id}' cannot be executed for [{key}]: {string.Join(" ", resolution.Problems)}", nameof(target));
        }

        return AvailabilityOf(active).Missing(resolution.Inputs);
    }

    /// <summary>Why a partition of any node is not there (null when it is): external data by its integrity protocol, an internal output by its completion marker, a timer value by its schedule.</summary>
    /// <exception cref="ArgumentException">The signal is not material, or its node is not in the active topology.</exception>
    public async Task<string?> WhyMissingAsync(Signal partition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partition);
        var active = await RequireActiveTopologyAsync(cancellationToken).ConfigureAwait(false);
        var node = active.Nodes.GetValueOrDefault(partition.NodeId) ?? throw new ArgumentException($"Node '{partition.NodeId}' is not in the active topology of application '{Name}'.", nameof(partition));
        var values = Material(partition, node.Signal.Spec);
        var parsed = node.Signal.Spec.Parse([.. values.Cast<object?>()]);
        var availability = AvailabilityOf(active);
        return availability.IsAvailable(node.Id, parsed) ? null : availability.Reason(node.Id, parsed, values);
    }

    /// <summary>Why the node's inputs can never produce an output partition (null when they can): an input's partition outside its filter, or a timer value its schedule never emits.</summary>
    /// <remarks>Missing data is not a reason: data can still arrive; a timer's calendar cannot change.</remarks>
    public async Task<string?> WhyNotProducibleAsync(Signal target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var active = await RequireActiveTopologyAsync(cancellationToken).ConfigureAwait(false);
        var (route, output, _) = Target(active, target);
        var resolution = route.ResolveInputs(output);
        if (!resolution.Succeeded)
        {
            return string.Join(" ", resolution.Problems);
        }

        var availability = AvailabilityOf(active);
        return resolution.Inputs
            .Where(i => !i.Input.IsReference && active.Nodes[i.Input.NodeId] is TimerNode && !availability.IsAvailable(i.Input.NodeId, i.Datum))
            .Select(i => availability.Reason(i.Input, i.Datum, i.Input.Spec.Render(i.Datum)))
            .FirstOrDefault();
    }

    private InputAvailability AvailabilityOf(ActiveTopology active) =>
        _processor is { } processor && processor.Topology == active ? processor.Availability : new InputAvailability(active, new LocalDataStorage(Root));

    private static void RequireInputs(InputAvailability availability, Route route, Partition output, IReadOnlyList<MaterializedInput> inputs)
    {
        if (availability.Missing(inputs) is [_, ..] missing)
        {
            var values = route.OutputSpec.Render(output);
            throw new MissingInputsException(
                $"Node '{route.Id}' cannot run for [{string.Join(", ", values)}]: {string.Join("; ", missing.Select(m => m.Reason))}. Provide the inputs, execute recursively to produce missing upstream outputs first, or force it to run anyway.",
                route.Id, values, missing);
        }
    }

    /// <summary>Where an output partition stands: never attempted, waiting (a pending group exists), running, succeeded (with its path), lost (succeeded, but its output is gone) or failed (with the compute records).</summary>
    /// <remarks>The output's completion marker is the truth: a partition whose last execution succeeded but whose <c>_SUCCESS</c> is gone is <see cref="PollStatus.Lost"/>.</remarks>
    public async Task<PollResult> PollAsync(Signal target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var active = await RequireActiveTopologyAsync(cancellationToken).ConfigureAwait(false);
        var (route, output, key) = Target(active, target);
        var latest = await LatestAsync(route.Id, key, cancellationToken).ConfigureAwait(false);
        if (latest is null)
        {
            return await WaitingAsync(active, route, output, cancellationToken).ConfigureAwait(false) is { } waiting
                ? new PollResult(PollStatus.Waiting, null, null, [], waiting)
                : new PollResult(PollStatus.NeverAttempted, null, null, []);
        }

        var records = await _store.GetComputeRecordsAsync(Name, latest.Id, cancellationToken).ConfigureAwait(false);
        var storage = new LocalDataStorage(Root);
        var path = storage.PartitionPath(route.Id, route.OutputSpec.Render(output));
        return latest.Status switch
        {
            ExecutionStatus.Succeeded when storage.IsComplete(route.Id, route.OutputSpec.Render(output)) => new PollResult(PollStatus.Succeeded, path, latest, records),
            ExecutionStatus.Succeeded => new PollResult(PollStatus.Lost, null, latest, records, $"execution {latest.Id} succeeded, but its output is gone: no {LocalDataStorage.CompletionFile} in {path}"),
            ExecutionStatus.Pending or ExecutionStatus.Running => new PollResult(PollStatus.Running, null, latest, records),
            ExecutionStatus.Reset => new PollResult(PollStatus.Reset, null, latest, records),
            _ => new PollResult(PollStatus.Failed, null, latest, records),
        };
    }

    // What the pending group that would produce this output waits for, or null when no such group exists.
    private async Task<string?> WaitingAsync(ActiveTopology active, Route route, Partition output, CancellationToken cancellationToken)
    {
        var resolution = route.ResolveInputs(output);
        if (!resolution.Succeeded)
        {
            return null;
        }

        var expected = resolution.Inputs.ToDictionary(i => i.Input.Index);
        var groups = await GetPendingGroupsAsync(route.Id, cancellationToken).ConfigureAwait(false);
        var group = groups.FirstOrDefault(g => g.Received.Any(p => p is not null)
            && g.Received.Select((p, i) => (p, i)).All(r => r.p is not { } received || (expected.TryGetValue(r.i, out var e) && e.Datum.Equals(received))));
        if (group is null)
        {
            return null;
        }

        var waits = await WaitsAsync(active, route, group, expected, cancellationToken).ConfigureAwait(false);
        return waits.Count == 0 ? $"group {group.Id} is about to run" : $"group {group.Id}: {string.Join("; ", waits)}";
    }

    /// <summary>The pending trigger groups of a node with what each has received and what it waits for, in words (<c>waiting for daily_totals[NA, 2024-04-30] (range check)</c>, <c>blocked: upstream failed: ...</c>).</summary>
    public async Task<IReadOnlyList<WaitingGroup>> GetWaitingGroupsAsync(string nodeId, CancellationToken cancellationToken = default)
    {
        var active = await RequireActiveTopologyAsync(cancellationToken).ConfigureAwait(false);
        if (!active.Routes.TryGetValue(nodeId, out var route))
        {
            throw new ArgumentException($"Node '{nodeId}' is not a data node of the active topology of application '{Name}'.", nameof(nodeId));
        }

        var result = new List<WaitingGroup>();
        foreach (var group in await GetPendingGroupsAsync(nodeId, cancellationToken).ConfigureAwait(false))
        {
            var received = route.Inputs.Where(i => group.Received[i.Index] is not null).Select(i => $"{i.NodeId}[{string.Join(", ", i.Spec.Render(group.Received[i.Index]!))}]").ToList();
            result.Add(new WaitingGroup(group.Id, group.CreatedAt, received, await WaitsAsync(active, route, group, null, cancellationToken).ConfigureAwait(false)));
        }

        return result;
    }

    private async Task<IReadOnlyList<string>> WaitsAsync(ActiveTopology active, Route route, TriggerGroupSnapshot group, IReadOnlyDictionary<int, MaterializedInput>? expected, CancellationToken cancellationToken)
    {
        var availability = AvailabilityOf(active);
        var waits = new List<string>();
        foreach (var input in route.Inputs)
        {
            if (input.IsReference && !input.IsRangeCheck)
            {
                continue;
            }

            var check = input.IsRangeCheck ? " (range check)" : string.Empty;
            var needed = new List<Partition>();
            if (group.Received[input.Index] is { } received)
            {
                if (input.IsRangeCheck)
                {
                    needed.AddRange((input.Filter.HasRanges ? input.Filter.Expand(input.Spec, received) : [received]).Where(p => !availability.IsAvailable(input.NodeId, p)));
                }
            }
            else if (expected?.GetValueOrDefault(input.Index) is { } wanted)
            {
                needed.Add(wanted.Datum);
                if (input.IsRangeCheck)
                {
                    needed.AddRange(wanted.Partitions.Where(p => !p.Equals(wanted.Datum) && !availability.IsAvailable(input.NodeId, p)));
                }
            }
            else
            {
                waits.Add($"waiting for an event of {input.NodeId}{check}");
                continue;
            }

            foreach (var partition in needed)
            {
                var values = input.Spec.Render(partition);
                var describe = $"{input.NodeId}[{string.Join(", ", values)}]{check}";
                var upstream = active.Nodes[input.NodeId] is DataNode
                    ? await LatestAsync(input.NodeId, string.Join('/', values), cancellationToken).ConfigureAwait(false)
                    : null;
                waits.Add(upstream switch
                {
                    { Status: ExecutionStatus.Failed or ExecutionStatus.Killed } => $"blocked: upstream failed: {describe} (execution {upstream.Id}: {upstream.Error})",
                    { IsActive: true } => $"waiting for {describe}, running (execution {upstream.Id})",
                    _ when active.Nodes[input.NodeId] is ExternalDataNode => $"waiting for {describe}: {availability.Reason(input, partition, values)}",
                    _ => $"waiting for {describe}",
                });
            }
        }

        return waits;
    }

    /// <summary>Kills the running execution of an output partition.</summary>
    /// <remarks>When another process runs the engine, the kill is left as a request it takes within its queue poll, and the call waits until the execution has ended.</remarks>
    /// <returns>Whether an execution was running and is being stopped.</returns>
    public async Task<bool> KillAsync(Signal target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var active = await RequireRunningAsync(cancellationToken).ConfigureAwait(false);
        var (route, _, key) = Target(active, target);
        if (_processor is { } processor)
        {
            return await processor.KillAsync(route.Id, key, cancellationToken).ConfigureAwait(false);
        }

        if (await LatestAsync(route.Id, key, cancellationToken).ConfigureAwait(false) is not { IsActive: true } running)
        {
            return false;
        }

        var requests = Processor.RequestsOf(Root);
        Directory.CreateDirectory(requests);
        await File.WriteAllBytesAsync(Path.Combine(requests, "kill-" + running.Id.ToString(CultureInfo.InvariantCulture)), [], cancellationToken).ConfigureAwait(false);
        while (await LatestAsync(route.Id, key, cancellationToken).ConfigureAwait(false) is { IsActive: true } still && still.Id == running.Id)
        {
            await Task.Delay(ExternalPollInterval, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>The executions of a node, newest first (active ones with <paramref name="activeOnly"/>), the guide's active and inactive compute records.</summary>
    public async Task<IReadOnlyList<ExecutionRecord>> GetExecutionsAsync(string nodeId, bool activeOnly = false, int limit = 1000, CancellationToken cancellationToken = default)
    {
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await _store.GetExecutionsAsync(Name, new ExecutionQuery(nodeId, null, activeOnly, limit), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The compute records of an execution (one per target and attempt).</summary>
    public async Task<IReadOnlyList<ComputeRecord>> GetComputeRecordsAsync(long executionId, CancellationToken cancellationToken = default)
    {
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await _store.GetComputeRecordsAsync(Name, executionId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The route metrics of a node (hook transitions, see <see cref="HookTypes"/>).</summary>
    public async Task<IReadOnlyList<MetricPoint>> GetMetricsAsync(string nodeId, string? name = null, CancellationToken cancellationToken = default)
    {
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await _store.GetMetricsAsync(Name, nodeId, name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Where a data node's partitions stand, each counted once by its latest execution (as <c>rheo status</c> and <c>rheo run</c> show them).</summary>
    /// <remarks>Reads every execution of the node and checks the completion marker of each succeeded partition.</remarks>
    public async Task<NodeStatus> GetNodeStatusAsync(string nodeId, CancellationToken cancellationToken = default)
    {
        var active = await RequireActiveTopologyAsync(cancellationToken).ConfigureAwait(false);
        if (!active.Routes.TryGetValue(nodeId, out var route))
        {
            throw new ArgumentException($"Node '{nodeId}' is not a data node of the active topology of application '{Name}'.", nameof(nodeId));
        }

        var executions = await _store.GetExecutionsAsync(Name, new ExecutionQuery(nodeId), cancellationToken).ConfigureAwait(false);
        var latest = executions.DistinctBy(e => e.OutputKey).ToList();
        var storage = new LocalDataStorage(Root);
        var succeeded = latest.Where(e => e.Status == ExecutionStatus.Succeeded).ToList();
        var lost = succeeded.Where(e => !storage.IsComplete(route.Id, e.Output)).ToList();
        var pending = await GetPendingGroupsAsync(nodeId, cancellationToken).ConfigureAwait(false);
        return new NodeStatus(
            nodeId,
            succeeded.Count - lost.Count,
            [.. latest.Where(e => e.Status is ExecutionStatus.Failed or ExecutionStatus.Killed)],
            [.. latest.Where(e => e.IsActive)],
            lost,
            pending.Count,
            executions.Count);
    }

    /// <summary>How many accepted events wait in the queue for an engine to route them.</summary>
    public async Task<long> GetQueuedEventCountAsync(CancellationToken cancellationToken = default)
    {
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await _store.CountQueuedAsync(Name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The application's hook outbox: hook calls not yet run (left by a process that stopped, or waiting to be retried) and those given up after every attempt failed.</summary>
    public async Task<IReadOnlyList<HookRecord>> GetHooksAsync(CancellationToken cancellationToken = default)
    {
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await _store.GetHooksAsync(Name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The pending trigger groups of a node, as of the last commit.</summary>
    public async Task<IReadOnlyList<TriggerGroupSnapshot>> GetPendingGroupsAsync(string nodeId, CancellationToken cancellationToken = default)
    {
        var active = await RequireActiveTopologyAsync(cancellationToken).ConfigureAwait(false);
        if (_processor is { } processor)
        {
            return await processor.PendingGroupsAsync(nodeId, cancellationToken).ConfigureAwait(false);
        }

        var route = (await _store.GetRoutesAsync(Name, cancellationToken).ConfigureAwait(false)).FirstOrDefault(r => r.RouteId == nodeId);
        return route is null || !active.Routes.TryGetValue(nodeId, out var compiled) ? [] : [.. route.Groups.Values.Select(json => StateJson.ReadGroup(compiled, active, json))];
    }

    /// <summary>Previews an output partition: up to <paramref name="maxLines"/> lines of its data files.</summary>
    /// <exception cref="InvalidOperationException">The partition is not complete.</exception>
    public async Task<IReadOnlyList<string>> LoadDataAsync(Signal target, int maxLines = 100, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var active = await RequireActiveTopologyAsync(cancellationToken).ConfigureAwait(false);
        var (route, output, key) = Target(active, target);
        var storage = new LocalDataStorage(Root);
        var values = route.OutputSpec.Render(output);
        if (!storage.IsComplete(route.Id, values))
        {
            throw new InvalidOperationException($"Partition [{key}] of node '{route.Id}' is not complete; poll it or execute it first.");
        }

        var lines = new List<string>();
        foreach (var file in Directory.EnumerateFiles(storage.PartitionPath(route.Id, values), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (Path.GetFileName(file) is LocalDataStorage.CompletionFile || Path.GetFileName(file).StartsWith('.'))
            {
                continue;
            }

            await foreach (var line in File.ReadLinesAsync(file, cancellationToken).ConfigureAwait(false))
            {
                if (lines.Count >= maxLines)
                {
                    return lines;
                }

                lines.Add(line);
            }
        }

        return lines;
    }

    /// <summary>Completes when this instance's processor has nothing queued, running or about to run (pending groups waiting for inputs do not count).</summary>
    /// <exception cref="InvalidOperationException">This instance does not run the processor.</exception>
    public async Task WaitForIdleAsync(CancellationToken cancellationToken = default)
    {
        await RequireRunningAsync(cancellationToken).ConfigureAwait(false);
        var processor = _processor ?? throw new InvalidOperationException($"Another process runs application '{Name}' (it holds {EngineLockPath}).");
        await processor.WaitForIdleAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens the application: reads its state and, when it is active, starts the processor (recovering interrupted work).</summary>
    public async Task OpenAsync(CancellationToken cancellationToken = default)
    {
        if (_opened)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await OpenCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await StopProcessorAsync().ConfigureAwait(false);
        ReleaseEngineLock();
        if (_ownsStore)
        {
            await _store.DisposeAsync().ConfigureAwait(false);
        }

        _gate.Dispose();
    }

    private string EngineLockPath => Path.Combine(Root, "engine.lock");

    private string EnginePidPath => Path.Combine(Root, "engine.pid");

    private static ILocalStoreFactory LocalStore()
    {
        Assembly assembly;
        try
        {
            assembly = Assembly.Load("Rheo.Storage.Sqlite");
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            throw new InvalidOperationException("Application.Local needs the embedded store: add a reference to the Rheo.Storage.Sqlite package, or use Application.Create with another store.", e);
        }

        var attribute = assembly.GetCustomAttribute<LocalStoreFactoryAttribute>()
            ?? throw new InvalidOperationException($"The assembly {assembly.GetName().Name} does not declare a [LocalStoreFactory].");
        return (ILocalStoreFactory)Activator.CreateInstance(attribute.FactoryType)!;
    }

    private async Task OpenCoreAsync(CancellationToken cancellationToken)
    {
        if (_opened)
        {
            return;
        }

        _record = await _store.GetApplicationAsync(Name, cancellationToken).ConfigureAwait(false);
        if (_record is { ActiveTopologyVersion: > 0 } record)
        {
            var json = await _store.GetTopologyAsync(Name, record.ActiveTopologyVersion, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Application '{Name}' names topology version {record.ActiveTopologyVersion}, which the store does not hold.");
            // A stored topology was validated when activated; its user types may live in assemblies this process
            // (a status command, say) never loads, and an execution that needs a missing type fails with that error.
            var nodes = TopologyJson.Read(json, CompileData);
            _active = Validate(nodes, requireTypes: false);
        }

        _opened = true;
        if (_record is { State: ApplicationState.Active or ApplicationState.Paused })
        {
            await StartProcessorAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task StartProcessorAsync(CancellationToken cancellationToken)
    {
        if (!_options.StartProcessor || _active is null || _processor is not null)
        {
            return;
        }

        if (_engineLock is null)
        {
            Directory.CreateDirectory(Root);
            try
            {
                _engineLock = new FileStream(EngineLockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                Log.EngineHeldElsewhere(_logger, Name, EngineLockPath);
                return;
            }
        }

        var processor = new Processor(Name, _store, _active, Root, _options, _logger);
        await processor.StartAsync(State == ApplicationState.Paused, cancellationToken).ConfigureAwait(false);
        _processor = processor;
        await File.WriteAllTextAsync(EnginePidPath, string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId} {_options.TimeProvider.GetUtcNow():O}\n"), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The process that runs this application's engine now (this one, or another holding its engine lock), or null when none does.</summary>
    /// <remarks>Read from the <c>engine.pid</c> file the engine writes beside its lock; a file left by a process that is gone does not count.</remarks>
    public EngineInfo? RunningEngine()
    {
        if (!File.Exists(EnginePidPath))
        {
            return null;
        }

        string[] parts;
        try
        {
            parts = File.ReadAllText(EnginePidPath).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
        catch (IOException)
        {
            return null;
        }

        if (parts.Length < 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !DateTimeOffset.TryParse(parts[1], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var since))
        {
            return null;
        }

        if (pid == Environment.ProcessId)
        {
            return _processor is null ? null : new EngineInfo(pid, since, IsThisProcess: true);
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.HasExited ? null : new EngineInfo(pid, since, IsThisProcess: false);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private async Task StopProcessorAsync()
    {
        if (_processor is { } processor)
        {
            _processor = null;
            await processor.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void ReleaseEngineLock()
    {
        if (_engineLock is null)
        {
            return;
        }

        try
        {
            File.Delete(EnginePidPath);
        }
        catch (IOException)
        {
            // A stale pid file names a process that is gone, which RunningEngine does not count.
        }

        _engineLock.Dispose();
        _engineLock = null;
    }

    private async Task SetPausedAsync(bool paused, CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        var expected = paused ? ApplicationState.Active : ApplicationState.Paused;
        if (State != expected)
        {
            throw new InvalidOperationException($"Application '{Name}' is {State}; {(paused ? "only an active application can be paused" : "only a paused application can be resumed")}.");
        }

        await SaveRecordAsync(paused ? ApplicationState.Paused : ApplicationState.Active, _record!.ActiveTopologyVersion, cancellationToken).ConfigureAwait(false);
        if (_processor is { } processor)
        {
            await processor.SetPausedAsync(paused, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SaveRecordAsync(ApplicationState state, long version, CancellationToken cancellationToken)
    {
        var record = new ApplicationRecord(Name, state, version, _options.TimeProvider.GetUtcNow());
        await _store.SaveApplicationAsync(record, cancellationToken).ConfigureAwait(false);
        _record = record;
    }

    private async Task<ActiveTopology> RequireActiveTopologyAsync(CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        return _active ?? throw new InvalidOperationException($"Application '{Name}' has not been activated; call {nameof(ActivateAsync)} first.");
    }

    private async Task<ActiveTopology> RequireRunningAsync(CancellationToken cancellationToken, bool implicitActivation = false)
    {
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        if (implicitActivation && _devChanged)
        {
            // As the guide's execute: a new or changed node is activated first.
            await ActivateAsync(cancellationToken).ConfigureAwait(false);
        }

        if (State is not (ApplicationState.Active or ApplicationState.Paused))
        {
            throw new InvalidOperationException($"Application '{Name}' is {State}; it must be active or paused (call {nameof(ActivateAsync)}).");
        }

        if (_processor?.Fault is { } fault)
        {
            throw new InvalidOperationException($"The processor of application '{Name}' stopped after a store failure; dispose this instance and open the application again to recover.", fault);
        }

        return _active!;
    }

    // Another process runs the engine: inject the target's triggering inputs as events, as the guide's execute does,
    // and follow the execution they start through the store.
    private async Task<string> ExecuteThroughQueueAsync(ActiveTopology active, Signal target, bool wait, bool recursive, bool force, CancellationToken cancellationToken)
    {
        if (recursive)
        {
            throw new InvalidOperationException($"Another process runs application '{Name}' (it holds {EngineLockPath}); a recursive execute needs the engine: run it there, stop that process, or execute without recursion.");
        }

        var (route, output, key) = Target(active, target);
        var resolution = route.ResolveInputs(output);
        if (!resolution.Succeeded)
        {
            throw new ArgumentException($"Node '{route.Id}' cannot be executed for [{key}]: {string.Join(" ", resolution.Problems)}", nameof(target));
        }

        if (!force)
        {
            RequireInputs(AvailabilityOf(active), route, output, resolution.Inputs);
        }

        var now = _options.TimeProvider.GetUtcNow();
        var events = resolution.Inputs
            .Where(i => !i.Input.IsReference)
            .Select(i => new EventRecord(i.Input.NodeId, i.Input.Spec.Render(i.Datum), now))
            .ToList();
        await _store.EnqueueAsync(Name, events, cancellationToken).ConfigureAwait(false);
        var path = new LocalDataStorage(Root).PartitionPath(route.Id, route.OutputSpec.Render(output));
        if (!wait)
        {
            return path;
        }

        // The engine polls the queue every 250 ms; the execution is the first of this output created since, or the one
        // already running for it (the engine skips a trigger for an output that is being computed).
        long? following = null;
        while (true)
        {
            if (await LatestAsync(route.Id, key, cancellationToken).ConfigureAwait(false) is { } latest && (latest.CreatedAt >= now || latest.IsActive || latest.Id == following))
            {
                following = latest.Id;
                if (latest.IsActive)
                {
                    await Task.Delay(ExternalPollInterval, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (latest.Status == ExecutionStatus.Succeeded)
                {
                    return path;
                }

                var records = await _store.GetComputeRecordsAsync(Name, latest.Id, cancellationToken).ConfigureAwait(false);
                throw new ExecutionFailedException($"Execution {latest.Id} of node '{latest.RouteId}' [{latest.OutputKey}] {latest.Status.ToString().ToLowerInvariant()}: {latest.Error}", latest, records);
            }

            await Task.Delay(ExternalPollInterval, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ExecutionRecord?> LatestAsync(string routeId, string key, CancellationToken cancellationToken) =>
        await _store.GetExecutionsAsync(Name, new ExecutionQuery(routeId, key, Limit: 1), cancellationToken).ConfigureAwait(false) is [var latest, ..] ? latest : null;

    private async Task<string> WaitAsync(Processor processor, long id, string routeId, string key, string path, CancellationToken cancellationToken)
    {
        var final = await processor.WaitForExecutionAsync(id, routeId, key, cancellationToken).ConfigureAwait(false);
        if (final.Status == ExecutionStatus.Succeeded)
        {
            return path;
        }

        var records = await _store.GetComputeRecordsAsync(Name, id, cancellationToken).ConfigureAwait(false);
        throw new ExecutionFailedException($"Execution {id} of node '{final.RouteId}' [{final.OutputKey}] {final.Status.ToString().ToLowerInvariant()}: {final.Error}", final, records);
    }

    private (Route Route, Partition Output, string Key) Target(ActiveTopology active, Signal target)
    {
        if (!active.Routes.TryGetValue(target.NodeId, out var route))
        {
            throw new ArgumentException(active.Nodes.ContainsKey(target.NodeId)
                ? $"Node '{target.NodeId}' is {active.Nodes[target.NodeId].Signal.Kind}, not a data node of application '{Name}'; only data nodes have executions."
                : $"Node '{target.NodeId}' is not in the active topology of application '{Name}'; activate it first.", nameof(target));
        }

        var values = Material(target, route.OutputSpec);
        var output = route.OutputSpec.Parse([.. values.Cast<object?>()]);
        return (route, output, string.Join('/', values));
    }

    private static string[] Material(Signal signal, DimensionSpec spec)
    {
        if (!signal.Filter.IsMaterial)
        {
            throw new ArgumentException($"The signal of node '{signal.NodeId}' is not material: give a value for every dimension ({string.Join(", ", spec.Names)}), e.g. node[\"value\"]; got {signal.Filter.ToString(spec)}.", nameof(signal));
        }

        var values = spec.Render(signal.Tip());
        foreach (var value in values)
        {
            _ = LocalDataStorage.Encode(value);
        }

        return values;
    }

    private NodeDefinition? Find(string id) => _dev.FirstOrDefault(n => n.Id == id) ?? _active?.Nodes.GetValueOrDefault(id);

    private int DevIndex(string id)
    {
        var index = _dev.FindIndex(n => n.Id == id);
        return index >= 0 ? index : throw new KeyNotFoundException($"Application '{Name}' has no node '{id}' in its development context{(_active?.Nodes.ContainsKey(id) == true ? "; call AttachAsync to edit the active topology" : string.Empty)}.");
    }

    private T Define<T>(T node)
        where T : NodeDefinition
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(node.Id);
        if (_dev.Any(n => n.Id == node.Id))
        {
            throw new ArgumentException($"Application '{Name}' already has a node '{node.Id}'; use UpdateData or PatchData to change it.", nameof(node));
        }

        _ = LocalDataStorage.Encode(node.Id);
        _dev.Add(node);
        _devChanged = true;
        return node;
    }

    private static DataNode CompileData(DataNode node)
    {
        var route = Route.Compile(RouteOf(node), out var diagnostics);
        if (route is null)
        {
            throw new TopologyException(diagnostics);
        }

        var signal = new Signal(node.Id, SignalKind.InternalData, route.OutputSpec, node.OutputFilter, new ResourceDescriptor("rheo", node.Id), IntegrityProtocol.Success);
        return node.WithSignal(signal);
    }

    private static RouteDefinition RouteOf(DataNode node) => new()
    {
        Id = node.Id,
        Inputs = node.Inputs,
        InputLinks = node.InputLinks,
        OutputSpec = node.OutputSpec,
        OutputLinks = node.OutputLinks,
        AutoInputLinking = node.AutoInputLinking,
        AutoOutputLinking = node.AutoOutputLinking,
        PendingTtl = node.PendingNodeTtl,
        PendingCheckpoints = [.. node.PendingNodeHook?.Checkpoints.Select(c => c.After) ?? []],
    };

    private static ActiveTopology Validate(IReadOnlyList<NodeDefinition> nodes, bool requireTypes = true)
    {
        var topologyNodes = nodes.Select(n => new TopologyNode(n.Signal, n is DataNode d ? RouteOf(d) : null)).ToList();
        var diagnostics = TopologyValidator.Validate(topologyNodes, out var routes).ToList();
        foreach (var data in nodes.OfType<DataNode>())
        {
            if (data.ComputeTargets.Count == 0)
            {
                diagnostics.Add(new TopologyDiagnostic(RuntimeCodes.NoComputeTargets, data.Id, "the data node has no compute targets; give at least one (ComputeTarget.NoOp for a node that only joins its inputs)."));
            }

            foreach (var (target, i) in data.ComputeTargets.Select((t, i) => (t, i)))
            {
                if (requireTypes && target is InlinedComputeTarget inlined && TypeNames.Resolve(inlined.TypeName) is null)
                {
                    diagnostics.Add(new TopologyDiagnostic(RuntimeCodes.UnknownType, data.Id, $"compute target {i} names the type '{inlined.TypeName}', which is not loaded in this process."));
                }
                else if (requireTypes && target is CSharpComputeTarget csharp && CSharpCompute.Errors(csharp.Code) is [_, ..] codeErrors)
                {
                    diagnostics.AddRange(codeErrors.Select(e => new TopologyDiagnostic(RuntimeCodes.InvalidComputeCode, data.Id, $"compute target {i} (C# code) does not compile: {e}")));
                }
                else if (target.RetryCount < 0)
                {
                    diagnostics.Add(new TopologyDiagnostic(RuntimeCodes.InvalidRetryCount, data.Id, $"compute target {i} has the retry count {target.RetryCount}; it must be 0 or more."));
                }
            }

            var hooks = new[] { data.ExecutionHook?.OnExecutionBegin, data.ExecutionHook?.OnExecutionSkipped, data.ExecutionHook?.OnComputeSuccess, data.ExecutionHook?.OnComputeFailure,
                data.ExecutionHook?.OnComputeRetry, data.ExecutionHook?.OnSuccess, data.ExecutionHook?.OnFailure, data.PendingNodeHook?.OnPendingNodeCreated, data.PendingNodeHook?.OnExpiration }
                .Concat((data.ExecutionHook?.Checkpoints ?? []).Concat(data.PendingNodeHook?.Checkpoints ?? []).Select(c => c.Hook));
            foreach (var hook in hooks.OfType<HookRef>().Where(h => requireTypes && TypeNames.Resolve(h.TypeName) is null).Distinct())
            {
                diagnostics.Add(new TopologyDiagnostic(RuntimeCodes.UnknownType, data.Id, $"the hook type '{hook.TypeName}' is not loaded in this process."));
            }
        }

        var byId = nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        foreach (var failure in nodes.OfType<FailureNode>())
        {
            if (byId.GetValueOrDefault(failure.Of) is not DataNode of)
            {
                diagnostics.Add(new TopologyDiagnostic(RuntimeCodes.StaleFailureSignal, failure.Id, $"the failure signal of '{failure.Of}' has no data node '{failure.Of}' to watch; remove the routes that consume it or add the node back."));
            }
            else if (!of.Signal.Spec.Equals(failure.Spec))
            {
                diagnostics.Add(new TopologyDiagnostic(RuntimeCodes.StaleFailureSignal, failure.Id, $"'{failure.Of}' changed its output dimensions since its failure signal was created; the signal has [{failure.Spec}] and the node [{of.Signal.Spec}]."));
            }
        }

        var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
        {
            throw new TopologyException(errors);
        }

        return new ActiveTopology(nodes, routes);
    }
}

/// <summary>Diagnostic codes the runtime adds to the topology validation of Rheo.Core (RHEO0101–RHEO0117).</summary>
public static class RuntimeCodes
{
    /// <summary>A data node without compute targets.</summary>
    public const string NoComputeTargets = "RHEO0201";

    /// <summary>A failure signal whose data node is gone or changed its output dimensions.</summary>
    public const string StaleFailureSignal = "RHEO0205";

    /// <summary>A compute or hook type that is not loaded.</summary>
    public const string UnknownType = "RHEO0202";

    /// <summary>A negative retry count.</summary>
    public const string InvalidRetryCount = "RHEO0203";

    /// <summary>C# compute code that does not compile.</summary>
    public const string InvalidComputeCode = "RHEO0204";
}
