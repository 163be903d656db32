using System.Text.Json.Nodes;

namespace Rheo.Cli.Tests.Applications;

/// <summary>The first hour of a new user, through the built rheo: nothing runs without its inputs, nothing is left half done, and the CLI says what failed and why.</summary>
public sealed class DayOneCommandsTests(CompiledSample sample) : IClassFixture<CompiledSample>
{
    // Hourly clicks landing with _SUCCESS, a copy per hour, a Monday report on a calendar timer, and a node that always fails.
    private const string ClicksScript = """
        var app = CreateApplication("clicks");
        var clicks = app.MarshalExternalData(LocalDataset.Of(Path.Combine(Root, "landing", "clicks"), "{}"), "clicks",
            DimensionSpec.Of(Dimension.DateTime("hour", DatetimeGranularity.Hour, "%Y-%m-%d-%H")), protocol: IntegrityProtocol.Success);
        app.CreateData("hourly", inputs: [clicks["*"]], computeTargets: [ComputeTarget.NoOp]);
        var mondays = app.AddTimer("mondays", "cron(0 6 ? * MON *)", timeDimension: "day");
        app.CreateData("weekly_report", inputs: [mondays], computeTargets: [ComputeTarget.CSharp("File.WriteAllText(Path.Combine(Output.Path, \"report.txt\"), Dimensions[\"day\"]);")]);
        app.CreateData("broken", inputs: [app.AddTimer("daily", "rate(1 day)", timeDimension: "day")],
            computeTargets: [ComputeTarget.CSharp("throw new InvalidOperationException(\"the warehouse is down\");")]);
        """;

    private static JsonNode Json(string text) => JsonNode.Parse(text)!;

    [Fact]
    public async Task A_second_run_of_the_unchanged_sample_re_executes_nothing_and_status_counts_what_the_summary_counts()
    {
        using var rheo = new RheoProcess(sample.Cache);
        var first = await rheo.RunAsync("run", RheoProcess.Sample, "--until-idle");

        var second = await rheo.RunAsync("run", RheoProcess.Sample, "--until-idle");
        var status = await rheo.RunAsync("status", "--json");

        Assert.True(first.Exit == 0 && second.Exit == 0, first.Error + second.Error);
        Assert.Contains("not played again, so nothing is re-executed", second.Output, StringComparison.Ordinal);
        Assert.Contains("daily_totals     24 succeeded", second.Output, StringComparison.Ordinal);
        Assert.Equal(6, File.ReadAllLines(Path.Combine(rheo.Root, "daily-sales", "published.log")).Length);
        var totals = Json(status.Output)["nodes"]!.AsArray().Single(n => (string)n!["node"]! == "daily_totals")!;
        Assert.Equal(24, (int)totals["succeeded"]!);
        Assert.Equal(24, (int)totals["executions"]!);
    }

