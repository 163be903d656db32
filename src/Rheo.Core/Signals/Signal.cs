using Rheo.Core.Dimensions;
using Rheo.Core.Filters;

namespace Rheo.Core.Signals;

/// <summary>
/// What a node emits and an input consumes: a kind, a resource, a dimension spec and filter, and how an input uses it
/// (alias, reference, range check). Immutable; indexing returns a narrower signal.
/// </summary>
/// <remarks>
/// <c>node["NA"]["2021-09-20"]</c> narrows level by level in spec order; <c>node["*"].Range(-7)</c> keeps any region
/// and takes a 7-value window on the next level. A value outside the node's filter throws at once
/// (<see cref="SignalFilterException"/>). Levels not indexed stay as declared.
/// </remarks>
public sealed class Signal
{
    private readonly int _cursor;

    /// <summary>Creates a node's own signal.</summary>
    /// <param name="nodeId">The id of the emitting node.</param>
    /// <param name="kind">The kind of the emitting node.</param>
    /// <param name="spec">The dimension spec.</param>
    /// <param name="filter">The declared filter; null admits everything.</param>
    /// <param name="resource">Where the data lives; null for an internal resource named after the node.</param>
    /// <param name="protocol">How completeness is decided; null for none.</param>
    /// <exception cref="ArgumentException">The filter's depth differs from the spec's, or the resource keys do not fit the spec.</exception>
    public Signal(string nodeId, SignalKind kind, DimensionSpec spec, DimensionFilter? filter = null, ResourceDescriptor? resource = null, IntegrityProtocol? protocol = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nodeId);
        filter ??= DimensionFilter.All(spec);
        if (filter.Depth != spec.Count)
        {
            throw new ArgumentException($"Node '{nodeId}': the filter has {filter.Depth} level(s) but the spec has {spec.Count} dimension(s) ({spec.Describe()}).", nameof(filter));
        }

        resource ??= new ResourceDescriptor("internal", nodeId);
        if (!resource.Fits(spec))
        {
            throw new ArgumentException($"Node '{nodeId}': the resource declares {resource.PartitionKeys.Count} partition key(s) but the spec has {spec.Count} dimension(s) ({spec.Describe()}).", nameof(resource));
        }

