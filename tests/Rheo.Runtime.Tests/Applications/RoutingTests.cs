using Rheo.Core.Dimensions;
using Rheo.Core.Signals;
using Rheo.Core.Topology;
using Rheo.Runtime.Compute;
using Rheo.Runtime.Hooks;
using Rheo.Runtime.Nodes;
using Rheo.Runtime.Storage;

namespace Rheo.Runtime.Tests.Applications;

public sealed class RoutingTests
{
    private static readonly DimensionSpec Dim1 = DimensionSpec.Of(Dimension.DateTime("dim1", DatetimeGranularity.Day, "%Y-%m-%d"));

    private static (Signal Input1, Signal Input2, Signal Data) Walkthrough(Application app, string root)
    {
        var input1 = app.AddTimer("input1", "rate(1 day)", timeDimension: "dim1");
        var input2 = app.MarshalExternalData(LocalDataset.Of(Path.Combine(root, "ext"), "{}"), "input2", Dim1);
        var hook = HookRef.Of<JournalHook>();
        var data = app.CreateData("my_dataset", inputs: [input1, input2], computeTargets: [ComputeTarget.Inlined<WriteInputsCompute>()],
            pendingNodeHook: new PendingNodeHook { OnPendingNodeCreated = hook },
            executionHook: new ExecutionHook { OnExecutionBegin = hook, OnComputeSuccess = hook, OnSuccess = hook });
        return (input1, input2, data);
    }

    [Fact]
    public async Task The_user_guide_walkthrough_opens_groups_x_and_y_and_unlocks_x_with_the_linked_event()
    {
        using var root = new TempRoot();
        await using var app = TestApps.InMemory(root, "walkthrough");
        var (input1, input2, data) = Walkthrough(app, root.Path);
        await app.ActivateAsync();

        await app.ProcessAsync(input1["2024-03-10"]);
        await app.ProcessAsync(input1["2024-03-10"]);
        await app.ProcessAsync(input2["2024-03-11"]);
        await app.WaitForIdleAsync();
        var pending = await app.GetPendingGroupsAsync("my_dataset");
        var before = await app.PollAsync(data["2024-03-10"]);
        await app.ProcessAsync(input2["2024-03-10"]);
        await app.WaitForIdleAsync();

        Assert.Equal(2, pending.Count);
        Assert.Equal(PollStatus.Waiting, before.Status);
        Assert.Contains("waiting for input2[2024-03-10]", before.Reason, StringComparison.Ordinal);
        Assert.Equal(PollStatus.Succeeded, (await app.PollAsync(data["2024-03-10"])).Status);
        Assert.Equal(PollStatus.Waiting, (await app.PollAsync(data["2024-03-11"])).Status);
        var left = Assert.Single(await app.GetPendingGroupsAsync("my_dataset"));
        Assert.Null(left.Received[0]);
        Assert.Equal(["input1 2024-03-10", "input2 2024-03-10"], await app.LoadDataAsync(data["2024-03-10"]));
    }

    [Fact]
    public async Task Hooks_fire_in_order_and_each_transition_is_a_route_metric()
    {
        using var root = new TempRoot();
        await using var app = TestApps.InMemory(root, "hooks-order");
        var (input1, input2, _) = Walkthrough(app, root.Path);
        await app.ActivateAsync();

        await app.ProcessAsync(input1["2024-03-10"]);
        await app.WaitForIdleAsync();
        await app.ProcessAsync(input2["2024-03-10"]);
        await app.WaitForIdleAsync();
        await Eventually(() => Journal.For("hooks-order").Count(e => e.StartsWith('I')) >= 4);

        Assert.Equal(
            ["IPendingNodeCreationHook my_dataset *", "IExecutionBeginHook my_dataset 2024-03-10", "IComputeSuccessHook my_dataset 2024-03-10", "IExecutionSuccessHook my_dataset 2024-03-10"],
            Journal.For("hooks-order").Where(e => e.StartsWith('I')).ToList());
        var metrics = await app.GetMetricsAsync("my_dataset", HookTypes.HookMetric);
        Assert.Equal(1, metrics.Where(m => m.Dimension == "IExecutionBeginHook").Sum(m => m.Value));
        Assert.Equal(1, metrics.Where(m => m.Dimension == "IPendingNodeCreationHook").Sum(m => m.Value));
        Assert.Contains(await app.GetMetricsAsync("my_dataset", HookTypes.HookTimeMetric), m => m.Dimension == "IExecutionSuccessHook" && m.Value > 1_600_000_000);
    }