    [Fact]
    public async Task Execute_without_an_engine_finishes_the_downstream_work_it_starts_and_its_hooks_fire()
    {
        using var rheo = new RheoProcess(sample.Cache);
        Assert.Equal(0, (await rheo.RunAsync("run", RheoProcess.Sample, "--until-idle")).Exit);
        var published = Path.Combine(rheo.Root, "daily-sales", "published.log");
        File.Delete(published);

        var execute = await rheo.RunAsync("execute", "report", "NA", "2024-05-08");
        var status = await rheo.RunAsync("status");
        var queued = await rheo.RunAsync("execute", "weekly", "NA", "2024-05-08", "--no-wait");
        var waiting = await rheo.RunAsync("status");

        Assert.True(execute.Exit == 0, execute.Error);
        Assert.Contains("also ran: notify[NA, 2024-05-08] succeeded", execute.Output, StringComparison.Ordinal);
        Assert.StartsWith("published report NA 2024-05-08", Assert.Single(File.ReadAllLines(published)), StringComparison.Ordinal);
        Assert.Contains("engine: none running (nothing waits for one)", status.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("running:", status.Output, StringComparison.Ordinal);
        Assert.Contains("no engine runs it now", queued.Output, StringComparison.Ordinal);
        Assert.Contains("1 execution(s) and 0 hook call(s) wait for one: start `rheo serve`", waiting.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backfill_and_execute_refuse_to_run_computes_whose_inputs_are_missing_and_name_them()
    {
        using var rheo = new RheoProcess(sample.Cache);
        Assert.Equal(0, (await rheo.RunAsync("activate", RheoProcess.Sample)).Exit);
        var landed = Path.Combine(rheo.Root, "landing", "sales", "NA", "2024-05-02");
        Directory.CreateDirectory(landed);
        File.WriteAllText(Path.Combine(landed, "sales.csv"), "order_id,product,amount\n1,mug,4\n");
        File.WriteAllText(Path.Combine(landed, "_SUCCESS"), string.Empty);

        var backfill = await rheo.RunAsync("backfill", "daily_totals", "region=NA", "--from", "2024-05-01", "--to", "2024-05-03", "--concurrency", "1");
        var execute = await rheo.RunAsync("execute", "weekly", "NA", "2024-05-05");
        var forced = await rheo.RunAsync("execute", "daily_totals", "NA", "2024-05-03", "--force");
        var logs = await rheo.RunAsync("logs", "daily_totals");

        Assert.Equal(1, backfill.Exit);
        Assert.Contains("done     daily_totals[NA, 2024-05-02]", backfill.Output, StringComparison.Ordinal);
        Assert.Contains($"missing  daily_totals[NA, 2024-05-01] (1/3): external data sales[NA, 2024-05-01] is missing: no _SUCCESS in {Path.Combine(rheo.Root, "landing", "sales", "NA", "2024-05-01")}", backfill.Output, StringComparison.Ordinal);
        Assert.Contains("1 of 3 done (0 already), 0 failed, 2 with missing inputs", backfill.Output, StringComparison.Ordinal);
        Assert.Equal(1, execute.Exit);
        Assert.Contains("node 'weekly' cannot run for [NA, 2024-05-05]; nothing was started", execute.Error, StringComparison.Ordinal);
        Assert.Contains("daily_totals[NA, 2024-04-29] (range check) is not produced", execute.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("daily_totals[NA, 2024-05-02] (range check)", execute.Error, StringComparison.Ordinal);

        // Forced, the compute runs without its sales file and fails in user code, which logs without a partition shows.
        Assert.Equal(1, forced.Exit);
        Assert.Contains("execution", logs.Output, StringComparison.Ordinal);
        Assert.Contains("daily_totals[NA, 2024-05-03]: Failed", logs.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_lists_failed_lost_and_waiting_partitions_and_why_walks_to_the_missing_data()
    {
        using var rheo = new RheoProcess(sample.Cache);
        Assert.Equal(0, (await rheo.RunAsync("run", RheoProcess.Sample, "--until-idle")).Exit);
        File.Delete(Path.Combine(rheo.Root, "daily-sales", "data", "daily_totals", "EU", "2024-05-02", "_SUCCESS"));

        var status = await rheo.RunAsync("status");
        var json = await rheo.RunAsync("status", "--json");
        var poll = await rheo.RunAsync("poll", "weekly", "NA", "2024-05-03");
        var lost = await rheo.RunAsync("poll", "daily_totals", "EU", "2024-05-02");
        var why = await rheo.RunAsync("why", "weekly", "EU", "2024-05-06");

        Assert.True(status.Exit == 0, status.Error);
        Assert.Contains("lost (succeeded, output gone; backfill or execute re-runs them):\n  daily_totals[EU, 2024-05-02]", status.Output, StringComparison.Ordinal);
        Assert.Contains("waiting:\n  weekly group", status.Output, StringComparison.Ordinal);
        Assert.Contains("waiting for daily_totals[NA, 2024-04-30] (range check)", status.Output, StringComparison.Ordinal);
        var weekly = Json(json.Output)["nodes"]!.AsArray().Single(n => (string)n!["node"]! == "weekly")!;
        Assert.Equal(18, weekly["waiting"]!.AsArray().Count);
        Assert.StartsWith("weekly[NA, 2024-05-03]: waiting: group", poll.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("never attempted", poll.Output, StringComparison.Ordinal);
        Assert.StartsWith("daily_totals[EU, 2024-05-02]: lost: execution", lost.Output, StringComparison.Ordinal);
        Assert.Contains("├─ daily_totals[EU, 2024-05-02] (range check, range): can run: lost:", why.Output, StringComparison.Ordinal);
        Assert.Contains("└─ sales[EU, 2024-04-30]: missing: external data sales[EU, 2024-04-30] is missing", why.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Process_refuses_a_day_for_an_hourly_dimension_and_a_partition_without_its_marker()
    {
        using var rheo = new RheoProcess();
        Assert.Equal(0, (await rheo.RunAsync("activate", rheo.Write("clicks.csx", ClicksScript))).Exit);
        var hour = Path.Combine(rheo.Root, "landing", "clicks", "2024-06-01-00");
        Directory.CreateDirectory(hour);

        var day = await rheo.RunAsync("process", "clicks", "2024-05-07");
        var unmarked = await rheo.RunAsync("process", "clicks", "2024-06-01-00");
        var forced = await rheo.RunAsync("process", "clicks", "2024-06-01-00", "--force");

        Assert.Equal(2, day.Exit);
        Assert.Contains("it would be read as '2024-05-07-00'", day.Error, StringComparison.Ordinal);
        Assert.Contains("hour=2024-05-07-00", day.Error, StringComparison.Ordinal);
        Assert.Equal(1, unmarked.Exit);
        Assert.Contains($"no _SUCCESS in {hour}; nothing was injected", unmarked.Error, StringComparison.Ordinal);
        Assert.True(forced.Exit == 0, forced.Error);
    }

    [Fact]
    public async Task Backfill_of_a_node_on_a_calendar_timer_runs_only_the_days_the_timer_fires_and_failures_are_listed()
    {
        using var rheo = new RheoProcess();
        Assert.Equal(0, (await rheo.RunAsync("activate", rheo.Write("clicks.csx", ClicksScript))).Exit);

        var backfill = await rheo.RunAsync("backfill", "weekly_report", "--from", "2024-05-05", "--to", "2024-05-07");
        var sunday = await rheo.RunAsync("execute", "weekly_report", "2024-05-05");
        var broken = await rheo.RunAsync("execute", "broken", "2024-05-01");
        var status = await rheo.RunAsync("status");
        var logs = await rheo.RunAsync("logs", "broken");

        Assert.True(backfill.Exit == 0, backfill.Error);
        Assert.Contains("done     weekly_report[2024-05-06] (1/1)", backfill.Output, StringComparison.Ordinal);
        Assert.Contains("left out 2 partition(s) the inputs cannot produce, e.g. [2024-05-05]: timer mondays never fires for [2024-05-05]", backfill.Output, StringComparison.Ordinal);
        Assert.Equal(["2024-05-06"], Directory.GetDirectories(Path.Combine(rheo.Root, "clicks", "data", "weekly_report")).Select(Path.GetFileName));
        Assert.Equal(1, sunday.Exit);
        Assert.Equal(1, broken.Exit);
        Assert.Contains("failed:\n  broken[2024-05-01] (execution", status.Output, StringComparison.Ordinal);
        Assert.Contains("the warehouse is down", status.Output, StringComparison.Ordinal);
        Assert.Contains("broken[2024-05-01]: Failed", logs.Output, StringComparison.Ordinal);
    }
}
