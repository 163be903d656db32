using System.Text.Json.Nodes;

namespace Rheo.Cli.Tests.Applications;

/// <summary>The rheo binary as a process against temporary stores: the sample, control commands and their errors.</summary>
public sealed class ApplicationCommandsTests(CompiledSample sample) : IClassFixture<CompiledSample>
{
    private const string SlowScript = """
        var app = CreateApplication("slow");
        app.CreateData("A", inputs: [app.AddTimer("T", "rate(1 day)")], computeTargets: [ComputeTarget.CSharp(
            "await Task.Delay(int.Parse(Environment.GetEnvironmentVariable(\"SLOW_MS\") ?? \"50\"), CancellationToken); File.WriteAllText(Path.Combine(Output.Path, \"a.txt\"), Dimensions[\"time\"]);")]);
        """;

    private static JsonNode Json(string line) => JsonNode.Parse(line)!;

    [Fact]
    public async Task Run_takes_the_sample_end_to_end_and_shows_the_notifications_it_sent()
    {
        using var rheo = new RheoProcess(sample.Cache);

        var (exit, output, error) = await rheo.RunAsync("run", RheoProcess.Sample, "--until-idle");
        var status = await rheo.RunAsync("status", "--json");
        var logs = await rheo.RunAsync("logs", "notify", "region=EU", "day=2024-05-08", "--json");

        Assert.True(exit == 0, error);
        Assert.Contains("loaded pipeline.csx", output, StringComparison.Ordinal);
        Assert.Contains("notify[EU, 2024-05-08]:", output, StringComparison.Ordinal);
        Assert.Contains("sent to sales-na@example.com: NA week to 2024-05-07: 460 orders, 14,763.39 vs target 14,000 (105%, on target)", output, StringComparison.Ordinal);
        var nodes = Json(status.Output)["nodes"]!.AsArray().ToDictionary(n => (string)n!["node"]!, n => n!);
        Assert.Equal(24, (int)nodes["daily_totals"]["succeeded"]!);
        Assert.Equal(6, (int)nodes["weekly"]["succeeded"]!);
        Assert.Equal(18, (int)nodes["weekly"]["pendingGroups"]!);
        Assert.Equal(6, File.ReadAllLines(Path.Combine(rheo.Root, "daily-sales", "published.log")).Length);
        var records = Json(logs.Output)["records"]!.AsArray();
        Assert.Equal(["Failed", "Succeeded"], records.Select(r => (string)r!["status"]!));
        Assert.Contains("mail relay busy", (string)records[0]!["stderr"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_activated_pipeline_runs_its_stored_code_in_later_processes_and_says_what_is_missing()
    {
        using var rheo = new RheoProcess(sample.Cache);
        Assert.Equal(0, (await rheo.RunAsync("activate", RheoProcess.Sample)).Exit);

        var missing = await rheo.RunAsync("execute", "daily_totals", "NA", "2024-05-01", "--recursive");
        var landed = Path.Combine(rheo.Root, "landing", "sales", "NA", "2024-05-01");
        Directory.CreateDirectory(landed);
        File.WriteAllText(Path.Combine(landed, "sales.csv"), "order_id,product,amount\n1,mug,10.5\n2,kettle,20\n");
        File.WriteAllText(Path.Combine(landed, "_SUCCESS"), string.Empty);
        var executed = await rheo.RunAsync("execute", "daily_totals", "region=NA", "day=2024-05-01", "--json");
        var poll = await rheo.RunAsync("poll", "daily_totals", "NA", "2024-05-01", "--json");
        var never = await rheo.RunAsync("poll", "daily_totals", "EU", "2024-05-01");

        Assert.Equal(1, missing.Exit);
        Assert.Contains($"missing at {landed}", missing.Error, StringComparison.Ordinal);
        Assert.True(executed.Exit == 0, executed.Error);
        var path = (string)Json(executed.Output)["path"]!;
        Assert.Equal("NA,2024-05-01,2,30.5\n", File.ReadAllText(Path.Combine(path, "totals.csv")));
        Assert.Equal("succeeded", (string)Json(poll.Output)["status"]!);
        Assert.Equal(path, (string)Json(poll.Output)["path"]!);
        Assert.Equal("daily_totals[EU, 2024-05-01]: never attempted\n", never.Output);
    }

    [Fact]
    public async Task Process_injects_an_event_and_processes_it_downstream()
    {
        using var rheo = new RheoProcess(sample.Cache);
        Assert.Equal(0, (await rheo.RunAsync("activate", RheoProcess.Sample)).Exit);
        var landed = Path.Combine(rheo.Root, "landing", "sales", "EU", "2024-05-02");
        Directory.CreateDirectory(landed);
        File.WriteAllText(Path.Combine(landed, "sales.csv"), "order_id,product,amount\n1,mug,4\n");
        File.WriteAllText(Path.Combine(landed, "_SUCCESS"), string.Empty);

        var processed = await rheo.RunAsync("process", "sales", "EU", "2024-05-02");
        var poll = await rheo.RunAsync("poll", "daily_totals", "EU", "2024-05-02", "--json");

        Assert.True(processed.Exit == 0, processed.Error);
        Assert.Equal("succeeded", (string)Json(poll.Output)["status"]!);
    }

    [Fact]
    public async Task Nodes_and_graph_describe_the_active_topology()
    {
        using var rheo = new RheoProcess(sample.Cache);
        Assert.Equal(0, (await rheo.RunAsync("activate", RheoProcess.Sample)).Exit);

        var nodes = await rheo.RunAsync("nodes", "--json");
        var mermaid = await rheo.RunAsync("graph");
        var dot = await rheo.RunAsync("graph", "--format", "dot");

        Assert.Equal(["sales", "targets", "daily", "daily_totals", "weekly", "report", "notify"], Json(nodes.Output).AsArray().Select(n => (string)n!["id"]!));
        Assert.StartsWith("flowchart LR", mermaid.Output, StringComparison.Ordinal);
        Assert.Contains("n_targets -. ref .-> n_report", mermaid.Output, StringComparison.Ordinal);
        Assert.Contains("\"daily_totals\" -> \"weekly\" [label=\"range, range check\"];", dot.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kill_stops_a_running_execution_and_a_second_kill_has_nothing_to_stop()
    {
        using var rheo = new RheoProcess();
        var script = rheo.Write("slow.csx", SlowScript);
        var slow = new Dictionary<string, string> { ["SLOW_MS"] = "600000" };
        Assert.Equal(0, (await rheo.RunAsync("activate", script)).Exit);

        var started = await rheo.RunAsync(slow, "execute", "A", "2024-01-01", "--no-wait");
        var killed = await rheo.RunAsync(slow, "kill", "A", "2024-01-01");
        var poll = await rheo.RunAsync("poll", "A", "2024-01-01", "--json");
        var again = await rheo.RunAsync("kill", "A", "2024-01-01");

        Assert.True(started.Exit == 0, started.Error);
        Assert.Equal("A[2024-01-01]: killed\n", killed.Output);
        Assert.Equal("killed", (string)Json(poll.Output)["status"]!);
        Assert.Equal(1, again.Exit);
        Assert.Contains("no execution of A[2024-01-01] is running", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_backfill_killed_half_way_continues_when_run_again_without_a_duplicate_success()
    {
        using var rheo = new RheoProcess();
        var script = rheo.Write("slow.csx", SlowScript);
        Assert.Equal(0, (await rheo.RunAsync("activate", script)).Exit);
        string[] backfill = ["backfill", "A", "--from", "2024-01-01", "--to", "2024-01-30", "--concurrency", "2", "--json"];
        var slow = new Dictionary<string, string> { ["SLOW_MS"] = "100" };

        using (var first = rheo.Start(slow, backfill))
        {
            var done = 0;
            while (done < 5 && await first.StandardOutput.ReadLineAsync() is { } line)
            {
                done += line.Contains("\"outcome\":\"done\"", StringComparison.Ordinal) ? 1 : 0;
            }

            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
        }

        var resumed = await rheo.RunAsync(slow, backfill);
        var status = await rheo.RunAsync("status", "--json");

        Assert.True(resumed.Exit == 0, resumed.Error);
        var summary = Json(resumed.Output.Trim().Split('\n')[^1]);
        Assert.Equal(30, (int)summary["done"]!);
        Assert.InRange((int)summary["alreadyDone"]!, 5, 29);
        var a = Json(status.Output)["nodes"]!.AsArray().Single(n => (string)n!["node"]! == "A")!;
        Assert.Equal(30, (int)a["succeeded"]!);

        // One execution per partition: an interrupted one was resumed, not started again.
        Assert.Equal(30, (int)a["executions"]!);
        Assert.Empty(a["active"]!.AsArray());
    }

    [Fact]
    public async Task Invalid_arguments_exit_2_and_say_what_is_valid()
    {
        using var rheo = new RheoProcess(sample.Cache);
        var noStore = await rheo.RunAsync("status");
        Assert.Equal(0, (await rheo.RunAsync("activate", RheoProcess.Sample)).Exit);

        var missingArgument = await rheo.RunAsync("execute");
        var unknownNode = await rheo.RunAsync("execute", "nope", "x");
        var badValue = await rheo.RunAsync("poll", "daily_totals", "NA", "not-a-day");
        var missingDimension = await rheo.RunAsync("poll", "daily_totals", "NA");
        var backwards = await rheo.RunAsync("backfill", "daily_totals", "region=NA", "--from", "2024-05-09", "--to", "2024-05-01");
        var badFormat = await rheo.RunAsync("graph", "--format", "svg");

        Assert.Equal(2, noStore.Exit);
        Assert.Contains("There is no Rheo store", noStore.Error, StringComparison.Ordinal);
        Assert.Equal(2, missingArgument.Exit);
        Assert.Contains("see `rheo execute --help`", missingArgument.Error, StringComparison.Ordinal);
        Assert.Equal(2, unknownNode.Exit);
        Assert.Contains("its nodes are: sales, targets, daily, daily_totals, weekly, report, notify", unknownNode.Error, StringComparison.Ordinal);
        Assert.Equal(2, badValue.Exit);
        Assert.Contains("not-a-day", badValue.Error, StringComparison.Ordinal);
        Assert.Equal(2, missingDimension.Exit);
        Assert.Contains("'day' is missing. Give: daily_totals region=<STRING> day=<%Y-%m-%d>", missingDimension.Error, StringComparison.Ordinal);
        Assert.Equal(2, backwards.Exit);
        Assert.Contains("give --from before --to", backwards.Error, StringComparison.Ordinal);
        Assert.Equal(2, badFormat.Exit);
    }

    [Fact]
    public async Task A_script_that_does_not_compile_or_throws_activates_nothing()
    {
        using var rheo = new RheoProcess();
        var broken = rheo.Write("broken.csx", "var app = CreateApplication(\"broken\");\napp.CreateData(\"A\", inputs: [nope]);\n");
        var invalid = rheo.Write("invalid.csx", "var app = CreateApplication(\"invalid\");\nvar t = app.AddTimer(\"T\", \"rate(1 day)\");\napp.CreateData(\"A\", inputs: [t[\"2024-01-01\"][\"extra\"]]);\n");

        var compile = await rheo.RunAsync("activate", broken);
        var thrown = await rheo.RunAsync("run", invalid, "--until-idle");
        var missing = await rheo.RunAsync("activate", Path.Combine(rheo.Work, "absent.csx"));
        var status = await rheo.RunAsync("status");

        Assert.Equal(1, compile.Exit);
        Assert.Contains($"{broken}:2:30: error CS0103: The name 'nope' does not exist in the current context", compile.Error, StringComparison.Ordinal);
        Assert.Contains("nothing was activated", compile.Error, StringComparison.Ordinal);
        Assert.NotEqual(0, thrown.Exit);
        Assert.Contains($"{invalid}:3:", thrown.Error, StringComparison.Ordinal);
        Assert.Equal(2, missing.Exit);
        Assert.Contains("does not exist", missing.Error, StringComparison.Ordinal);
        Assert.Equal(2, status.Exit);
        Assert.Contains("holds no application", status.Error, StringComparison.Ordinal);
    }
}
