using Rheo.Core.Dimensions;
using Rheo.Core.Links;
using Rheo.Core.Routing;
using Rheo.Core.Signals;
using static Rheo.Core.Tests.Routing.Nodes;

namespace Rheo.Core.Tests.Routing;

public sealed class TriggerGroupTests
{
    private static (RouteState State, Signal A, Signal B) TwoInputsLinkedOnDay(TimeSpan? ttl = null, TimeSpan[]? checkpoints = null)
    {
        var a = External("a", Day());
        var b = External("b", Day());
        var route = Route.Compile(new RouteDefinition { Id = "joined", Inputs = [a, b], PendingTtl = ttl, PendingCheckpoints = checkpoints ?? [] });
        return (new RouteState(route), a, b);
    }

    [Fact]
    public void An_event_opens_a_pending_group_that_a_linked_event_completes()
    {
        var (state, a, b) = TwoInputsLinkedOnDay();

        var first = state.Receive("a", P(a, "2021-09-20"), T0);
        var second = state.Receive("b", P(b, "2021-09-20"), T0);

        Assert.Equal(RouteOutcome.OpenedGroup, first.Outcome);
        Assert.Equal(PendingGroupEventKind.Created, Assert.Single(first.Events).Kind);
        Assert.Equal(RouteOutcome.Consumed, second.Outcome);
        var execution = Assert.Single(second.Executions);
        Assert.Equal(["2021-09-20"], Render(state.Route.OutputSpec, execution.Output));
        Assert.Equal(0, state.PendingCount);
    }

    [Fact]
    public void Duplicate_event_on_a_pending_group_is_ignored()
    {
        var (state, a, _) = TwoInputsLinkedOnDay();
        state.Receive("a", P(a, "2021-09-20"), T0);

        var again = state.Receive("a", P(a, "2021-09-20"), T0);

        Assert.Equal(RouteOutcome.Consumed, again.Outcome);
        Assert.Empty(again.ChangedGroups);
        Assert.Equal(1, state.PendingCount);
    }

    [Fact]
    public void Events_with_different_linked_values_spawn_separate_groups()
    {
        var (state, a, b) = TwoInputsLinkedOnDay();

        state.Receive("a", P(a, "2021-09-20"), T0);
        state.Receive("b", P(b, "2021-09-21"), T0);

        Assert.Equal(2, state.PendingCount);
        Assert.All(state.PendingGroups, g => Assert.Equal(TriggerGroupStatus.Collecting, g.Status));
    }

    [Fact]
    public void After_a_group_fires_the_same_event_opens_a_new_group()
    {
        var x = External("x", Day());
        var state = new RouteState(Route.Compile(new RouteDefinition { Id = "single", Inputs = [x] }));

        var first = state.Receive("x", P(x, "2021-09-20"), T0);
        var second = state.Receive("x", P(x, "2021-09-20"), T0);

        Assert.Single(first.Executions);
        Assert.Single(second.Executions);
    }

    [Fact]
    public void Unlinked_inputs_are_many_to_many()
    {
        var a = External("a", Dimension.String("x"));
        var b = External("b", Dimension.Long("y"));
        var state = new RouteState(Route.Compile(new RouteDefinition { Id = "r", Inputs = [a, b] }));
        state.Receive("a", P(a, "one"), T0);
        state.Receive("a", P(a, "two"), T0);

        var decision = state.Receive("b", P(b, 1), T0);

        Assert.Equal(2, decision.Executions.Count);
        Assert.Equal(0, state.PendingCount);
    }

    [Fact]
    public void Reference_events_never_open_groups()
    {
        var data = External("data", Day("date"));
        var lookup = External("lookup", Day());
        var route = Route.Compile(new RouteDefinition
        {
            Id = "r",
            Inputs = [data, lookup.Ref],
            InputLinks = [new InputLink(lookup.Dim("day"), DimensionMapper.Identity, data.Dim("date"))],
        });
        var state = new RouteState(route);

        var decision = state.Receive("lookup", P(lookup, "2021-09-20"), T0);

        Assert.Equal(RouteOutcome.IgnoredReference, decision.Outcome);
        Assert.Equal(0, state.PendingCount);
    }

