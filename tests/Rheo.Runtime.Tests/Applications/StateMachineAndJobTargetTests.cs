using System.Text.Json.Nodes;
using Rheo.Runtime.Compute;
using Rheo.Runtime.States;
using Rheo.Runtime.Storage;

namespace Rheo.Runtime.Tests.Applications;

/// <summary>Writes a file named after the day into the output; registered as the machine's "write" task.</summary>
public sealed class WriteDayTasks : IStateMachineTasks
{
    public void Register(TaskHandlerRegistry registry, ComputeContext context) =>
        registry.AddResource("write", async (input, _, cancellationToken) =>
        {
            var day = (string)input!["day"]!;
            await File.WriteAllTextAsync(Path.Combine((string)input["path"]!, "day.txt"), day, cancellationToken);
            return new JsonObject { ["wrote"] = day, ["attempt"] = context.Attempt };
        });
}

public sealed class StateMachineAndJobTargetTests
{
    private const string Machine = """
        {
          "StartAt": "Weekend?",
          "States": {
            "Weekend?": {
              "Type": "Choice",
              "Choices": [{ "Variable": "$.dimensions.day", "StringEquals": "2024-03-09", "Next": "Closed" }],
              "Default": "Write"
            },
            "Closed": { "Type": "Fail", "Error": "Shop.Closed", "Cause": "no sales on Saturday" },
            "Write": {
              "Type": "Task", "Resource": "write",
              "Parameters": { "day.$": "$.dimensions.day", "path.$": "$.output.path", "input.$": "$.inputs.T.path" },
              "ResultPath": "$.result",
              "Next": "Done"
            },
            "Done": { "Type": "Pass", "Parameters": { "wrote.$": "$.result.wrote", "node.$": "$.node", "from.$": "$.inputs.T.partitions[0][0]" }, "End": true }
          }
        }
        """;

