using Rheo.Core.Dimensions;
using Rheo.Core.Filters;
using Rheo.Core.Links;
using Rheo.Core.Signals;
using Rheo.Core.Topology;

namespace Rheo.Core.Routing;

/// <summary>
/// A compiled, validated route: inputs indexed, links resolved (explicit, automatic and inverted), the output spec
/// fixed. Immutable and shareable; pending groups live in a <see cref="RouteState"/>.
/// </summary>
public sealed partial class Route
{
    private Route(RouteDefinition definition, RouteInput[] inputs, DimensionSpec outputSpec, LinkRule[] checks, LinkRule[][] providers, OutputRule[] outputRules, ReverseRule[] reverseRules)
    {
        Definition = definition;
        Inputs = inputs;
        OutputSpec = outputSpec;
        Checks = checks;
        Providers = providers;
        OutputRules = outputRules;
        ReverseRules = reverseRules;
        InputsByNode = inputs.GroupBy(i => i.NodeId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        IndependentCount = inputs.Count(i => !i.IsReference);
        HasRangeChecks = inputs.Any(i => i.IsRangeCheck);
        DirectOutput = DirectOutputOf(inputs, outputSpec, outputRules);
        HasReferences = inputs.Any(i => i.IsReference);
        ChecksByInput = [.. inputs.Select(i => checks.Where(c => c.TargetInput == i.Index || c.Sources.Any(s => s.Input == i.Index)).ToArray())];
    }

    /// <summary>The route's id.</summary>
    public string Id => Definition.Id;

    /// <summary>The declaration the route was compiled from.</summary>
    public RouteDefinition Definition { get; }

    /// <summary>The inputs, in declaration order.</summary>
    public IReadOnlyList<RouteInput> Inputs { get; }

    /// <summary>The output's dimension spec (adopted from the first input when not declared).</summary>
    public DimensionSpec OutputSpec { get; }

    /// <summary>The links checked between inputs, explicit and automatic, in text form.</summary>
    public IEnumerable<string> LinkDescriptions => Checks.Select(c => c.Text);

    internal LinkRule[] Checks { get; }

    internal LinkRule[][] Providers { get; }

    internal OutputRule[] OutputRules { get; }

    internal ReverseRule[] ReverseRules { get; }

    internal Dictionary<string, RouteInput[]> InputsByNode { get; }

    internal int IndependentCount { get; }

    internal LinkRule[][] ChecksByInput { get; }

    internal bool HasRangeChecks { get; }

    internal bool HasReferences { get; }

    // For each output dimension, the input dimension it copies unchanged; null when some dimension needs inference.
    internal (int Input, int Dim)[]? DirectOutput { get; }

    /// <summary>Compiles a route, collecting every problem instead of stopping at the first.</summary>
    /// <returns>The route, or null when <paramref name="diagnostics"/> holds an error.</returns>
    public static Route? Compile(RouteDefinition definition, out IReadOnlyList<TopologyDiagnostic> diagnostics)
    {
        var compiler = new RouteCompiler(definition);
        var route = compiler.Compile();
        diagnostics = compiler.Diagnostics;
        return compiler.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error) ? null : route;
    }

    /// <summary>Compiles a route.</summary>
    /// <exception cref="TopologyException">The definition is invalid; the exception lists every problem.</exception>
    public static Route Compile(RouteDefinition definition) =>
        Compile(definition, out var diagnostics) ?? throw new TopologyException(diagnostics);

    private static (int Input, int Dim)[]? DirectOutputOf(RouteInput[] inputs, DimensionSpec outputSpec, OutputRule[] rules)
    {
        if (inputs.Any(i => i.IsReference))
        {
            return null;
        }

        var direct = new (int Input, int Dim)[outputSpec.Count];
        for (var o = 0; o < direct.Length; o++)
        {
            var rule = rules.FirstOrDefault(r => r.OutputDim == o);
            if (rule is not { Sources: [var source] } || !rule.Mapper.IsIdentity || !SameValues(inputs[source.Input].Spec[source.Dim], outputSpec[o]))
            {
                return null;
            }

            direct[o] = source;
        }

        return direct;
    }

    // Whether a value of one dimension is, unchanged, a canonical value of the other (same type, same precision).
    private static bool SameValues(Dimension from, Dimension to) =>
        from.Type == to.Type && (from.Type != DimensionType.DateTime || Equals(from.Format, to.Format)) && (from.Type != DimensionType.String || to.Case == StringCase.AsIs || from.Case == to.Case);

    internal static Route Create(RouteDefinition definition, RouteInput[] inputs, DimensionSpec outputSpec, LinkRule[] checks, OutputRule[] outputRules, ReverseRule[] reverseRules)
    {
        // Providers: every rule that yields a value for an input dimension, including inverses of invertible
        // single-source links, so that index keys and references can be computed from whichever side arrived first.
        var providers = inputs.Select(_ => new List<LinkRule>()).ToArray();
        foreach (var rule in LinkRule.WithInverses(checks))
        {
            providers[rule.TargetInput].Add(rule);
        }

        return new Route(definition, inputs, outputSpec, checks, [.. providers.Select(p => p.ToArray())], outputRules, reverseRules);
    }
}

/// <summary>One input of a compiled route.</summary>
public sealed class RouteInput
{
    internal RouteInput(int index, Signal signal)
    {
        Index = index;
        Signal = signal;
    }

    /// <summary>The input's position in the route.</summary>
    public int Index { get; }

    /// <summary>The input's signal (filter, alias, flags).</summary>
    public Signal Signal { get; }

    /// <summary>The input's name: alias or node id.</summary>
    public string Name => Signal.InputName;

    /// <summary>The node the input consumes.</summary>
    public string NodeId => Signal.NodeId;

    /// <summary>The input's dimension spec.</summary>
    public DimensionSpec Spec => Signal.Spec;

    /// <summary>The input's filter.</summary>
    public DimensionFilter Filter => Signal.Filter;

    /// <summary>Whether the input is a reference (never triggers).</summary>
    public bool IsReference => Signal.IsReference;

    /// <summary>Whether the input's range must be complete before running.</summary>
    public bool IsRangeCheck => Signal.IsRangeCheck;

    /// <inheritdoc />
    public override string ToString() => Signal.ToString();
}

// target input dimension = mapper(source input dimensions)
internal sealed record LinkRule(int TargetInput, int TargetDim, DimensionMapper Mapper, (int Input, int Dim)[] Sources, string Text)
{
    // The rules followed by the inverse of every invertible single-source rule (source = inverse(target)).
    public static IEnumerable<LinkRule> WithInverses(IEnumerable<LinkRule> rules)
    {
        foreach (var rule in rules)
        {
            yield return rule;
            if (rule.Sources is [var (si, sd)] && rule.Mapper.TryInvert(out var inverse))
            {
                yield return new LinkRule(si, sd, inverse!, [(rule.TargetInput, rule.TargetDim)], rule.Text + " (inverted)");
            }
        }
    }
}

// output dimension = mapper(source input dimensions) or literal
internal sealed record OutputRule(int OutputDim, DimensionMapper Mapper, (int Input, int Dim)[] Sources, object? Literal, string Text);

// input dimension = mapper(output dimensions)
internal sealed record ReverseRule(int TargetInput, int TargetDim, DimensionMapper Mapper, int[] OutputDims, string Text);
