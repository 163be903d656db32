using System.Collections.Concurrent;
using Rheo.Core.Dimensions;
using Rheo.Core.Signals;
using Rheo.Runtime.Backfills;
using Rheo.Runtime.Compute;
using Rheo.Runtime.Data;
using Rheo.Runtime.Explanations;
using Rheo.Runtime.Hooks;
using Rheo.Runtime.Nodes;
using Rheo.Runtime.Storage;

namespace Rheo.Runtime.Tests.Applications;

/// <summary>What a new user meets in the first hour: execute with missing inputs, lost outputs, calendar timers, hooks without an engine, and why a partition waits.</summary>
public sealed class DayOneTests
{
    private static readonly DimensionSpec Days = DimensionSpec.Of(Dimension.DateTime("day", DatetimeGranularity.Day, "%Y-%m-%d"));

    [Fact]
    public async Task Execute_refuses_a_partition_whose_external_input_is_missing_names_it_and_starts_nothing()
    {
        using var root = new TempRoot();
        await using var app = TestApps.InMemory(root, "missing-ext");
        var folder = Path.Combine(root.Path, "sales");
        var sales = app.MarshalExternalData(LocalDataset.Of(folder, "{}"), "sales", Days, protocol: IntegrityProtocol.Success);
        var totals = app.CreateData("totals", inputs: [sales["*"]], computeTargets: [ComputeTarget.Inlined<WriteInputsCompute>()]);
        await app.ActivateAsync();

        var refused = await Assert.ThrowsAsync<MissingInputsException>(() => app.ExecuteAsync(totals["2024-04-30"]));
        var executionsAfterRefusal = await app.GetExecutionsAsync("totals");
        var forced = await app.ExecuteAsync(totals["2024-04-30"], force: true);

        var missing = Assert.Single(refused.Missing);
        Assert.Equal("sales", missing.NodeId);
        Assert.Equal(["2024-04-30"], missing.Partition);
        Assert.Contains(Path.Combine(folder, "2024-04-30"), missing.Reason, StringComparison.Ordinal);
        Assert.Contains("_SUCCESS", missing.Reason, StringComparison.Ordinal);
        Assert.Empty(executionsAfterRefusal);
        Assert.True(File.Exists(Path.Combine(forced, LocalDataStorage.CompletionFile)));
    }