    [Fact]
    public void A_material_reference_is_attached_without_link_checks()
    {
        var a = External("a", Dimension.Long("region_id"));
        var b = External("b", Dimension.Long("region_id"));
        var state = new RouteState(Route.Compile(new RouteDefinition { Id = "r", Inputs = [a, b[3].Ref] }));

        var decision = state.Receive("a", P(a, 1), T0);

        var execution = Assert.Single(decision.Executions);
        Assert.Equal(3, execution.Inputs[1].Datum[0].AsLong());
    }

    [Fact]
    public void An_event_outside_every_input_filter_is_rejected_and_changes_nothing()
    {
        var region = External("ext", Dimension.String("region"));
        var state = new RouteState(Route.Compile(new RouteDefinition { Id = "eu_only", Inputs = [region["EU"]] }));

        var decision = state.Receive("ext", P(region, "NA"), T0);

        Assert.Equal(RouteOutcome.Rejected, decision.Outcome);
        Assert.Equal(0, state.PendingCount);
    }

    [Fact]
    public void An_event_from_a_node_that_is_not_an_input_is_not_routed()
    {
        var (state, a, _) = TwoInputsLinkedOnDay();

        Assert.Equal(RouteOutcome.NotRouted, state.Receive("elsewhere", P(a, "2021-09-20"), T0).Outcome);
    }

    [Fact]
    public void Pending_groups_expire_after_the_ttl_with_an_expiration_event()
    {
        var (state, a, _) = TwoInputsLinkedOnDay(ttl: TimeSpan.FromHours(1));
        state.Receive("a", P(a, "2021-09-20"), T0);

        var early = state.Tick(T0.AddMinutes(59));
        var late = state.Tick(T0.AddHours(1));

        Assert.Empty(early.Events);
        var expired = Assert.Single(late.Events);
        Assert.Equal(PendingGroupEventKind.Expired, expired.Kind);
        Assert.Equal(0, state.PendingCount);
        Assert.Single(late.RemovedGroups);
    }