        NodeId = nodeId;
        Kind = kind;
        Spec = spec;
        Filter = filter;
        DeclaredFilter = filter;
        Resource = resource;
        Protocol = protocol ?? IntegrityProtocol.None;
    }

    private Signal(Signal from, DimensionFilter filter, int cursor, string? alias, bool isReference, bool rangeCheck)
    {
        NodeId = from.NodeId;
        Kind = from.Kind;
        Spec = from.Spec;
        DeclaredFilter = from.DeclaredFilter;
        Resource = from.Resource;
        Protocol = from.Protocol;
        Filter = filter;
        _cursor = cursor;
        Alias = alias;
        IsReference = isReference;
        IsRangeCheck = rangeCheck;
    }

    /// <summary>The id of the node that emits this signal.</summary>
    public string NodeId { get; }

    /// <summary>The kind of the emitting node.</summary>
    public SignalKind Kind { get; }

    /// <summary>The dimension spec.</summary>
    public DimensionSpec Spec { get; }

    /// <summary>The filter of this view: the node's declared filter narrowed by indexing.</summary>
    public DimensionFilter Filter { get; }

    /// <summary>The filter the node declared.</summary>
    public DimensionFilter DeclaredFilter { get; }

    /// <summary>Where the data lives.</summary>
    public ResourceDescriptor Resource { get; }

    /// <summary>How completeness of a partition is decided.</summary>
    public IntegrityProtocol Protocol { get; }

    /// <summary>The name this input has inside a route, if set; otherwise the node id names it.</summary>
    public string? Alias { get; }

    /// <summary>Whether this input is a reference: it never triggers, its partition is inferred through links.</summary>
    public bool IsReference { get; }

    /// <summary>Whether every partition of this input's range must be complete before the route runs.</summary>
    public bool IsRangeCheck { get; }

    /// <summary>The input's name within a route: the alias, or the node id.</summary>
    public string InputName => Alias ?? NodeId;

    /// <summary>The signal as a reference input (the guide's <c>.ref</c>).</summary>
    public Signal Ref => new(this, Filter, _cursor, Alias, true, IsRangeCheck);

    /// <summary>Whether every level is a concrete value (e.g. <c>node["NA"]["2021-09-20"]</c>).</summary>
    public bool IsMaterial => Filter.IsMaterial;

    /// <summary>Narrows the next dimension to a value, <c>"*"</c>, or a range text such as <c>"_:-7"</c>.</summary>
    /// <exception cref="ArgumentException">Every dimension is already indexed.</exception>
    /// <exception cref="InvalidDimensionValueException">The value is invalid for the dimension.</exception>
    /// <exception cref="SignalFilterException">The value is outside the node's filter.</exception>
    public Signal this[object value] => Index(value);

    /// <summary>Narrows the next dimension to a relative range around the event's value (the guide's <c>[:-7]</c>).</summary>
    /// <param name="count">Values to take: negative goes back from the datum, positive forward.</param>
    /// <param name="shift">Units every value is moved by (the guide's <c>[shift:count]</c>).</param>
    public Signal Range(int count, int shift = 0) => Index(new RelativeRange(count, shift));

    /// <summary>The signal as a reference input (the guide's <c>.ref</c> / <c>as_reference()</c>).</summary>
    public Signal AsReference() => Ref;

    /// <summary>The signal with range check switched on or off (the guide's <c>.range_check(True)</c>).</summary>
    public Signal RangeCheck(bool enabled = true) => new(this, Filter, _cursor, Alias, IsReference, enabled);

    /// <summary>The signal as an input named <paramref name="alias"/>.</summary>
    public Signal As(string alias)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(alias);
        return new(this, Filter, _cursor, alias, IsReference, IsRangeCheck);
    }

    /// <summary>The signal with the given filter (chained onto the declared one).</summary>
    /// <exception cref="SignalFilterException">Nothing of the filter is inside the node's filter.</exception>
    public Signal Where(DimensionFilter filter) => new(this, Narrowed(filter, "the filter " + filter.ToString(Spec)), Spec.Count, Alias, IsReference, IsRangeCheck);

    /// <summary>A reference to one of this input's dimensions, for links (the guide's <c>input("region")</c>).</summary>
    /// <exception cref="ArgumentException">No such dimension; the message lists the valid ones.</exception>
    public SignalDimensions Dim(string dimension) => Dims(dimension);

    /// <summary>A reference to several of this input's dimensions, for multi-dimension link sources.</summary>
    /// <exception cref="ArgumentException">A dimension does not exist; the message lists the valid ones.</exception>
    public SignalDimensions Dims(params string[] dimensions)
    {
        foreach (var d in dimensions)
        {
            _ = Spec.Get(d);
        }

        return new SignalDimensions(this, dimensions);
    }

    /// <summary>The concrete partitions of a material signal, TIP first (ranges around concrete values expanded).</summary>
    /// <exception cref="InvalidOperationException">A dimension is not material.</exception>
    public IReadOnlyList<Partition> Partitions() => Filter.Materialize(Spec);

    /// <summary>The TIP partition of a material signal.</summary>
    /// <exception cref="InvalidOperationException">A dimension is not material.</exception>
    public Partition Tip() => Filter.TipPartition(Spec);

    /// <inheritdoc />
    public override string ToString() =>
        $"{InputName}{(Alias is null ? string.Empty : $" ({NodeId})")}{Filter.ToString(Spec)}{(IsReference ? ".ref" : string.Empty)}{(IsRangeCheck ? ".range_check" : string.Empty)}";

    private Signal Index(object value)
    {
        if (_cursor >= Spec.Count)
        {
            throw new ArgumentException($"Node '{NodeId}' has {Spec.Count} dimension(s) ({Spec.Describe()}); there is no dimension left to index with '{value}'.", nameof(value));
        }

        var raw = new object?[_cursor + 1];
        Array.Fill(raw, "*");
        raw[_cursor] = value;
        var view = DimensionFilter.Of(Spec, raw);
        return new Signal(this, Narrowed(view, $"'{value}' for dimension '{Spec[_cursor].Name}'"), _cursor + 1, Alias, IsReference, IsRangeCheck);
    }

    private DimensionFilter Narrowed(DimensionFilter view, string what)
    {
        var narrowed = Filter.Narrow(Spec, view);
        return narrowed.IsEmpty ? throw new SignalFilterException(NodeId, what, Filter.ToString(Spec)) : narrowed;
    }
}

/// <summary>One or more dimensions of a route input, named in a link.</summary>
/// <param name="Signal">The input (its alias or node id identifies it in the route).</param>
/// <param name="Dimensions">The dimension names, in the order a mapper receives them.</param>
public sealed record SignalDimensions(Signal Signal, IReadOnlyList<string> Dimensions)
{
    /// <inheritdoc />
    public override string ToString() => $"{Signal.InputName}({string.Join(", ", Dimensions)})";
}

/// <summary>A value or view is outside a node's dimension filter; nothing was changed.</summary>
public sealed class SignalFilterException : RheoException
{
    /// <summary>Creates the exception.</summary>
    public SignalFilterException(string nodeId, string rejected, string allowed)
        : base($"Node '{nodeId}': {rejected} is outside its dimension filter {allowed}.")
    {
        NodeId = nodeId;
        Rejected = rejected;
        Allowed = allowed;
    }

    /// <summary>The node whose filter rejected the value.</summary>
    public string NodeId { get; }

    /// <summary>What was rejected.</summary>
    public string Rejected { get; }

    /// <summary>The filter, in text form.</summary>
    public string Allowed { get; }
}
