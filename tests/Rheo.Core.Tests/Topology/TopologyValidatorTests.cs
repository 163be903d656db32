using Rheo.Core.Dimensions;
using Rheo.Core.Filters;
using Rheo.Core.Links;
using Rheo.Core.Routing;
using Rheo.Core.Signals;
using Rheo.Core.Topology;
using static Rheo.Core.Tests.Routing.Nodes;

namespace Rheo.Core.Tests.Topology;

public sealed class TopologyValidatorTests
{
    private static TopologyNode Data(string id, params Signal[] inputs) =>
        new(new Signal(id, SignalKind.InternalData, inputs.Length > 0 ? inputs[0].Spec : DimensionSpec.Empty), new RouteDefinition { Id = id, Inputs = inputs });

    private static IReadOnlyList<TopologyDiagnostic> Validate(params TopologyNode[] nodes) => TopologyValidator.Validate(nodes, out _);

    [Fact]
    public void A_valid_topology_has_no_errors_and_compiles_every_route()
    {
        var ext = External("ext", Day());

        var diagnostics = TopologyValidator.Validate([new TopologyNode(ext), Data("a", ext), Data("b", new Signal("a", SignalKind.InternalData, ext.Spec))], out var routes);

        Assert.Empty(diagnostics);
        Assert.Equal(["a", "b"], routes.Keys.Order());
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var ext = External("ext", Day());
        var metric = new Signal("m", SignalKind.Metric, WellKnownSpecs.Metric);

        var diagnostics = Validate(new TopologyNode(ext), new TopologyNode(ext), new TopologyNode(metric), Data("a", metric), Data("b", External("ghost", Day())));

        Assert.Contains(diagnostics, d => d.Code == TopologyCodes.DuplicateNodeId && d.NodeId == "ext");
        Assert.Contains(diagnostics, d => d.Code == TopologyCodes.IncompatibleInputKind && d.NodeId == "a" && d.Message.Contains("Alarm", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.Code == TopologyCodes.UnknownInputNode && d.NodeId == "b" && d.Message.Contains("ghost", StringComparison.Ordinal));
    }

    [Fact]
    public void A_cycle_is_reported_with_its_path()
    {
        var spec = DimensionSpec.Of(Day());

        var diagnostics = Validate(
            Data("a", new Signal("b", SignalKind.InternalData, spec)),
            Data("b", new Signal("a", SignalKind.InternalData, spec)));

        var cycle = Assert.Single(diagnostics, d => d.Code == TopologyCodes.Cycle);
        Assert.Contains("←", cycle.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_input_twice_without_aliases_is_an_error()
    {
        var ext = External("ext", Day());

        var diagnostics = Validate(new TopologyNode(ext), Data("a", ext.Range(-7), ext.Range(-30)));

        Assert.Contains(diagnostics, d => d.Code == TopologyCodes.DuplicateInput && d.Message.Contains("alias", StringComparison.Ordinal));
    }

    [Fact]
    public void An_input_whose_dimension_types_differ_from_the_node_is_an_error()
    {
        var ext = External("ext", Day());

        var diagnostics = Validate(new TopologyNode(ext), Data("a", External("ext", Dimension.Long("day"))));

        Assert.Contains(diagnostics, d => d.Code == TopologyCodes.WrongType);
    }

    [Fact]
    public void An_input_filter_outside_the_upstream_filter_is_an_error()
    {
        var region = DimensionSpec.Of(Dimension.String("region"));
        var declared = new Signal("ext", SignalKind.ExternalData, region, DimensionFilter.Of(region, ["NA"], ["EU"]));
        var stray = new Signal("ext", SignalKind.ExternalData, region)["JP"];

        var diagnostics = Validate(new TopologyNode(declared), Data("a", stray));

        Assert.Contains(diagnostics, d => d.Code == TopologyCodes.FilterValueOutOfSpec && d.Message.Contains("JP", StringComparison.Ordinal));
    }

    [Fact]
    public void Route_errors_name_the_dimension_and_the_valid_choices()
    {
        var a = External("a", Day());
        var b = External("b", Dimension.String("region"));
        var definition = new RouteDefinition
        {
            Id = "r",
            Inputs = [a, b.Ref],
            OutputSpec = DimensionSpec.Of(Dimension.String("country")),
            OutputLinks = [OutputLink.From("nation", DimensionMapper.Identity, b.Dim("region"))],
        };

        Route.Compile(definition, out var diagnostics);

        Assert.Contains(diagnostics, d => d.Code == TopologyCodes.UnknownOutputDimension && d.Message.Contains("country", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.Code == TopologyCodes.OutputDimensionUnlinked && d.Message.Contains("'country'", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.Code == TopologyCodes.UnresolvableReference && d.Message.Contains("'region'", StringComparison.Ordinal));
        Assert.Throws<TopologyException>(() => Route.Compile(definition));
    }

    [Fact]
    public void A_link_to_a_signal_that_is_not_an_input_lists_the_inputs()
    {
        var a = External("a", Day());
        var outsider = External("outsider", Day());

        Route.Compile(new RouteDefinition { Id = "r", Inputs = [a], InputLinks = [new InputLink(outsider.Dim("day"), DimensionMapper.Identity, a.Dim("day"))] }, out var diagnostics);

        var error = Assert.Single(diagnostics, d => d.Code == TopologyCodes.LinkToUnknownInput);
        Assert.Contains("inputs: a", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void All_reference_inputs_can_never_trigger()
    {
        var a = External("a", Day());

        Route.Compile(new RouteDefinition { Id = "r", Inputs = [a["2021-09-20"].Ref] }, out var diagnostics);

        Assert.Contains(diagnostics, d => d.Code == TopologyCodes.AllInputsReferences);
    }

    [Fact]
    public void A_literal_that_does_not_fit_its_dimension_is_an_error()
    {
        var a = External("a", Day());

        Route.Compile(new RouteDefinition
        {
            Id = "r",
            Inputs = [a],
            OutputSpec = DimensionSpec.Of(Day(), Dimension.Long("marketplace_id")),
            OutputLinks = [OutputLink.Literal("marketplace_id", "US")],
        }, out var diagnostics);

        Assert.Contains(diagnostics, d => d.Code == TopologyCodes.InvalidLiteral && d.Message.Contains("marketplace_id", StringComparison.Ordinal));
    }

    [Fact]
    public void A_non_positive_ttl_is_an_error()
    {
        Route.Compile(new RouteDefinition { Id = "r", Inputs = [External("a", Day())], PendingTtl = TimeSpan.Zero }, out var diagnostics);

        Assert.Contains(diagnostics, d => d.Code == TopologyCodes.InvalidTiming);
    }

    [Fact]
    public void A_delegate_mapper_is_a_warning_that_it_will_not_be_persisted()
    {
        var a = External("a", Dimension.String("region"));
        var b = External("b", Dimension.Long("region_id"));

        var route = Route.Compile(new RouteDefinition { Id = "r", Inputs = [a, b], InputLinks = [new InputLink(b.Dim("region_id"), DimensionMapper.From<string>(_ => 1L), a.Dim("region"))] }, out var diagnostics);

        Assert.NotNull(route);
        Assert.Equal(DiagnosticSeverity.Warning, Assert.Single(diagnostics).Severity);
    }
}
