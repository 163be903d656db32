using Rheo.Core.Dimensions;
using Rheo.Core.Filters;
using Rheo.Core.Links;
using Rheo.Core.Routing;
using Rheo.Core.Signals;
using static Rheo.Core.Tests.Routing.Nodes;

namespace Rheo.Core.Tests.Routing;

// The examples of the user guide's sections "Flow Generation, Signal Propagation and Execution Control",
// "Runtime Event Propagation and Execution/Trigger Model" and "Deep-Dive into the Runtime Model of an Internal Data Node".
public sealed class GuideScenarioTests
{
    private static readonly Dictionary<string, string> RegionToId = new() { ["NA"] = "1", ["EU"] = "2", ["JP"] = "3" };

    private static (Signal Ext1, Signal Ext2, RouteDefinition Internal1) RegionLinkedNode()
    {
        var ext1 = External("my_external_signal_1", Dimension.String("region"));
        var ext2 = External("my_external_signal_2", Dimension.Long("region_id"));
        var definition = new RouteDefinition
        {
            Id = "my_internal_data_node_1",
            Inputs = [ext1, ext2],
            InputLinks =
            [
                new InputLink(ext2.Dim("region_id"), DimensionMapper.Lookup(RegionToId), ext1.Dim("region")),
                new InputLink(ext1.Dim("region"), DimensionMapper.Lookup(RegionToId.ToDictionary(p => p.Value, p => p.Key)), ext2.Dim("region_id")),
            ],
        };
        return (ext1, ext2, definition);
    }

    [Fact]
    public void Region_and_region_id_links_form_the_three_possible_trigger_groups()
    {
        var (ext1, ext2, definition) = RegionLinkedNode();
        var state = new RouteState(Route.Compile(definition));

        state.Receive(ext1.NodeId, P(ext1, "NA"), T0);
        var mismatch = state.Receive(ext2.NodeId, P(ext2, 3), T0);
        var match = state.Receive(ext2.NodeId, P(ext2, 1), T0);

        Assert.Empty(mismatch.Executions);
        var execution = Assert.Single(match.Executions);
        Assert.Equal("NA", execution.Inputs[0].Datum[0].AsString());
        Assert.Equal(1, execution.Inputs[1].Datum[0].AsLong());
        Assert.Equal(["NA"], Render(state.Route.OutputSpec, execution.Output));
        Assert.Equal(1, state.PendingCount);
    }

    [Fact]
    public void The_output_spec_is_adopted_from_the_first_input_so_a_downstream_EU_filter_works()
    {
        var (_, _, definition) = RegionLinkedNode();
        var internal1 = Route.Compile(definition);
        var internal1Signal = new Signal(internal1.Id, SignalKind.InternalData, internal1.OutputSpec);
        var downstream = new RouteState(Route.Compile(new RouteDefinition { Id = "my_internal_signal_node_2", Inputs = [internal1Signal["EU"].As("input_dataframe_alias")] }));

        var na = downstream.Receive(internal1.Id, P(internal1Signal, "NA"), T0);
        var eu = downstream.Receive(internal1.Id, P(internal1Signal, "EU"), T0);

        Assert.Equal(["region"], internal1.OutputSpec.Names);
        Assert.Equal(RouteOutcome.Rejected, na.Outcome);
        Assert.Single(eu.Executions);
    }

    [Fact]
    public void A_renamed_output_dimension_needs_an_output_link_and_keeps_downstream_working()
    {
        var (ext1, _, definition) = RegionLinkedNode();
        var renamedSpec = DimensionSpec.Of(Dimension.String("region_name"));
        var unlinked = definition with { OutputSpec = renamedSpec };
        var linked = unlinked with { OutputLinks = [OutputLink.From("region_name", DimensionMapper.Identity, ext1.Dim("region"))] };

        Route.Compile(unlinked, out var diagnostics);
        var route = Route.Compile(linked);
        var downstream = new Signal(route.Id, SignalKind.InternalData, route.OutputSpec)["EU"];

        Assert.Contains(diagnostics, d => d.Code == Rheo.Core.Topology.TopologyCodes.OutputDimensionUnlinked && d.Message.Contains("region_name", StringComparison.Ordinal));
        Assert.Equal("{EU}", downstream.Filter.ToString(route.OutputSpec));
    }