    [Fact]
    public void Checkpoints_fire_once_each_in_ascending_order()
    {
        var (state, a, _) = TwoInputsLinkedOnDay(checkpoints: [TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(10)]);
        state.Receive("a", P(a, "2021-09-20"), T0);

        var both = state.Tick(T0.AddMinutes(45));
        var again = state.Tick(T0.AddMinutes(50));

        Assert.Equal([TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30)], both.Events.Select(e => e.Checkpoint!.Value));
        Assert.Empty(again.Events);
    }

    [Fact]
    public void Expiry_is_checked_before_each_event()
    {
        var (state, a, b) = TwoInputsLinkedOnDay(ttl: TimeSpan.FromMinutes(5));
        state.Receive("a", P(a, "2021-09-20"), T0);

        var decision = state.Receive("b", P(b, "2021-09-20"), T0.AddMinutes(10));

        Assert.Contains(decision.Events, e => e.Kind == PendingGroupEventKind.Expired);
        Assert.Empty(decision.Executions);
        Assert.Equal(RouteOutcome.OpenedGroup, decision.Outcome);
    }

    [Fact]
    public void The_matching_group_is_found_among_ten_thousand()
    {
        var (state, a, b) = TwoInputsLinkedOnDay();
        for (var i = 0; i < 10_000; i++)
        {
            state.Receive("a", P(a, new DateTime(2000, 1, 1).AddDays(i)), T0);
        }

        var decision = state.Receive("b", P(b, new DateTime(2000, 1, 1).AddDays(4321)), T0);

        var execution = Assert.Single(decision.Executions);
        Assert.Equal(new DateTime(2000, 1, 1).AddDays(4321), execution.Output[0].AsDateTime());
        Assert.Equal(9_999, state.PendingCount);
    }

    [Fact]
    public void Ranged_inputs_are_linked_by_their_tip()
    {
        var a = External("a", Day());
        var b = External("b", Day());
        var state = new RouteState(Route.Compile(new RouteDefinition { Id = "r", Inputs = [a.Range(-7), b] }));
        state.Receive("a", P(a, "2021-09-20"), T0);

        var inside = state.Receive("b", P(b, "2021-09-18"), T0);
        var tip = state.Receive("b", P(b, "2021-09-20"), T0);

        Assert.Empty(inside.Executions);
        var execution = Assert.Single(tip.Executions);
        Assert.Equal(7, execution.Inputs[0].Partitions.Count);
    }

    [Fact]
    public void A_mapper_returning_the_wrong_type_is_a_warning_naming_the_link_and_nothing_joins()
    {
        var a = External("a", Dimension.String("region"));
        var b = External("b", Dimension.Long("region_id"));
        var link = new InputLink(b.Dim("region_id"), DimensionMapper.From<string>(r => "not-a-number"), a.Dim("region"));
        var state = new RouteState(Route.Compile(new RouteDefinition { Id = "r", Inputs = [a, b], InputLinks = [link] }));
        var opened = state.Receive("a", P(a, "NA"), T0);

        var decision = state.Receive("b", P(b, 1), T0);

        Assert.Empty(decision.Executions);
        Assert.Contains(opened.Warnings, w => w.Contains("region_id", StringComparison.Ordinal) && w.Contains("not-a-number", StringComparison.Ordinal));
        Assert.Contains(state.PendingGroups, g => g.Status == TriggerGroupStatus.Zombie);
    }

    [Fact]
    public void A_group_whose_linked_value_another_filter_rejects_is_a_zombie()
    {
        var a = External("a", Dimension.String("region"));
        var b = External("b", Dimension.String("region"));
        var state = new RouteState(Route.Compile(new RouteDefinition { Id = "r", Inputs = [a["NA"], b] }));

        state.Receive("b", P(b, "JP"), T0);

        Assert.Equal(TriggerGroupStatus.Zombie, Assert.Single(state.PendingGroups).Status);
        Assert.Empty(state.Receive("a", P(a, "NA"), T0).Executions);
    }

    [Fact]
    public void Output_dimensions_come_from_literals_and_multi_dimension_mappers()
    {
        var hourly = External("hourly", Day(), Dimension.Long("hour"));
        var route = Route.Compile(new RouteDefinition
        {
            Id = "r",
            Inputs = [hourly],
            OutputSpec = DimensionSpec.Of(Dimension.String("stamp"), Dimension.Long("marketplace_id")),
            OutputLinks =
            [
                OutputLink.From("stamp", DimensionMapper.From<DateTime, long>((day, hour) => $"{day:yyyyMMdd}T{hour:00}"), hourly.Dims("day", "hour")),
                OutputLink.Literal("marketplace_id", 1),
            ],
        });

        var execution = Assert.Single(new RouteState(route).Receive("hourly", P(hourly, "2021-09-20", 7), T0).Executions);

        Assert.Equal(["20210920T07", "1"], Render(route.OutputSpec, execution.Output));
    }

    [Fact]
    public void Aliased_inputs_of_one_node_are_satisfied_by_one_event()
    {
        var daily = External("daily", Day());
        var route = Route.Compile(new RouteDefinition { Id = "r", Inputs = [daily.Range(-7).As("last_week"), daily.Range(-30).As("last_30_days")] });

        var execution = Assert.Single(new RouteState(route).Receive("daily", P(daily, "2021-09-20"), T0).Executions);

        Assert.Equal(7, execution.Inputs[0].Partitions.Count);
        Assert.Equal(30, execution.Inputs[1].Partitions.Count);
    }

    [Fact]
    public void A_restored_state_completes_its_groups()
    {
        var (state, a, b) = TwoInputsLinkedOnDay();
        state.Receive("a", P(a, "2021-09-20"), T0);
        state.Receive("a", P(a, "2021-09-21"), T0);
        var snapshots = state.PendingGroups.Select(g => g.ToSnapshot()).ToList();

        var restored = RouteState.Restore(state.Route, snapshots, state.NextGroupId, T0, out var onRestore);
        var decision = restored.Receive("b", P(b, "2021-09-21"), T0);

        Assert.Empty(onRestore.Executions);
        Assert.Single(decision.Executions);
        Assert.Equal(1, restored.PendingCount);
        Assert.True(restored.NextGroupId > snapshots.Max(s => s.Id));
    }
}