    [Fact]
    public async Task Execute_refuses_a_range_checked_input_with_a_gap_and_does_not_wait_for_a_missing_reference()
    {
        using var root = new TempRoot();
        await using var app = TestApps.InMemory(root, "missing-range");
        var t = app.AddTimer("T", "rate(1 day)", timeDimension: "day");
        var lookup = app.MarshalExternalData(LocalDataset.Of(Path.Combine(root.Path, "lookup"), "{}"), "lookup", Days, protocol: IntegrityProtocol.Success);
        var a = app.CreateData("A", inputs: [t], computeTargets: [ComputeTarget.NoOp]);
        var b = app.CreateData("B", inputs: [a.Range(-3).RangeCheck(), lookup["*"].Ref], computeTargets: [ComputeTarget.NoOp]);
        await app.ActivateAsync();
        await app.ExecuteAsync(a["2024-03-10"]);
        await app.ExecuteAsync(a["2024-03-08"]);

        var refused = await Assert.ThrowsAsync<MissingInputsException>(() => app.ExecuteAsync(b["2024-03-10"]));
        await app.ExecuteAsync(a["2024-03-09"]);
        var path = await app.ExecuteAsync(b["2024-03-10"]);

        var missing = Assert.Single(refused.Missing);
        Assert.Equal("A", missing.NodeId);
        Assert.Equal(["2024-03-09"], missing.Partition);
        Assert.Contains("(range check)", missing.Reason, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(path, LocalDataStorage.CompletionFile)));
    }

    [Fact]
    public async Task A_calendar_timer_input_offers_only_the_days_it_fires_to_execute_and_backfill()
    {
        using var root = new TempRoot();
        await using var app = TestApps.InMemory(root, "mondays");
        var mondays = app.AddTimer("mondays", "cron(0 6 ? * MON *)", timeDimension: "day");
        var report = app.CreateData("report", inputs: [mondays], computeTargets: [ComputeTarget.Inlined<WriteInputsCompute>()]);
        await app.ActivateAsync();

        var sunday = await Assert.ThrowsAsync<MissingInputsException>(() => app.ExecuteAsync(report["2024-05-05"]));
        var plan = await app.PlanBackfillAsync(new BackfillRequest("report", new Dictionary<string, string>(), "2024-05-05", "2024-05-14"));
        var done = await app.BackfillAsync(new BackfillRequest("report", new Dictionary<string, string>(), "2024-05-05", "2024-05-14"));

        Assert.Contains("cron(0 6 ? * MON *)", Assert.Single(sunday.Missing).Reason, StringComparison.Ordinal);
        Assert.Equal(["2024-05-06", "2024-05-13"], plan.Partitions.Select(p => p.Spec.Render(p.Tip())[0]));
        Assert.Equal(8, plan.Skipped.Count);
        Assert.Contains("never fires", plan.Skipped[0].Reason, StringComparison.Ordinal);
        Assert.Equal((2, 2, 8), (done.Total, done.Done, done.Skipped));
        Assert.Equal(["compute report 2024-05-06", "compute report 2024-05-13"], Journal.For("mondays").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_non_recursive_backfill_names_the_partitions_whose_inputs_are_missing_instead_of_running_them()
    {
        using var root = new TempRoot();
        await using var app = TestApps.InMemory(root, "backfill-missing");
        var folder = Path.Combine(root.Path, "sales");
        var sales = app.MarshalExternalData(LocalDataset.Of(folder, "{}"), "sales", Days, protocol: IntegrityProtocol.Success);
        app.CreateData("totals", inputs: [sales["*"]], computeTargets: [ComputeTarget.Inlined<WriteInputsCompute>()]);
        await app.ActivateAsync();
        Land(folder, "2024-05-02");
        var reports = new ConcurrentQueue<BackfillProgress>();

        var done = await app.BackfillAsync(new BackfillRequest("totals", new Dictionary<string, string>(), "2024-05-01", "2024-05-03", Concurrency: 1), new Collect(reports));

        Assert.Equal((3, 1, 2, 0), (done.Total, done.Done, done.MissingInputs, done.Failed));
        Assert.False(done.Complete);
        var missing = reports.Where(r => r.Outcome == BackfillOutcome.MissingInputs).ToList();
        Assert.Equal(["2024-05-01", "2024-05-03"], missing.Select(r => r.Partition![0]).Order(StringComparer.Ordinal));
        Assert.All(missing, r => Assert.Contains("sales[", r.Error, StringComparison.Ordinal));
        Assert.Equal(["compute totals 2024-05-02"], Journal.For("backfill-missing"));
    }

    [Fact]
    public async Task A_succeeded_partition_whose_marker_is_gone_is_lost_and_a_backfill_rebuilds_it()
    {
        using var root = new TempRoot();
        await using var app = TestApps.InMemory(root, "lost");
        var t = app.AddTimer("T", "rate(1 day)", timeDimension: "day");
        var a = app.CreateData("A", inputs: [t], computeTargets: [ComputeTarget.Inlined<WriteInputsCompute>()]);
        await app.ActivateAsync();
        var path = await app.ExecuteAsync(a["2024-03-10"]);
        File.Delete(Path.Combine(path, LocalDataStorage.CompletionFile));

        var lost = await app.PollAsync(a["2024-03-10"]);
        var status = await app.GetNodeStatusAsync("A");
        var reports = new ConcurrentQueue<BackfillProgress>();
        await app.BackfillAsync(new BackfillRequest("A", new Dictionary<string, string>(), "2024-03-10", "2024-03-10"), new Collect(reports));
        var again = await app.PollAsync(a["2024-03-10"]);

        Assert.Equal(PollStatus.Lost, lost.Status);
        Assert.Null(lost.OutputPath);
        Assert.Contains(path, lost.Reason, StringComparison.Ordinal);
        Assert.Equal((0, 1), (status.Succeeded, status.Lost.Count));
        Assert.Contains(reports, r => r.Outcome == BackfillOutcome.Rebuilt);
        Assert.Equal(PollStatus.Succeeded, again.Status);
    }

    [Fact]
    public async Task A_backfill_with_force_runs_partitions_that_are_already_produced()
    {
        using var root = new TempRoot();
        await using var app = TestApps.InMemory(root, "force");
        var t = app.AddTimer("T", "rate(1 day)", timeDimension: "day");
        var a = app.CreateData("A", inputs: [t], computeTargets: [ComputeTarget.Inlined<WriteInputsCompute>()]);
        await app.ActivateAsync();
        await app.ExecuteAsync(a["2024-03-10"]);

        var plain = await app.BackfillAsync(new BackfillRequest("A", new Dictionary<string, string>(), "2024-03-10", "2024-03-10"));
        var forced = await app.BackfillAsync(new BackfillRequest("A", new Dictionary<string, string>(), "2024-03-10", "2024-03-10", Force: true));

        Assert.Equal(1, plain.AlreadyDone);
        Assert.Equal(0, forced.AlreadyDone);
        Assert.Equal(2, Journal.For("force").Count);
    }

    [Fact]
    public async Task A_hook_call_cut_off_by_a_stop_runs_when_the_application_opens_again()
    {
        using var root = new TempRoot();
        var store = new InMemoryRheoStore();
        string name = "outbox";
        await using (var first = TestApps.InMemory(root, name, store: store))
        {
            var t = first.AddTimer("T", "rate(1 day)", timeDimension: "day");
            var a = first.CreateData("A", inputs: [t], computeTargets: [ComputeTarget.NoOp], executionHook: new ExecutionHook { OnSuccess = HookRef.Of<StopOnceHook>() });
            await first.ActivateAsync();
            await first.ExecuteAsync(a["2024-03-10"]);
            await RoutingTests.Eventually(() => Journal.For(name).Contains("hook started"));
        }

        var left = await store.GetHooksAsync(name, CancellationToken.None);
        await using var second = TestApps.InMemory(root, name, store: store);
        await second.OpenAsync();
        await second.WaitForIdleAsync();

        Assert.Single(left);
        Assert.Equal(["hook started", "hook ran A 2024-03-10"], Journal.For(name));
        Assert.Empty(await second.GetHooksAsync());
    }

    [Fact]
    public async Task A_failing_hook_is_retried_and_kept_as_given_up_after_its_last_attempt()
    {
        using var root = new TempRoot();
        await using var app = TestApps.InMemory(root, "hook-retries");
        var t = app.AddTimer("T", "rate(1 day)", timeDimension: "day");
        var flaky = app.CreateData("flaky", inputs: [t], computeTargets: [ComputeTarget.NoOp], executionHook: new ExecutionHook { OnSuccess = HookRef.Of<FailTwiceHook>() });
        var broken = app.CreateData("broken", inputs: [t], computeTargets: [ComputeTarget.NoOp], executionHook: new ExecutionHook { OnSuccess = HookRef.Of<AlwaysFailingHook>() });
        await app.ActivateAsync();

        await app.ExecuteAsync(flaky["2024-03-10"]);
        await app.ExecuteAsync(broken["2024-03-10"]);
        await app.WaitForIdleAsync();

        Assert.Equal(["flaky attempt 1", "flaky attempt 2", "flaky attempt 3"], Journal.For("hook-retries").Where(e => e.StartsWith("flaky", StringComparison.Ordinal)));
        var gaveUp = Assert.Single(await app.GetHooksAsync());
        Assert.True(gaveUp.GaveUp);
        Assert.Equal(Engine.ProcessorLimits.HookAttempts, gaveUp.Attempts);
        Assert.Contains("hook broken on purpose", gaveUp.Error, StringComparison.Ordinal);
        Assert.Equal(Engine.ProcessorLimits.HookAttempts, Journal.For("hook-retries").Count(e => e.StartsWith("broken", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Poll_of_a_waiting_group_says_what_it_waits_for_and_that_an_upstream_failed()
    {
        using var root = new TempRoot();
        await using var app = TestApps.InMemory(root, "waiting");
        var t = app.AddTimer("T", "rate(1 day)", timeDimension: "day");
        var a = app.CreateData("A", inputs: [t], computeTargets: [ComputeTarget.Inlined<FailingCompute>()]);
        var b = app.CreateData("B", inputs: [a, t], computeTargets: [ComputeTarget.NoOp]);
        var c = app.CreateData("C", inputs: [b, t], computeTargets: [ComputeTarget.NoOp]);
        await app.ActivateAsync();

        await app.ProcessAsync(t["2024-03-10"]);
        await app.WaitForIdleAsync();
        var waiting = await app.PollAsync(b["2024-03-10"]);
        var groups = await app.GetWaitingGroupsAsync("C");
        var never = await app.PollAsync(b["2024-03-11"]);

        Assert.Equal(PollStatus.Waiting, waiting.Status);
        Assert.Contains("blocked: upstream failed: A[2024-03-10]", waiting.Reason, StringComparison.Ordinal);
        Assert.Contains("broken on purpose", waiting.Reason, StringComparison.Ordinal);
        var group = Assert.Single(groups);
        Assert.Equal(["T[2024-03-10]"], group.Received);
        Assert.Equal(["waiting for an event of B"], group.WaitingFor);
        Assert.Equal(PollStatus.NeverAttempted, never.Status);
    }

    [Fact]
    public async Task Explain_walks_a_missing_partition_upstream_to_the_external_data_behind_it()
    {
        using var root = new TempRoot();
        await using var app = TestApps.InMemory(root, "why");
        var folder = Path.Combine(root.Path, "clicks");
        var clicks = app.MarshalExternalData(LocalDataset.Of(folder, "{}"), "clicks", Days, protocol: IntegrityProtocol.Success);
        var daily = app.CreateData("daily", inputs: [clicks["*"]], computeTargets: [ComputeTarget.NoOp]);
        var weekly = app.CreateData("weekly", inputs: [daily.Range(-2).RangeCheck()], computeTargets: [ComputeTarget.NoOp]);
        await app.ActivateAsync();
        Land(folder, "2024-05-02");
        Land(folder, "2024-05-03");
        await app.ExecuteAsync(daily["2024-05-03"]);

        var why = await app.ExplainAsync(weekly["2024-05-03"]);

        Assert.Equal(ExplanationState.Missing, why.State);
        var gap = Assert.Single(why.Inputs, i => i.State != ExplanationState.There);
        Assert.Equal(("daily", "2024-05-02", ExplanationState.CanRun), (gap.NodeId, gap.Partition[0], gap.State));
        Assert.Equal(ExplanationState.There, Assert.Single(gap.Inputs).State);
        Assert.Contains(why.Inputs, i => i.State == ExplanationState.There && i.Detail.StartsWith("1 of 2", StringComparison.Ordinal));
        File.Delete(Path.Combine(folder, "2024-05-02", "_SUCCESS"));
        var deeper = await app.ExplainAsync(weekly["2024-05-03"]);
        var root2 = Assert.Single(Assert.Single(deeper.Inputs, i => i.State != ExplanationState.There).Inputs);
        Assert.Equal(("clicks", ExplanationState.Missing), (root2.NodeId, root2.State));
        Assert.Contains("no _SUCCESS in", root2.Detail, StringComparison.Ordinal);
    }

    private static void Land(string folder, string day)
    {
        var dir = Path.Combine(folder, day);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "data.csv"), "a\n");
        File.WriteAllText(Path.Combine(dir, "_SUCCESS"), string.Empty);
    }

    private sealed class Collect(ConcurrentQueue<BackfillProgress> reports) : IProgress<BackfillProgress>
    {
        public void Report(BackfillProgress value) => reports.Enqueue(value);
    }
}

/// <summary>The first call blocks until its process stops; later calls journal and return.</summary>
public sealed class StopOnceHook : IRouteHook
{
    private static readonly ConcurrentDictionary<string, int> Calls = new();

    public async Task OnHookAsync(HookContext context, CancellationToken cancellationToken)
    {
        if (Calls.AddOrUpdate(context.Application, 1, (_, n) => n + 1) == 1)
        {
            Journal.Add($"{context.Application}:hook started");
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        Journal.Add($"{context.Application}:hook ran {context.RouteId} {string.Join("/", context.Dimensions.Values)}");
    }
}

/// <summary>Throws on its first two calls.</summary>
public sealed class FailTwiceHook : IRouteHook
{
    private static readonly ConcurrentDictionary<string, int> Calls = new();

    public Task OnHookAsync(HookContext context, CancellationToken cancellationToken)
    {
        var n = Calls.AddOrUpdate(context.Application + context.RouteId, 1, (_, v) => v + 1);
        Journal.Add($"{context.Application}:{context.RouteId} attempt {n}");
        return n <= 2 ? throw new InvalidOperationException("hook fails for now") : Task.CompletedTask;
    }
}

/// <summary>Always throws.</summary>
public sealed class AlwaysFailingHook : IRouteHook
{
    public Task OnHookAsync(HookContext context, CancellationToken cancellationToken)
    {
        Journal.Add($"{context.Application}:{context.RouteId} attempt");
        throw new InvalidOperationException("hook broken on purpose");
    }
}
