using Rheo.Runtime;
using Rheo.Runtime.Storage;

namespace Rheo.Storage.Tests.Contract;

public abstract partial class RheoStoreContractTests
{
    [Fact]
    public async Task Deleting_an_application_removes_everything_it_holds()
    {
        await FillAsync("app");

        await Store.DeleteApplicationAsync("app", Ct);

        Assert.Null(await Store.GetApplicationAsync("app", Ct));
        Assert.Null(await Store.GetTopologyAsync("app", 1, Ct));
        Assert.Equal(0, await Store.CountQueuedAsync("app", Ct));
        Assert.Empty(await Store.ReadQueueAsync("app", 10, Ct));
        Assert.Empty(await Store.GetRoutesAsync("app", Ct));
        Assert.Empty(await Store.GetExecutionsAsync("app", new ExecutionQuery(), Ct));
        Assert.Empty(await Store.GetComputeRecordsAsync("app", 1, Ct));
        Assert.Equal(0, await Store.GetMaxExecutionIdAsync("app", Ct));
        Assert.Empty(await Store.GetTimersAsync("app", Ct));
        Assert.Empty(await Store.GetMetricsAsync("app", null, null, Ct));
    }

    [Fact]
    public async Task Deleting_an_application_leaves_the_other_applications_untouched()
    {
        await FillAsync("app");
        await FillAsync("other");
        var before = await SnapshotAsync("other");

        await Store.DeleteApplicationAsync("app", Ct);

        Assert.Equal(before, await SnapshotAsync("other"));
    }

    [Fact]
    public async Task Deleting_an_unknown_application_does_nothing()
    {
        await FillAsync("app");
        var before = await SnapshotAsync("app");

        await Store.DeleteApplicationAsync("nowhere", Ct);

        Assert.Equal(before, await SnapshotAsync("app"));
    }

    [Fact]
    public async Task A_deleted_application_can_be_created_again_from_nothing()
    {
        await FillAsync("app");
        await Store.DeleteApplicationAsync("app", Ct);

        var version = await Store.AddTopologyAsync("app", """{"again":true}""", Ct);
        await CommitAsync("app", b => b.Routes["r"] = Route("r", 1));

        Assert.Equal(1, version);
        Assert.Empty((await SingleRouteAsync("app", "r")).Groups);
        Assert.Empty(await Store.GetExecutionsAsync("app", new ExecutionQuery(), Ct));
    }

    [Fact]
    public async Task An_empty_batch_changes_nothing()
    {
        await FillAsync("app");
        var before = await SnapshotAsync("app");

        await Store.CommitAsync("app", new StoreBatch(), Ct);

        Assert.Equal(before, await SnapshotAsync("app"));
    }

    [Fact]
    public async Task A_batch_applies_all_its_changes_together()
    {
        await FillAsync("app");
        var batch = await EverythingBatchAsync("app");

        await Store.CommitAsync("app", batch, Ct);

        var queued = Assert.Single(await Store.ReadQueueAsync("app", 10, Ct));
        AssertEvent(Event("b", "new"), queued.Event);
        var routes = (await Store.GetRoutesAsync("app", Ct)).OrderBy(r => r.RouteId, StringComparer.Ordinal).ToList();
        Assert.Equal(["r", "t"], routes.Select(r => r.RouteId));
        Assert.Equal(("changed", 9L), (routes[0].Integrity, routes[0].NextGroupId));
        AssertGroups(new Dictionary<long, string> { [1] = "changed", [5] = "new" }, routes[0]);
        AssertGroups(new Dictionary<long, string> { [1] = "new route" }, routes[1]);
        var executions = await Store.GetExecutionsAsync("app", new ExecutionQuery(), Ct);
        Assert.Equal([(2L, ExecutionStatus.Running), (1L, ExecutionStatus.Succeeded)], executions.Select(e => (e.Id, e.Status)));
        Assert.Equal([1, 2], (await Store.GetComputeRecordsAsync("app", 1, Ct)).Select(c => c.Attempt));
        Assert.Equal(new Dictionary<string, DateTimeOffset> { ["t"] = At(3), ["u"] = At(3) }, await Store.GetTimersAsync("app", Ct));
        Assert.Equal([1.0, 2.0], (await Store.GetMetricsAsync("app", null, null, Ct)).Select(m => m.Value));
    }

    [Fact]
    public Task A_batch_adding_an_execution_whose_id_exists_is_rejected_and_changes_nothing() =>
        AssertRejectedAsync(b => b.NewExecutions.Add(Execution(1, "r", "again")));

