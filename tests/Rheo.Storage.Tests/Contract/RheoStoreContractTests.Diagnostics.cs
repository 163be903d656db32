using Rheo.Runtime.Storage;

namespace Rheo.Storage.Tests.Contract;

public abstract partial class RheoStoreContractTests
{
    [Fact]
    public async Task An_unknown_application_has_no_timers()
    {
        var timers = await Store.GetTimersAsync("nowhere", Ct);

        Assert.Empty(timers);
    }

    [Fact]
    public async Task Timers_keep_the_last_fire_time_of_each_timer()
    {
        await CommitAsync("app", b =>
        {
            b.Timers["daily"] = At(1);
            b.Timers["hourly"] = At(2);
        });

        await CommitAsync("app", b => b.Timers["hourly"] = At(60));

        var timers = await Store.GetTimersAsync("app", Ct);
        Assert.Equal(new Dictionary<string, DateTimeOffset> { ["daily"] = At(1), ["hourly"] = At(60) }, timers);
    }

    [Fact]
    public async Task Timers_of_applications_are_isolated()
    {
        await CommitAsync("one", b => b.Timers["t"] = At(1));

        await CommitAsync("two", b => b.Timers["t"] = At(2));

        Assert.Equal(At(1), (await Store.GetTimersAsync("one", Ct))["t"]);
    }

    [Fact]
    public async Task Metrics_are_read_oldest_first_and_filtered_by_route_and_name()
    {
        MetricPoint[] points =
        [
            new("r", "routing_table.receive.hook", "IExecutionBeginHook", 1, At(1)),
            new("s", "routing_table.receive.hook", "IExecutionBeginHook", 1, At(2)),
            new("r", "routing_table.receive.hook.time_in_utc", "IExecutionBeginHook", 1714557600.5, At(3)),
            new("r", "routing_table.receive.hook", "IExecutionSuccessHook", 1, At(4)),
        ];
        await CommitAsync("app", b => b.Metrics.AddRange(points[..2]));
        await CommitAsync("app", b => b.Metrics.AddRange(points[2..]));
        await CommitAsync("other", b => b.Metrics.Add(points[0]));

        var all = await Store.GetMetricsAsync("app", null, null, Ct);
        var ofRoute = await Store.GetMetricsAsync("app", "r", null, Ct);
        var ofName = await Store.GetMetricsAsync("app", null, "routing_table.receive.hook", Ct);
        var ofBoth = await Store.GetMetricsAsync("app", "r", "routing_table.receive.hook", Ct);
        var ofNothing = await Store.GetMetricsAsync("app", "unknown", null, Ct);

        Assert.Equal(points, all);
        Assert.Equal([points[0], points[2], points[3]], ofRoute);
        Assert.Equal([points[0], points[1], points[3]], ofName);
        Assert.Equal([points[0], points[3]], ofBoth);
        Assert.Empty(ofNothing);
    }

    [Fact]
    public async Task Metrics_keep_the_order_they_were_committed_in_even_when_their_times_are_not()
    {
        MetricPoint[] points = [new("r", "m", "d", 2, At(5)), new("r", "m", "d", 1, At(1))];

        await CommitAsync("app", b => b.Metrics.AddRange(points));

        Assert.Equal(points, await Store.GetMetricsAsync("app", "r", "m", Ct));
    }
}
