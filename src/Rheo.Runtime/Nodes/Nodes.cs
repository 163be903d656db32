using Rheo.Core.Dimensions;
using Rheo.Core.Filters;
using Rheo.Core.Links;
using Rheo.Core.Signals;
using Rheo.Runtime.Compute;
using Rheo.Runtime.Hooks;

namespace Rheo.Runtime.Nodes;

/// <summary>A dataset in a local folder (the local counterpart of the guide's S3 dataset).</summary>
/// <param name="Folder">The dataset's root folder.</param>
/// <param name="PartitionKeys">One path segment format per dimension with <c>{}</c> for the value (<c>"region={}"</c>, <c>"{}"</c>); empty means the rendered values as segments.</param>
/// <param name="Format">The data format: <c>csv</c>, <c>jsonl</c> or <c>any</c>.</param>
public sealed record LocalDataset(string Folder, IReadOnlyList<string> PartitionKeys, string Format = "csv")
{
    /// <summary>A dataset whose partitions are folders named by the given key formats.</summary>
    public static LocalDataset Of(string folder, params string[] partitionKeys) => new(folder, partitionKeys);
}

/// <summary>A node of an application, as defined (and persisted).</summary>
/// <param name="Id">The node id.</param>
public abstract record NodeDefinition(string Id)
{
    /// <summary>The node's signal: index it (<c>node["NA"]["2021-09-20"]</c>) to use it as an input or to name a partition.</summary>
    public abstract Signal Signal { get; }
}

/// <summary>A timer (the guide's <c>add_timer</c>): emits its time dimension on a rate or cron schedule.</summary>
/// <param name="Id">The node id.</param>
/// <param name="Schedule">An EventBridge schedule expression: <c>rate(1 day)</c> or <c>cron(0 12 * * ? *)</c>.</param>
/// <param name="TimeDimension">The name of its single DATETIME dimension.</param>
/// <param name="Format">The dimension's format.</param>
/// <param name="Granularity">The dimension's granularity.</param>
/// <param name="Shift">Added (in granularity units) to the fire time to give the emitted value.</param>
public sealed record TimerNode(string Id, string Schedule, string TimeDimension, string Format, DatetimeGranularity Granularity, int Shift) : NodeDefinition(Id)
{
    /// <inheritdoc />
    public override Signal Signal { get; } = new(Id, SignalKind.Timer, DimensionSpec.Of(Dimension.DateTime(TimeDimension, Granularity, Format)), null,
        new ResourceDescriptor("timer", Id, null, new Dictionary<string, string> { ["schedule"] = Schedule }), IntegrityProtocol.None);
}

/// <summary>External data in a local folder (the guide's <c>marshal_external_data</c>).</summary>
/// <param name="Id">The node id.</param>
/// <param name="Dataset">Where the data is.</param>
/// <param name="Spec">Its dimensions.</param>
/// <param name="Filter">Its admitted values.</param>
/// <param name="Protocol">How a partition is known complete (e.g. a <c>_SUCCESS</c> file).</param>
public sealed record ExternalDataNode(string Id, LocalDataset Dataset, DimensionSpec Spec, DimensionFilter Filter, IntegrityProtocol Protocol) : NodeDefinition(Id)
{
    /// <inheritdoc />
    public override Signal Signal { get; } = new(Id, SignalKind.ExternalData, Spec, Filter,
        new ResourceDescriptor("file", Dataset.Folder, Dataset.PartitionKeys, new Dictionary<string, string> { ["format"] = Dataset.Format }), Protocol);
}

/// <summary>An internal data node (the guide's <c>create_data</c>): a route from inputs to an output computed by compute targets.</summary>
/// <remarks>Use with <c>with</c> to patch: <c>app.PatchData("B", b =&gt; b with { ComputeTargets = [...] })</c>.</remarks>
public sealed record DataNode(string Id) : NodeDefinition(Id)
{
    private Signal? _signal;

    /// <summary>The inputs, in order (aliases via <see cref="Signal.As"/>).</summary>
    public IReadOnlyList<Signal> Inputs { get; init; } = [];

    /// <summary>Links between input dimensions.</summary>
    public IReadOnlyList<InputLink> InputLinks { get; init; } = [];

    /// <summary>The output dimensions; null adopts the first input's.</summary>
    public DimensionSpec? OutputSpec { get; init; }

    /// <summary>The output's admitted values; null admits all.</summary>
    public DimensionFilter? OutputFilter { get; init; }

    /// <summary>Links from inputs to output dimensions.</summary>
    public IReadOnlyList<OutputLink> OutputLinks { get; init; } = [];

    /// <summary>The work run for each execution, in order.</summary>
    public IReadOnlyList<ComputeTarget> ComputeTargets { get; init; } = [];

    /// <summary>Execution hooks.</summary>
    public ExecutionHook? ExecutionHook { get; init; }

    /// <summary>Pending-node hooks.</summary>
    public PendingNodeHook? PendingNodeHook { get; init; }

    /// <summary>How long a pending group waits before it is dropped; null waits forever.</summary>
    public TimeSpan? PendingNodeTtl { get; init; }

    /// <summary>Whether same-named input dimensions are linked automatically.</summary>
    public bool AutoInputLinking { get; init; } = true;

    /// <summary>Whether same-named output dimensions are linked to inputs automatically.</summary>
    public bool AutoOutputLinking { get; init; } = true;

    /// <summary>Free metadata, handed to compute targets in their params.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>The node's output signal (set by the application once its route compiled).</summary>
    public override Signal Signal => _signal ?? throw new InvalidOperationException($"Node '{Id}' has not been added to an application yet.");

    internal DataNode WithSignal(Signal signal) => this with { _signal = signal };
}

/// <summary>
/// The failures of a data node as a signal: one event, with the failed output's dimensions, each time an execution of
/// <paramref name="Of"/> fails (not when it is killed). Created by <c>Application.FailuresOf</c>; a route consuming it
/// runs on failures the way other routes run on outputs.
/// </summary>
/// <param name="Id">The node id (<c>{Of}.failed</c>).</param>
/// <param name="Of">The data node whose failures it carries.</param>
/// <param name="Spec">The data node's output dimensions.</param>
public sealed record FailureNode(string Id, string Of, DimensionSpec Spec) : NodeDefinition(Id)
{
    /// <summary>The suffix of a failure node's id after its data node's id.</summary>
    public const string Suffix = ".failed";

    /// <inheritdoc />
    public override Signal Signal { get; } = new(Id, SignalKind.InternalData, Spec, null,
        new ResourceDescriptor("failure", Of, null, new Dictionary<string, string>()), IntegrityProtocol.None);
}