    [Fact]
    public void JP_outside_the_declared_filter_is_rejected_at_build_time()
    {
        var region = DimensionSpec.Of(Dimension.String("region"));
        var ext1 = new Signal("external_signal_1", SignalKind.ExternalData, region, DimensionFilter.Of(region, ["NA"], ["EU"]));

        var error = Assert.Throws<SignalFilterException>(() => ext1["JP"]);

        Assert.Contains("JP", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Timer_and_catalog_table_on_dim1_keep_groups_x_and_y_until_x_is_unlocked()
    {
        var input1 = Timer("timer", "dim1");
        var input2 = External("a_table_in_catalog", Dimension.DateTime("dim1"));
        var state = new RouteState(Route.Compile(new RouteDefinition { Id = "my_dataset", Inputs = [input1, input2] }));
        var x = new DateTime(2022, 4, 22);
        var y = x.AddDays(1);

        var created = state.Receive("timer", P(input1, x), T0);
        var second = state.Receive("a_table_in_catalog", P(input2, y), T0);
        var noop = state.Receive("timer", P(input1, x), T0);
        var unlock = state.Receive("a_table_in_catalog", P(input2, x), T0);

        Assert.Equal(PendingGroupEventKind.Created, Assert.Single(created.Events).Kind);
        Assert.Equal(RouteOutcome.OpenedGroup, second.Outcome);
        Assert.Empty(noop.ChangedGroups);
        var execution = Assert.Single(unlock.Executions);
        Assert.Equal(x, execution.Output[0].AsDateTime());
        var remaining = Assert.Single(state.PendingGroups);
        Assert.Equal(y, remaining.Received[1]![0].AsDateTime());
    }

    [Fact]
    public void A_daily_timer_with_a_range_checked_reference_waits_for_the_partition_then_runs()
    {
        var timer = Timer("daily_timer", "day");
        var ext1 = External("my_external_signal_1", Dimension.String("region"));
        var ext2 = External("my_external_signal_2", Dimension.Long("region_id"));
        var route = Route.Compile(new RouteDefinition
        {
            Id = "my_internal_data_node_1",
            Inputs = [timer, ext1, ext2.Ref.RangeCheck()],
            InputLinks =
            [
                new InputLink(ext2.Dim("region_id"), DimensionMapper.Lookup(RegionToId), ext1.Dim("region")),
                new InputLink(ext1.Dim("region"), DimensionMapper.Lookup(RegionToId.ToDictionary(p => p.Value, p => p.Key)), ext2.Dim("region_id")),
            ],
            OutputSpec = DimensionSpec.Of(Dimension.String("region"), Day()),
        });
        var state = new RouteState(route);

        state.Receive("daily_timer", P(timer, "2021-09-20"), T0);
        var ready = state.Receive("my_external_signal_1", P(ext1, "NA"), T0);
        var statusBeforeRelease = Assert.Single(state.PendingGroups).Status;
        var released = state.MarkAvailable("my_external_signal_2", [P(ext2, 1)], T0);

        var check = Assert.Single(ready.RangeChecks);
        Assert.Equal(("my_external_signal_2", P(ext2, 1)), Assert.Single(check.Missing));
        Assert.Equal(TriggerGroupStatus.AwaitingRanges, statusBeforeRelease);
        var execution = Assert.Single(released.Executions);
        Assert.Equal(["NA", "2021-09-20"], Render(route.OutputSpec, execution.Output));
        Assert.Equal(0, state.PendingCount);
    }

    [Fact]
    public void A_seven_day_range_check_stays_pending_until_the_gap_is_filled_by_an_event()
    {
        var node1 = new Signal("my_internal_data_node_1", SignalKind.InternalData, DimensionSpec.Of(Dimension.String("region"), Day()));
        var route = Route.Compile(new RouteDefinition { Id = "my_internal_signal_node_2", Inputs = [node1["*"].Range(-7).RangeCheck().As("seven_days_of_input1")] });
        var state = new RouteState(route);

        var first = state.Receive(node1.NodeId, P(node1, "NA", "2021-09-20"), T0);
        var check = Assert.Single(first.RangeChecks);
        var partial = state.MarkAvailable(node1.NodeId, check.Missing.Skip(1).Select(m => m.Partition), T0);
        var gapFilled = state.Receive(node1.NodeId, P(node1, "NA", "2021-09-19"), T0);

        Assert.Equal(6, check.Missing.Count);
        Assert.Empty(partial.Executions);
        var execution = Assert.Single(gapFilled.Executions, e => e.Output[1].AsDateTime() == new DateTime(2021, 9, 20));
        Assert.Equal(["NA", "2021-09-20"], Render(node1.Spec, execution.Inputs[0].Partitions[0]));
        Assert.Equal(["NA", "2021-09-14"], Render(node1.Spec, execution.Inputs[0].Partitions[6]));
    }

    [Fact]
    public void A_lookup_table_reference_is_inferred_from_the_link_and_runs_on_the_first_event()
    {
        var dataNode1 = External("data_node1", Day("date"));
        var lookupTable = External("lookup_table", Day());
        var route = Route.Compile(new RouteDefinition
        {
            Id = "new_node",
            Inputs = [dataNode1, lookupTable.Ref],
            InputLinks = [new InputLink(lookupTable.Dim("day"), DimensionMapper.Identity, dataNode1.Dim("date"))],
        });

        var execution = Assert.Single(new RouteState(route).Receive("data_node1", P(dataNode1, "2022-04-22"), T0).Executions);

        Assert.Equal(["2022-04-22"], Render(lookupTable.Spec, execution.Inputs[1].Datum));
        Assert.Equal(["2022-04-22"], Render(route.OutputSpec, execution.Output));
    }
}
