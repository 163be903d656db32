using Rheo.Core.Signals;
using Rheo.Runtime.Compute;
using Rheo.Runtime.StepFlows;
using Rheo.Runtime.Storage;
using Rheo.Runtime.Tests.Applications;

namespace Rheo.Runtime.Tests.StepFlows;

public sealed class StepFlowTests
{
    private const string Period = "2024-05-01";

    [Fact]
    public async Task Run_on_a_diamond_with_a_failure_in_the_middle_runs_the_other_branch_and_leaves_the_flow_failed()
    {
        using var root = new TempRoot();
        await using var app = Application.Local("diamond", root.Path, TestApps.Fast());
        var flow = await DiamondAsync(app, root);

        var result = await app.RunFlowAsync(flow[Period], FlowRunMode.Run);

        Assert.Equal(
            ["A Succeeded", "B Failed", "C Succeeded", "D NotRun", "daily NotRun"],
            result.Steps.Select(s => $"{s.Step} {s.Outcome}"));
        Assert.Equal(FlowState.Failed, result.State);
        Assert.Contains("failed in main action 'load' after 1 attempt(s)", result.Steps[1].Error, StringComparison.Ordinal);
        Assert.Contains("skipped: post notify", result.Steps[1].Error, StringComparison.Ordinal);
        var status = await app.GetFlowStatusAsync(flow[Period]);
        var b = status.Steps.Single(s => s.Step == "B");
        Assert.Equal([ComputeStatus.Succeeded, ComputeStatus.Failed, null], b.Actions.Select(a => a.Status));
        Assert.Equal(ExecutionStatus.Reset, status.Steps.Single(s => s.Step == "D").Latest!.Status);
        Assert.Equal(PollStatus.Reset, (await app.PollAsync(app["D"][Period])).Status);
    }

    [Fact]
    public async Task Run_purges_the_periods_step_records_and_runs_every_step_again()
    {
        using var root = new TempRoot();
        await using var app = Application.Local("rerun", root.Path, TestApps.Fast());
        var flow = await DiamondAsync(app, root, fixedB: true);
        await app.RunFlowAsync(flow[Period], FlowRunMode.Run);

        var again = await app.RunFlowAsync(flow[Period], FlowRunMode.Run);

        Assert.True(again.Succeeded);
        foreach (var step in (string[])["A", "B", "C", "D", "daily"])
        {
            var history = (await app.GetExecutionsAsync(step)).Select(e => e.Status).Reverse();
            Assert.Equal([ExecutionStatus.Reset, ExecutionStatus.Succeeded, ExecutionStatus.Reset, ExecutionStatus.Succeeded], history);
        }
    }

    [Fact]
    public async Task Recover_reruns_only_the_failed_step_and_what_depends_on_it()
    {
        using var root = new TempRoot();
        await using var app = Application.Local("recover", root.Path, TestApps.Fast());
        var flow = await DiamondAsync(app, root);
        await app.RunFlowAsync(flow[Period], FlowRunMode.Run);
        await File.WriteAllTextAsync(Marker(root), "fixed");

        var result = await app.RunFlowAsync(flow[Period], FlowRunMode.Recover);

        Assert.Equal(["B", "D", "daily"], result.Steps.Select(s => s.Step));
        Assert.True(result.Succeeded);
        Assert.Equal(FlowState.Succeeded, result.State);
        Assert.Equal(["B", "D", "daily"], await RanAsync(app, "recover"));
        Assert.Single(await app.GetExecutionsAsync("A"), e => e.Status == ExecutionStatus.Succeeded);
        Assert.Single(await app.GetExecutionsAsync("C"), e => e.Status == ExecutionStatus.Succeeded);
    }