    [Fact]
    public Task A_batch_adding_two_executions_with_the_same_id_is_rejected_and_changes_nothing() =>
        AssertRejectedAsync(b => b.NewExecutions.AddRange([Execution(100), Execution(100, "s")]));

    [Fact]
    public Task A_batch_updating_an_unknown_execution_is_rejected_and_changes_nothing() =>
        AssertRejectedAsync(b => b.ExecutionUpdates.Add(new ExecutionUpdate(99, ExecutionStatus.Succeeded)));

    [Fact]
    public async Task A_batch_updating_an_execution_of_another_application_is_rejected()
    {
        await FillAsync("other");
        var batch = Batch(b => b.ExecutionUpdates.Add(new ExecutionUpdate(1, ExecutionStatus.Succeeded)));

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.CommitAsync("app", batch, Ct));

        Assert.Equal(ExecutionStatus.Running, (await ExecutionAsync("other", 1)).Status);
    }

    [Fact]
    public async Task The_store_accepts_new_batches_after_a_rejected_one()
    {
        await FillAsync("app");
        await Assert.ThrowsAsync<InvalidOperationException>(() => CommitAsync("app", b => b.ExecutionUpdates.Add(new ExecutionUpdate(99, ExecutionStatus.Succeeded))));

        await CommitAsync("app", b => b.NewExecutions.Add(Execution(100)));

        Assert.Equal(100, await Store.GetMaxExecutionIdAsync("app", Ct));
    }

    /// <summary>
    /// Arrange: a filled application and a batch changing every part of it, made invalid by <paramref name="invalidate"/>.
    /// Act: commit it. Assert: it is rejected and the application is exactly as before.
    /// </summary>
    private async Task AssertRejectedAsync(Action<StoreBatch> invalidate)
    {
        await FillAsync("app");
        var before = await SnapshotAsync("app");
        var batch = await EverythingBatchAsync("app");
        invalidate(batch);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.CommitAsync("app", batch, Ct));

        Assert.Equal(before, await SnapshotAsync("app"));
    }

    /// <summary>Puts something in every part of the store for an application.</summary>
    private async Task FillAsync(string application)
    {
        await Store.SaveApplicationAsync(new ApplicationRecord(application, ApplicationState.Active, 1, At(0)), Ct);
        await Store.AddTopologyAsync(application, """{"nodes":[]}""", Ct);
        await EnqueueAsync(application, Event("a", "1"), Event("a", "2"), Event("a", "3"));
        await CommitAsync(application, b =>
        {
            b.Routes["r"] = Route("r", 3, new Dictionary<long, string> { [1] = "g1", [2] = "g2" });
            b.Routes["s"] = Route("s", 2, new Dictionary<long, string> { [1] = "s1" });
            b.NewExecutions.Add(Execution(1, status: ExecutionStatus.Running));
            b.ComputeRecords.Add(new ComputeRecord(1, 0, 1, "noop", ComputeStatus.Failed, At(1), At(2), "first try"));
            b.Timers["t"] = At(1);
            b.Metrics.Add(new MetricPoint("r", "m", "d", 1, At(1)));
        });
    }

    /// <summary>A batch that would change every part of what <see cref="FillAsync"/> stored.</summary>
    private async Task<StoreBatch> EverythingBatchAsync(string application)
    {
        var queued = await Store.ReadQueueAsync(application, 10, Ct);
        return Batch(b =>
        {
            b.ConsumedThrough = queued[^1].Sequence;
            b.Routes["r"] = Route("r", 9, new Dictionary<long, string> { [1] = "changed", [5] = "new" }, deletes: [2], integrity: "changed");
            b.Routes["t"] = Route("t", 1, new Dictionary<long, string> { [1] = "new route" });
            b.DeletedRoutes.Add("s");
            b.NewExecutions.Add(Execution(2));
            b.ExecutionUpdates.Add(new ExecutionUpdate(1, ExecutionStatus.Succeeded, EndedAt: At(3)));
            b.ExecutionUpdates.Add(new ExecutionUpdate(2, ExecutionStatus.Running, StartedAt: At(3)));
            b.ComputeRecords.Add(new ComputeRecord(1, 0, 2, "noop", ComputeStatus.Succeeded, At(2), At(3)));
            b.Timers["t"] = At(3);
            b.Timers["u"] = At(3);
            b.Metrics.Add(new MetricPoint("r", "m", "d", 2, At(3)));
            b.NewEvents.Add(Event("b", "new"));
        });
    }
}
