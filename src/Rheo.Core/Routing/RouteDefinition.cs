using Rheo.Core.Dimensions;
using Rheo.Core.Links;
using Rheo.Core.Signals;

namespace Rheo.Core.Routing;

/// <summary>
/// The declaration of an internal data node's route: inputs, links, output spec and pending-group timing. Compile it
/// with <see cref="Route.Compile(RouteDefinition)"/>.
/// </summary>
public sealed record RouteDefinition
{
    /// <summary>The route's (node's) id.</summary>
    public required string Id { get; init; }

    /// <summary>The inputs, each a (possibly narrowed, aliased, referenced or range-checked) signal.</summary>
    public IReadOnlyList<Signal> Inputs { get; init; } = [];

    /// <summary>Links between input dimensions.</summary>
    public IReadOnlyList<InputLink> InputLinks { get; init; } = [];

    /// <summary>The output's dimension spec; null adopts the first input's spec.</summary>
    public DimensionSpec? OutputSpec { get; init; }

    /// <summary>Links between output and input dimensions, or literals.</summary>
    public IReadOnlyList<OutputLink> OutputLinks { get; init; } = [];

    /// <summary>Whether same-named input dimensions are linked by equality automatically (default true).</summary>
    public bool AutoInputLinking { get; init; } = true;

    /// <summary>Whether output dimensions are linked to same-named input dimensions automatically (default true).</summary>
    public bool AutoOutputLinking { get; init; } = true;

    /// <summary>How long a pending trigger group lives before it expires; null never expires.</summary>
    public TimeSpan? PendingTtl { get; init; }

    /// <summary>Times after a pending group's creation at which a checkpoint hook fires.</summary>
    public IReadOnlyList<TimeSpan> PendingCheckpoints { get; init; } = [];
}