    [Fact]
    public async Task Recover_refuses_when_the_flow_has_not_failed()
    {
        using var root = new TempRoot();
        await using var app = Application.Local("norecover", root.Path, TestApps.Fast());
        var flow = await DiamondAsync(app, root, fixedB: true);

        var never = await Assert.ThrowsAsync<InvalidOperationException>(() => app.RunFlowAsync(flow[Period], FlowRunMode.Recover));
        await app.RunFlowAsync(flow[Period], FlowRunMode.Run);
        var succeeded = await Assert.ThrowsAsync<InvalidOperationException>(() => app.RunFlowAsync(flow[Period], FlowRunMode.Recover));

        Assert.Contains("has not failed for [2024-05-01], it is notrun", never.Message, StringComparison.Ordinal);
        Assert.Contains("it is succeeded", succeeded.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_from_resets_exactly_the_step_and_its_descendants_and_leaves_the_flow_state_alone()
    {
        using var root = new TempRoot();
        await using var app = Application.Local("runfrom", root.Path, TestApps.Fast());
        var flow = await DiamondAsync(app, root);
        await app.RunFlowAsync(flow[Period], FlowRunMode.Run);
        await File.WriteAllTextAsync(Marker(root), "fixed");

        var result = await app.RunFlowAsync(flow[Period], FlowRunMode.RunFrom, "B");

        Assert.True(result.Succeeded);
        var resets = new List<string>();
        foreach (var step in (string[])["A", "B", "C", "D", "daily"])
        {
            if ((await app.GetExecutionsAsync(step)).Any(e => e is { Status: ExecutionStatus.Reset, Trigger: "run_from" }))
            {
                resets.Add(step);
            }
        }

        Assert.Equal(["B", "D", "daily"], resets);
        Assert.Equal(["B", "D", "daily"], await RanAsync(app, "run_from"));
        Assert.Equal(FlowState.Failed, result.State);
        Assert.Equal(FlowState.Failed, (await app.GetFlowStatusAsync(flow[Period])).State);
    }

    [Fact]
    public async Task Run_one_refuses_when_a_predecessor_is_incomplete_and_otherwise_runs_that_step_alone_on_one_cluster()
    {
        using var root = new TempRoot();
        await using var app = Application.Local("runone", root.Path, TestApps.Fast());
        var flow = await DiamondAsync(app, root);
        await app.RunFlowAsync(flow[Period], FlowRunMode.Run);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => app.RunFlowAsync(flow[Period], FlowRunMode.RunOne, "D"));
        await File.WriteAllTextAsync(Marker(root), "fixed");
        var result = await app.RunFlowAsync(flow[Period], FlowRunMode.RunOne, "B", new FlowRunOptions { NominalClusters = 8 });

        Assert.Contains("needs its predecessors completed for [2024-05-01], and these are not: B (failed)", refused.Message, StringComparison.Ordinal);
        Assert.Equal(["B Succeeded"], result.Steps.Select(s => $"{s.Step} {s.Outcome}"));
        Assert.Equal(1, result.Clusters);
        Assert.Equal(["B"], await RanAsync(app, "run_one"));
        Assert.Equal(ExecutionStatus.Reset, (await app.GetFlowStatusAsync(flow[Period])).Steps.Single(s => s.Step == "D").Latest!.Status);
        Assert.Equal(FlowState.Failed, result.State);
    }

    [Fact]
    public async Task A_step_runs_pre_actions_then_main_then_post_and_a_failing_pre_skips_main_and_post()
    {
        using var root = new TempRoot();
        await using var app = Application.Local("order", root.Path, TestApps.Fast());
        var flow = new StepFlow("order");
        var ok = flow.Step("ok", FlowAction.Run<JournalAction>(name: "main"), pre: [FlowAction.Run<JournalAction>(name: "pre1"), FlowAction.Run<JournalAction>(name: "pre2")], post: [FlowAction.Run<JournalAction>(name: "post1")]);
        flow.Step("bad", FlowAction.Run<JournalAction>(name: "main"), pre: [FlowAction.Fail("not ready", name: "gate")], post: [FlowAction.Run<JournalAction>(name: "post1")], after: [ok]);
        var node = app.AddStepFlow(flow);
        await app.ActivateAsync();

        var result = await app.RunFlowAsync(node[Period], FlowRunMode.Run);

        Assert.Equal(["ok.pre1", "ok.pre2", "ok.main", "ok.post1"], JournalAction.For("order"));
        Assert.Equal("failed in pre action 'gate' after 1 attempt(s): FlowActionException: not ready; skipped: main main, post post1", result.Steps[1].Error);
        var records = await app.GetComputeRecordsAsync(result.Steps[1].ExecutionId!.Value);
        Assert.Equal(["pre gate (fail) Failed"], records.Select(r => $"{r.Target} {r.Status}"));
    }

    [Fact]
    public async Task Logs_are_written_per_flow_and_per_step_in_the_documented_layout()
    {
        using var root = new TempRoot();
        await using var app = Application.Local("logs", root.Path, TestApps.Fast());
        var flow = await DiamondAsync(app, root);

        await app.RunFlowAsync(flow[Period], FlowRunMode.Run);

        var folder = Path.Combine(root.Path, "logs", "logs", "flows", "daily");
        Assert.Equal(["A.log", "B.log", "C.log", "D.log", "daily.log"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var stepLog = await File.ReadAllLinesAsync(Path.Combine(folder, "B.log"));
        Assert.All(stepLog, l => Assert.Matches(@"^B(\.(check|load|notify))? (INFO|WARN|ERROR) \[2024-05-01\] ", l));
        Assert.Contains("B.check INFO [2024-05-01] pre action started", stepLog);
        Assert.Contains(stepLog, l => l.StartsWith("B.load ERROR [2024-05-01] failed after ", StringComparison.Ordinal) && l.EndsWith("missing", StringComparison.Ordinal));
        Assert.Contains(stepLog, l => l.StartsWith("B ERROR [2024-05-01] failed in ", StringComparison.Ordinal));
        var flowLog = await FlowLogs.ReadAsync(app, "daily", period: Period);
        Assert.DoesNotContain(flowLog, l => l.Source.Contains('.', StringComparison.Ordinal));
        Assert.Equal("daily", flowLog[0].Source);
        Assert.StartsWith("run: 5 of 5 step(s) to run on 4 cluster(s)", flowLog[0].Message, StringComparison.Ordinal);
        Assert.Contains(flowLog, l => l is { Source: "D", Level: FlowLogLevel.Warn, Message: "not run: predecessor(s) B did not complete" });
        Assert.Empty(await FlowLogs.ReadAsync(app, "daily", "B", period: "2024-05-02"));
    }

    [Theory]
    [InlineData(FlowRunMode.Run, null, 11, 4)]
    [InlineData(FlowRunMode.RunFrom, "s7", 4, 1)]
    [InlineData(FlowRunMode.RunFrom, "s5", 6, 2)]
    public async Task A_run_uses_max_1_or_steps_to_run_over_total_steps_times_nominal_clusters_and_never_runs_more_steps_at_once(FlowRunMode mode, string? step, int toRun, int clusters)
    {
        using var root = new TempRoot();
        await using var app = TestApps.InMemory(root, "clusters");
        var flow = new StepFlow("wide");
        var previous = flow.Step("s0", FlowAction.Identity());
        for (var i = 1; i < 10; i++)
        {
            // A chain s0..s9 where each step also fans out of s0, so many steps are ready at once.
            previous = flow.Step($"s{i}", FlowAction.Sleep(TimeSpan.FromMilliseconds(10)), after: i < 6 ? [flow.Steps[0]] : [previous]);
        }

        var node = app.AddStepFlow(flow);
        await app.ActivateAsync();
        await app.RunFlowAsync(node[Period], FlowRunMode.Run);
        var provider = new CountingClusters();

        var result = await app.RunFlowAsync(node[Period], mode, step, new FlowRunOptions { NominalClusters = 4, Clusters = provider });

        Assert.Equal(toRun, result.Steps.Count);
        Assert.Equal(clusters, result.Clusters);
        Assert.Equal(clusters, provider.Spawned);
        Assert.Equal(clusters, provider.Terminated);
        Assert.InRange(provider.MaxBusy, 1, clusters);
        Assert.True(result.Succeeded);
    }

    [Fact]
    public async Task Every_execution_gets_its_own_copy_of_an_actions_state_and_the_flows_context()
    {
        using var root = new TempRoot();
        Environment.SetEnvironmentVariable("RHEO_TEST_FLOW_TOKEN", "s3cret");
        await using var app = Application.Local("reentrant", root.Path, TestApps.Fast());
        var flow = new StepFlow("ctx") { Settings = { ["region"] = "eu" }, Credentials = { ["token"] = "RHEO_TEST_FLOW_TOKEN" } };
        flow.Step("count", FlowAction.Run(new CountingAction { Count = 10 }));
        var node = app.AddStepFlow(flow);
        await app.ActivateAsync();

        var runs = await Task.WhenAll(((string[])["2024-05-01", "2024-05-02", "2024-05-03"]).Select(p => app.RunFlowAsync(node[p], FlowRunMode.Run)));
        var again = await app.RunFlowAsync(node["2024-05-01"], FlowRunMode.Run);

        Assert.All(runs.Append(again), r => Assert.True(r.Succeeded));
        foreach (var p in (string[])["2024-05-01", "2024-05-02", "2024-05-03"])
        {
            var line = Assert.Single(await app.LoadDataAsync(app["count"][p]));
            Assert.Equal($"count=11 seen={p} flow=ctx step=count period={p} region=eu token=s3cret", line);
        }

        var json = await File.ReadAllTextAsync(Directory.GetFiles(root.Path, "rheo.db*").First());
        Assert.DoesNotContain("s3cret", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_shell_action_gets_the_context_in_its_environment_and_its_output_goes_to_the_step_log()
    {
        using var root = new TempRoot();
        await using var app = Application.Local("shell", root.Path, TestApps.Fast());
        var flow = new StepFlow("sh") { Settings = { ["target"] = "warehouse" } };
        flow.Step("load", FlowAction.Shell("echo \"$RHEO_FLOW $RHEO_STEP $RHEO_PERIOD $RHEO_SETTING_TARGET\" > out.txt; echo loaded; echo careful >&2"));
        flow.Step("broken", FlowAction.Shell("exit 7", name: "exit"));
        var node = app.AddStepFlow(flow);
        await app.ActivateAsync();

        var result = await app.RunFlowAsync(node[Period], FlowRunMode.Run);

        Assert.Equal(["sh load 2024-05-01 warehouse"], await app.LoadDataAsync(app["load"][Period]));
        var log = (await FlowLogs.ReadAsync(app, "sh", "load")).Select(l => l.ToString()).ToList();
        Assert.Contains("load.shell INFO [2024-05-01] loaded", log);
        Assert.Contains("load.shell WARN [2024-05-01] careful", log);
        Assert.Equal(StepOutcome.Failed, result.Steps.Single(s => s.Step == "broken").Outcome);
        Assert.Contains("the command exited with code 7", result.Steps.Single(s => s.Step == "broken").Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Any_application_gets_the_four_modes_on_its_own_nodes_and_a_reopened_application_runs_a_stored_flow()
    {
        using var root = new TempRoot();
        await using (var app = Application.Local("plain", root.Path, TestApps.Fast()))
        {
            var t = app.AddTimer("T", "rate(1 day)", timeDimension: "day");
            var a = app.CreateData("A", inputs: [t], computeTargets: [ComputeTarget.NoOp]);
            app.CreateData("B", inputs: [a], computeTargets: [ComputeTarget.NoOp]);
            var flow = new StepFlow("stored");
            flow.Step("one", FlowAction.Sleep(TimeSpan.FromMilliseconds(1)), pre: [FlowAction.Identity()]);
            app.AddStepFlow(flow);
            await app.ActivateAsync();

            var plain = await app.RunFlowAsync(app["B"][Period], FlowRunMode.Run);

            Assert.Equal(["A Succeeded", "B Succeeded"], plain.Steps.Select(s => $"{s.Step} {s.Outcome}"));
        }

        await using var reopened = Application.Local("plain", root.Path, TestApps.Fast());
        await reopened.OpenAsync();
        var stored = await reopened.RunFlowAsync(reopened["stored"][Period], FlowRunMode.Run);

        Assert.True(stored.Succeeded);
        Assert.Equal(["pre identity (identity)", "main sleep (sleep)"], (await reopened.GetFlowStatusAsync(reopened["stored"][Period])).Steps[0].Actions.Select(a => a.Description));
    }

    private static string Marker(TempRoot root) => Path.Combine(root.Path, "b-is-fixed");

    // A -> B, C -> D, then the flow node "daily"; B's main action fails until the marker file exists.
    private static async Task<Signal> DiamondAsync(Application app, TempRoot root, bool fixedB = false)
    {
        if (fixedB)
        {
            await File.WriteAllTextAsync(Marker(root), "fixed");
        }

        var flow = new StepFlow("daily");
        var a = flow.Step("A", FlowAction.Identity());
        var b = flow.Step("B", FlowAction.Run(new FailUnlessFileExists { Path = Marker(root) }, name: "load"), pre: [FlowAction.Identity("check")], post: [FlowAction.Identity("notify")], after: [a]);
        var c = flow.Step("C", FlowAction.Sleep(TimeSpan.FromMilliseconds(5)), after: [a]);
        flow.Step("D", FlowAction.Identity(), after: [b, c]);
        var node = app.AddStepFlow(flow);
        await app.ActivateAsync();
        return node;
    }

    // The steps that ran (not just reset) with a trigger.
    private static async Task<List<string>> RanAsync(Application app, string trigger)
    {
        var ran = new List<string>();
        foreach (var step in (string[])["A", "B", "C", "D", "daily"])
        {
            if ((await app.GetExecutionsAsync(step)).Any(e => e.Trigger == trigger && e.Status != ExecutionStatus.Reset))
            {
                ran.Add(step);
            }
        }

        return ran;
    }

    private sealed class CountingClusters : IExecutionClusterProvider
    {
        private int _busy;
        private int _maxBusy;
        private int _spawned;
        private int _terminated;

        public int Spawned => _spawned;

        public int Terminated => _terminated;

        public int MaxBusy => _maxBusy;

        public Task<IExecutionCluster> SpawnAsync(string flow, int index, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _spawned);
            return Task.FromResult<IExecutionCluster>(new Cluster(this, $"counting-{index}"));
        }

        private sealed class Cluster(CountingClusters owner, string name) : IExecutionCluster
        {
            public string Name => name;

            public async Task<ExecutionRecord> RunStepAsync(FlowStepRun step, CancellationToken cancellationToken)
            {
                var busy = Interlocked.Increment(ref owner._busy);
                int max;
                while (busy > (max = owner._maxBusy) && Interlocked.CompareExchange(ref owner._maxBusy, busy, max) != max)
                {
                }

                try
                {
                    return await step.RunLocallyAsync(cancellationToken);
                }
                finally
                {
                    Interlocked.Decrement(ref owner._busy);
                }
            }

            public ValueTask DisposeAsync()
            {
                Interlocked.Increment(ref owner._terminated);
                return ValueTask.CompletedTask;
            }
        }
    }
}