    [Fact]
    public async Task A_range_checked_input_keeps_the_group_pending_until_the_gap_is_filled_by_another_execution()
    {
        using var root = new TempRoot();
        await using var app = TestApps.InMemory(root, "range-check");
        var t = app.AddTimer("T", "rate(1 day)", timeDimension: "day");
        var a = app.CreateData("A", inputs: [t], computeTargets: [ComputeTarget.NoOp]);
        var b = app.CreateData("B", inputs: [a.Range(-3).RangeCheck()], computeTargets: [ComputeTarget.Inlined<WriteInputsCompute>()]);
        await app.ActivateAsync();

        await app.ProcessAsync([t["2024-03-10"], t["2024-03-08"]]);
        await app.WaitForIdleAsync();
        var blocked = await app.PollAsync(b["2024-03-10"]);
        var groups = await app.GetPendingGroupsAsync("B");
        await app.ProcessAsync(t["2024-03-09"]);
        await app.WaitForIdleAsync();

        Assert.Equal(PollStatus.Waiting, blocked.Status);
        Assert.Contains("waiting for A[2024-03-09] (range check)", blocked.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("A[2024-03-08]", blocked.Reason, StringComparison.Ordinal);
        Assert.Contains(groups, g => g.Received[0] is { } p && Dim1.Render(p)[0] == "2024-03-10");
        Assert.Equal(PollStatus.Succeeded, (await app.PollAsync(b["2024-03-10"])).Status);
        Assert.Equal(["A 2024-03-10|2024-03-09|2024-03-08"], await app.LoadDataAsync(b["2024-03-10"]));
    }

    [Fact]
    public async Task A_range_checked_group_runs_when_external_data_arrives_in_the_folder_without_an_event()
    {
        using var root = new TempRoot();
        await using var app = TestApps.InMemory(root, "range-folder");
        var folder = Path.Combine(root.Path, "sales");
        var ext = app.MarshalExternalData(LocalDataset.Of(folder, "day={}"), "sales", DimensionSpec.Of(Dimension.DateTime("day", DatetimeGranularity.Day, "%Y-%m-%d")), protocol: IntegrityProtocol.Success);
        var b = app.CreateData("B", inputs: [ext.Range(-2).RangeCheck()], computeTargets: [ComputeTarget.NoOp]);
        await app.ActivateAsync();
        WriteDay(folder, "2024-03-10");

        await app.ProcessAsync(ext["2024-03-10"]);
        await app.WaitForIdleAsync();
        var blocked = (await app.PollAsync(b["2024-03-10"])).Status;
        WriteDay(folder, "2024-03-09");
        await Eventually(async () => (await app.PollAsync(b["2024-03-10"])).Status == PollStatus.Succeeded);

        Assert.Equal(PollStatus.Waiting, blocked);
    }

    [Fact]
    public async Task Retries_rerun_a_failing_target_and_record_every_attempt()
    {
        using var root = new TempRoot();
        await using var app = TestApps.InMemory(root, "retries");
        var t = app.AddTimer("T", "rate(1 day)");
        var hook = HookRef.Of<JournalHook>();
        var a = app.CreateData("A", inputs: [t], computeTargets: [ComputeTarget.Inlined<FlakyCompute>(retryCount: 2), ComputeTarget.Inlined<BusyCompute>()],
            executionHook: new ExecutionHook { OnComputeRetry = hook, OnComputeFailure = hook });
        var f = app.CreateData("F", inputs: [t], computeTargets: [ComputeTarget.Inlined<FailingCompute>(retryCount: 1)], executionHook: new ExecutionHook { OnFailure = hook });
        await app.ActivateAsync();

        var path = await app.ExecuteAsync(a["2024-03-10"]);
        var failure = await Assert.ThrowsAsync<ExecutionFailedException>(() => app.ExecuteAsync(f["2024-03-10"]));
        var poll = await app.PollAsync(f["2024-03-10"]);

        var records = (await app.PollAsync(a["2024-03-10"])).ComputeRecords;
        Assert.Equal([ComputeStatus.Failed, ComputeStatus.Failed, ComputeStatus.Succeeded], records.Where(r => r.TargetIndex == 0).Select(r => r.Status));
        Assert.Equal([ComputeStatus.TransientFailure, ComputeStatus.TransientFailure, ComputeStatus.Succeeded], records.Where(r => r.TargetIndex == 1).Select(r => r.Status));
        Assert.True(File.Exists(Path.Combine(path, "_SUCCESS")));
        Assert.Contains("broken on purpose", failure.Message, StringComparison.Ordinal);
        Assert.Equal(PollStatus.Failed, poll.Status);
        Assert.Equal(2, poll.ComputeRecords.Count);
        await Eventually(() => Journal.For("retries").Contains("IExecutionFailureHook F 2024-03-10"));
        Assert.Equal(4, Journal.For("retries").Count(e => e.StartsWith("IComputeRetryHook A", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Kill_stops_a_running_execution_and_poll_reports_it_failed()
    {
        using var root = new TempRoot();
        await using var app = TestApps.InMemory(root, "kill");
        var t = app.AddTimer("T", "rate(1 day)");
        var a = app.CreateData("A", inputs: [t], computeTargets: [ComputeTarget.Inlined<BlockingCompute>()]);
        var b = app.CreateData("B", inputs: [a], computeTargets: [ComputeTarget.NoOp]);
        await app.ActivateAsync();

        await app.ExecuteAsync(a["2024-03-10"], wait: false);
        await Eventually(() => Journal.For("kill").Contains("blocking started"));
        var running = await app.PollAsync(a["2024-03-10"]);
        var killed = await app.KillAsync(a["2024-03-10"]);
        await app.WaitForIdleAsync();

        Assert.Equal(PollStatus.Running, running.Status);
        Assert.True(killed);
        var after = await app.PollAsync(a["2024-03-10"]);
        Assert.Equal(PollStatus.Failed, after.Status);
        Assert.Equal(ExecutionStatus.Killed, after.Execution!.Status);
        Assert.Equal(PollStatus.NeverAttempted, (await app.PollAsync(b["2024-03-10"])).Status);
        Assert.False(await app.KillAsync(a["2024-03-10"]));
    }

    [Fact]
    public async Task Events_accepted_while_paused_are_processed_after_resume()
    {
        using var root = new TempRoot();
        await using var app = TestApps.InMemory(root, "pause");
        var t = app.AddTimer("T", "rate(1 day)");
        var a = app.CreateData("A", inputs: [t], computeTargets: [ComputeTarget.NoOp]);
        await app.ActivateAsync();
        await app.PauseAsync();

        await app.ProcessAsync(t["2024-03-10"]);
        await app.WaitForIdleAsync();
        var whilePaused = await app.PollAsync(a["2024-03-10"]);
        await app.ResumeAsync();
        await app.WaitForIdleAsync();

        Assert.Equal(PollStatus.NeverAttempted, whilePaused.Status);
        Assert.Equal(PollStatus.Succeeded, (await app.PollAsync(a["2024-03-10"])).Status);
        await Assert.ThrowsAsync<InvalidOperationException>(() => app.ResumeAsync());
    }

    [Fact]
    public async Task A_new_instance_attaches_to_the_active_topology_and_reactivation_keeps_pending_groups_of_unchanged_routes()
    {
        using var root = new TempRoot();
        var store = new InMemoryRheoStore();
        Signal input1;
        await using (var first = TestApps.InMemory(root, "attach", store: store))
        {
            (input1, _, _) = Walkthrough(first, root.Path);
            first.CreateData("other", inputs: [input1], computeTargets: [ComputeTarget.Inlined<BlockingCompute>()]);
            await first.ActivateAsync();
            await first.ProcessAsync(first["input2"]["2024-03-10"]);
            await first.WaitForIdleAsync();
        }

        await using var second = TestApps.InMemory(root, "attach", store: store);
        await second.AttachAsync();
        second.PatchData("other", o => o with { ComputeTargets = [ComputeTarget.NoOp] });
        second.PatchData("my_dataset", d => d with { ExecutionHook = null });
        await second.ActivateAsync();
        var kept = await second.GetPendingGroupsAsync("my_dataset");
        await second.ProcessAsync(second["input1"]["2024-03-10"]);
        await second.WaitForIdleAsync();

        Assert.Single(kept);
        Assert.Equal(["input1", "input2", "my_dataset", "other"], second.Nodes.Select(n => n.Id));
        Assert.Equal(PollStatus.Succeeded, (await second.PollAsync(second["my_dataset"]["2024-03-10"])).Status);
        Assert.Equal(PollStatus.Succeeded, (await second.PollAsync(second["other"]["2024-03-10"])).Status);
    }

    [Fact]
    public async Task An_invalid_topology_is_rejected_with_every_problem_and_changes_nothing()
    {
        using var root = new TempRoot();
        await using var app = TestApps.InMemory(root, "invalid");
        var t = app.AddTimer("T", "rate(1 day)");
        app.CreateData("A", inputs: [t], computeTargets: []);
        app.CreateData("B", inputs: [t], computeTargets: [new InlinedComputeTarget("No.Such.Type, Nowhere", 0)]);

        var error = await Assert.ThrowsAsync<TopologyException>(() => app.ActivateAsync());

        Assert.Contains(error.Diagnostics, d => d.Code == RuntimeCodes.NoComputeTargets && d.NodeId == "A");
        Assert.Contains(error.Diagnostics, d => d.Code == RuntimeCodes.UnknownType && d.NodeId == "B");
        Assert.Equal(ApplicationState.Inactive, app.State);
        await Assert.ThrowsAsync<InvalidOperationException>(() => app.ProcessAsync(t["2024-03-10"]));
        Assert.Throws<FormatException>(() => app.AddTimer("bad", "rate(1 days)"));
        Assert.Throws<FormatException>(() => app.AddTimer("bad", "cron(0 12 * * * *)"));
    }

    [Fact]
    public async Task Dimension_values_cannot_escape_the_storage_root_and_invalid_values_are_rejected()
    {
        using var root = new TempRoot();
        await using var app = TestApps.InMemory(root, "paths");
        var spec = DimensionSpec.Of(Dimension.String("region"));
        var ext = app.MarshalExternalData(LocalDataset.Of(Path.Combine(root.Path, "ext"), "{}"), "ext", spec);
        var days = app.AddTimer("T", "rate(1 day)");
        var a = app.CreateData("A", inputs: [ext], computeTargets: [ComputeTarget.Inlined<WriteInputsCompute>()]);
        await app.ActivateAsync();

        // The inputs are missing (no folder can be named so); force runs anyway, to see where the output goes.
        var path = await app.ExecuteAsync(a[".."], force: true);
        var slash = await app.ExecuteAsync(a["../../etc"], force: true);

        Assert.StartsWith(Path.Combine(app.Root, "data", "A"), path, StringComparison.Ordinal);
        Assert.StartsWith(Path.Combine(app.Root, "data", "A"), slash, StringComparison.Ordinal);
        Assert.Equal("%2E%2E", Path.GetFileName(path));
        await Assert.ThrowsAsync<ArgumentException>(() => app.ExecuteAsync(a["x\0y"]));
        Assert.Throws<InvalidDimensionValueException>(() => days["not-a-date"]);
        Assert.Equal(0, await ActiveExecutions(app));
    }

    private static async Task<long> ActiveExecutions(Application app) => (await app.GetExecutionsAsync("A")).Count(e => e.IsActive);

    private static void WriteDay(string folder, string day)
    {
        var dir = Path.Combine(folder, "day=" + day);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "part-0.csv"), "a,b\n");
        File.WriteAllText(Path.Combine(dir, "_SUCCESS"), string.Empty);
    }

    internal static Task Eventually(Func<bool> condition) => Eventually(() => Task.FromResult(condition()));

    // Hooks run on their own queue after the commit; this waits for them without a fixed sleep.
    internal static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not become true within 20 s.");
            await Task.Delay(5);
        }
    }
}