    [Fact]
    public async Task A_state_machine_target_gets_the_execution_as_input_and_its_failure_fails_the_execution()
    {
        using var root = new TempRoot();
        var store = new InMemoryRheoStore();
        await using (var first = TestApps.InMemory(root, "machine", store: store))
        {
            var t = first.AddTimer("T", "rate(1 day)", timeDimension: "day");
            first.CreateData("A", inputs: [t], computeTargets: [ComputeTarget.StateMachine<WriteDayTasks>(Machine, name: "Shop")]);
            await first.ActivateAsync();
        }

        // A new instance runs the persisted definition and finds the tasks by type name.
        await using var app = TestApps.InMemory(root, "machine", store: store);
        await app.AttachAsync();
        var path = await app.ExecuteAsync(app["A"]["2024-03-10"]);
        var failure = await Assert.ThrowsAsync<ExecutionFailedException>(() => app.ExecuteAsync(app["A"]["2024-03-09"]));

        Assert.Equal("2024-03-10", await File.ReadAllTextAsync(Path.Combine(path, "day.txt")));
        var output = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(path, "output.json")))!;
        Assert.Equal(("2024-03-10", "A", "2024-03-10"), ((string)output["wrote"]!, (string)output["node"]!, (string)output["from"]!));
        var record = Assert.Single((await app.PollAsync(app["A"]["2024-03-10"])).ComputeRecords);
        Assert.Equal("state machine Shop", record.Target);
        var result = JsonNode.Parse(await File.ReadAllTextAsync(record.LogPath!))!;
        Assert.Equal("SUCCEEDED", (string)result["status"]!);
        Assert.Contains(result["history"]!.AsArray(), e => (string)e!["type"]! == "TaskSucceeded");
        Assert.Contains("FAILED: Shop.Closed: no sales on Saturday", failure.Message, StringComparison.Ordinal);
        Assert.All(await app.GetExecutionsAsync("A"), e => Assert.True(e.StartedAt is { } started && started <= e.EndedAt, $"execution {e.Id}: started {e.StartedAt}, ended {e.EndedAt}"));
        Assert.False(File.Exists(Path.Combine(root.Path, "machine", "data", "A", "2024-03-09", "_SUCCESS")));
    }

    [Fact]
    public void An_invalid_definition_is_refused_when_the_target_is_built()
    {
        var e = Assert.Throws<ArgumentException>(() => ComputeTarget.StateMachine("""{"StartAt": "Nowhere", "States": {"A": {"Type": "Pass", "End": true}}}"""));

        Assert.Contains("Nowhere", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_map_target_feeds_the_execution_to_every_dictionary_and_writes_each_output_as_json_lines()
    {
        const string Map = """
            {
              "name": "fan",
              "datasource": { "source": "direct", "content": { "what": "copy" } },
              "tasks": [
                { "name": "in", "type": "input" },
                { "name": "split", "type": "function", "namespace": "bench", "method": "range", "init_args": { "count": 3 } },
                { "name": "keep", "type": "function", "namespace": "bench", "method": "noop" },
                { "name": "copies", "type": "output" }
              ],
              "workflow": [["in", "split"], ["split", "keep"], ["keep", "copies"]]
            }
            """;
        const string Failing = """
            {
              "name": "flaky",
              "datasource": { "source": "direct", "content": { "what": "x" } },
              "tasks": [
                { "name": "in", "type": "input" },
                { "name": "fetch", "type": "function", "namespace": "demo", "method": "flaky", "init_args": { "failures": 5 } },
                { "name": "out", "type": "output" }
              ],
              "workflow": [["in", "fetch"], ["fetch", "out"]]
            }
            """;
        using var root = new TempRoot();
        await using var app = TestApps.InMemory(root, "jobs");
        var tasks = typeof(Rheo.Samples.Jobs.RangeTask).Assembly;
        var t = app.AddTimer("T", "rate(1 day)", timeDimension: "day");
        var a = app.CreateData("A", inputs: [t], computeTargets: [ComputeTarget.JobMap(Map, [tasks])]);
        var bad = app.CreateData("Bad", inputs: [t], computeTargets: [ComputeTarget.JobMap(Failing, [tasks])]);
        await app.ActivateAsync();

        var path = await app.ExecuteAsync(a["2024-03-10"]);
        var failure = await Assert.ThrowsAsync<ExecutionFailedException>(() => app.ExecuteAsync(bad["2024-03-10"]));

        var lines = (await File.ReadAllLinesAsync(Path.Combine(path, "copies.jsonl"))).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal([0, 1, 2], lines.Select(l => (int)l["i"]!).Order());
        Assert.All(lines, l => Assert.Equal(("copy", "2024-03-10", "A"), ((string)l["what"]!, (string)l["rheo"]!["dimensions"]!["day"]!, (string)l["rheo"]!["node"]!)));
        Assert.Contains("in task 'fetch': Demo.Flaky", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_job_map_naming_an_unknown_task_is_refused_when_the_target_is_built()
    {
        const string Map = """
            {"name": "j", "datasource": {"source": "direct", "content": {}},
             "tasks": [{"name": "in", "type": "input"}, {"name": "f", "type": "function", "namespace": "nope", "method": "x"}, {"name": "out", "type": "output"}],
             "workflow": [["in", "f"], ["f", "out"]]}
            """;

        var e = Assert.Throws<ArgumentException>(() => ComputeTarget.JobMap(Map, [typeof(Rheo.Samples.Jobs.RangeTask).Assembly]));

        Assert.Contains("$.tasks[1]", e.Message, StringComparison.Ordinal);
    }
}

public sealed class FailureSignalTests
{
    [Fact]
    public async Task A_route_on_a_nodes_failures_runs_once_per_failed_execution_with_its_dimensions()
    {
        using var root = new TempRoot();
        var store = new InMemoryRheoStore();
        await using (var first = TestApps.InMemory(root, "failures", store: store))
        {
            var t = first.AddTimer("T", "rate(1 day)", timeDimension: "day");
            var a = first.CreateData("A", inputs: [t], computeTargets: [ComputeTarget.Process("sh", ["-c", "test {dim:day} != 2024-03-09"])]);
            first.CreateData("OnFailure", inputs: [first.FailuresOf(a)], computeTargets: [ComputeTarget.Inlined<WriteInputsCompute>()]);
            _ = first.FailuresOf(a);
            Assert.Single(first.Nodes, n => n.Id == "A.failed");
            await first.ActivateAsync();
        }

        // Attached from the stored topology: the failure node and its route come back.
        await using var app = TestApps.InMemory(root, "failures", store: store);
        await app.AttachAsync();
        await app.ExecuteAsync(app["A"]["2024-03-10"]);
        await Assert.ThrowsAsync<ExecutionFailedException>(() => app.ExecuteAsync(app["A"]["2024-03-09"]));
        await app.WaitForIdleAsync();

        Assert.Equal(PollStatus.Succeeded, (await app.PollAsync(app["OnFailure"]["2024-03-09"])).Status);
        Assert.Equal(PollStatus.NeverAttempted, (await app.PollAsync(app["OnFailure"]["2024-03-10"])).Status);
        Assert.Equal(["compute OnFailure 2024-03-09"], Journal.For("failures"));
        var lines = await File.ReadAllLinesAsync(Path.Combine(root.Path, "failures", "data", "OnFailure", "2024-03-09", "part-0.txt"));
        Assert.Equal(["A.failed 2024-03-09"], lines);
    }

    [Fact]
    public async Task A_failure_signal_whose_node_changed_its_dimensions_is_refused_at_activation()
    {
        using var root = new TempRoot();
        await using var app = TestApps.InMemory(root, "stale");
        var t = app.AddTimer("T", "rate(1 day)", timeDimension: "day");
        var a = app.CreateData("A", inputs: [t], computeTargets: [ComputeTarget.NoOp]);
        app.CreateData("OnFailure", inputs: [app.FailuresOf(a)], computeTargets: [ComputeTarget.NoOp]);
        app.PatchData("A", d => d with { OutputSpec = Rheo.Core.Dimensions.DimensionSpec.Of(Rheo.Core.Dimensions.Dimension.String("region")), OutputLinks = [Rheo.Core.Links.OutputLink.Literal("region", "NA")] });

        var e = await Assert.ThrowsAsync<Rheo.Core.Topology.TopologyException>(() => app.ActivateAsync());

        Assert.Contains(e.Diagnostics, d => d.Code == RuntimeCodes.StaleFailureSignal && d.NodeId == "A.failed");
    }
}
