using System.Text.Json.Nodes;
using Rheo.States.Execution;
using Rheo.States.Jobs;

namespace Rheo.States.Tests.Jobs;

public sealed class JobCompilerTests
{
    private static JsonArray Output(ExecutionState state, string name) => (JsonArray)state.Output!["outputs"]![name]!;

    private static List<string?> Strings(JsonArray data, string field) => [.. data.Select(d => (string?)d![field])];

    [Fact]
    public void The_seed_example_parses_as_written()
    {
        var map = JobFixtures.Parse("example.json");

        Assert.Equal("Example Job", map.Name);
        Assert.Equal(["in", "example", "out"], map.Tasks.Select(t => t.Name));
        Assert.Equal("main.example", map["example"].Definition!.QualifiedName);
        Assert.Equal("This is a test!", (string?)map["example"].InitArgs["example_property"]);
        Assert.Equal("this is our test string input", (string?)((DirectDatasource)map.Datasource).Content["input"]);
        Assert.Empty(map.Warnings);
    }

    [Fact]
    public void The_seed_example_compiles_to_a_sequence_inside_the_input_map()
    {
        var asl = JobFixtures.Parse("example.json").ToStateMachineJsonObject();

        Assert.Equal("in", (string?)asl["StartAt"]);
        var input = asl["States"]!["in"]!;
        Assert.Equal("Map", (string?)input["Type"]);
        Assert.Equal("$.input", (string?)input["ItemsPath"]);
        var inner = input["ItemProcessor"]!;
        Assert.Equal("example", (string?)inner["StartAt"]);
        Assert.Equal("Task", (string?)inner["States"]!["example"]!["Type"]);
        Assert.Equal("rheo:job:example", (string?)inner["States"]!["example"]!["Resource"]);
        Assert.Equal("out", (string?)inner["States"]!["example"]!["Next"]);
        Assert.Equal("Pass", (string?)inner["States"]!["out"]!["Type"]);
    }

    [Fact]
    public void The_seed_example_runs_to_one_output_with_one_dictionary()
    {
        var map = JobFixtures.Parse("example.json");

        var state = JobFixtures.Run(map, JobFixtures.Sample);

        Assert.Equal(ExecutionStatus.Succeeded, state.Status);
        JsonEquality.AssertJson("""[{"input":"this is our test string input This is a test!"}]""", Output(state, "out"));
        JsonEquality.AssertJson("[]", state.Output!["errors"]);
    }

    [Fact]
    public void A_task_feeding_two_compiles_to_a_Parallel_and_fills_both_outputs()
    {
        var map = JobFixtures.Parse("branching.json");

        var states = map.ToStateMachineJsonObject()["States"]!["in"]!["ItemProcessor"]!["States"]!;
        var state = JobFixtures.Run(map, JobFixtures.Sample);

        Assert.Equal("Parallel", (string?)states["example (branches)"]!["Type"]);
        Assert.Equal(2, states["example (branches)"]!["Branches"]!.AsArray().Count);
        JsonEquality.AssertJson("""[{"input":"BRANCH ME TWICE"}]""", Output(state, "loud"));
        JsonEquality.AssertJson("""[{"input":"branch me twice"}]""", Output(state, "quiet"));
    }

    [Fact]
    public void A_list_at_two_levels_fans_out_to_4_times_3_results_in_order()
    {
        var map = JobFixtures.Parse("multi-layer.json");

        var state = JobFixtures.Run(map, JobFixtures.Sample);

        Assert.Equal(
            ["springtmax", "springtmin", "springprecip", "summertmax", "summertmin", "summerprecip", "wintertmax", "wintertmin", "winterprecip", "autumntmax", "autumntmin", "autumnprecip"],
            Strings(Output(state, "combined-output"), "combined"));
    }

    [Fact]
    public void Fan_out_compiles_to_a_Map_only_after_tasks_that_return_lists()
    {
        var states = JobFixtures.Parse("multi-layer.json").ToStateMachineJsonObject()["States"]!["in"]!["ItemProcessor"]!["States"]!;

        Assert.Equal("Map", (string?)states["seasons (fan-out)"]!["Type"]);
        var inner = states["seasons (fan-out)"]!["ItemProcessor"]!["States"]!;
        Assert.Equal("Map", (string?)inner["variables (fan-out)"]!["Type"]);
        var innermost = inner["variables (fan-out)"]!["ItemProcessor"]!["States"]!;
        Assert.Equal("combined-output", (string?)innermost["combine"]!["Next"]);
        Assert.Equal("$[*]['out:combined-output'][*]", (string?)inner["variables (fan-out)"]!["ResultSelector"]!["out:combined-output.$"]);
    }

    [Fact]
    public void An_aggregate_waits_for_every_fanned_out_result_and_passes_them_on_as_one()
    {
        var map = JobFixtures.Parse("aggregate.json");

        var state = JobFixtures.Run(map, JobFixtures.Sample);

        Assert.Equal(12, Output(state, "combined-output").Count);
        var gathered = Assert.Single(Output(state, "gathered"))!;
        Assert.Equal(Strings(Output(state, "combined-output"), "combined"), Strings((JsonArray)gathered["items"]!, "combined"));
        JsonEquality.AssertJson("""[{"count":12}]""", Output(state, "summary"));
    }

    [Fact]
    public void Aggregates_compile_to_stages_after_the_input_stage()
    {
        var map = JobFixtures.Parse("aggregate.json");

        var asl = map.ToStateMachineJsonObject();

        Assert.Equal(["in", "gather", "summarize", "outputs"], asl["States"]!.AsObject().Select(p => p.Key));
        Assert.Equal("Parallel", (string?)asl["States"]!["gather"]!["Type"]);
        Assert.Equal("$.results.*['agg:gather'][*]", (string?)asl["States"]!["gather"]!["Parameters"]!["items.$"]);
        Assert.Equal(2, (int)asl["States"]!["in"]!["ItemProcessor"]!["States"]!["seasons (fan-out)"]!["MaxConcurrency"]!);
    }

    [Fact]
    public void An_aggregate_fed_by_an_aggregate_runs_after_it()
    {
        var json = """
            {"name":"chain","datasource":{"source":"direct","content":[{"a":1},{"a":2}]},
             "tasks":[{"name":"in","type":"input"},{"name":"second","type":"aggregate"},{"name":"first","type":"aggregate"},{"name":"out","type":"output"}],
             "workflow":[["in","first"],["first","second"],["second","out"]]}
            """;
        var map = JobMap.Parse(json, JobFixtures.Catalog);

        var state = JobFixtures.Run(map, JobFixtures.Sample);

        Assert.Equal(["in", "first", "second", "outputs"], map.ToStateMachineJsonObject()["States"]!.AsObject().Select(p => p.Key));
        JsonEquality.AssertJson("""[{"items":[{"items":[{"a":1},{"a":2}]}]}]""", Output(state, "out"));
    }

    [Fact]
    public void Retry_compiles_to_an_ASL_retrier_and_retries_the_task()
    {
        var map = JobFixtures.Parse("retry.json");
        var calls = new List<(string Task, int Attempt)>();

        var state = JobFixtures.Run(map, JobFixtures.Sample, calls: calls);

        var retrier = map.ToStateMachineJsonObject()["States"]!["in"]!["ItemProcessor"]!["States"]!["flaky"]!["Retry"]![0]!;
        JsonEquality.AssertJson("""{"ErrorEquals":["Demo.Flaky"],"IntervalSeconds":1,"MaxAttempts":2,"BackoffRate":2,"JitterStrategy":"NONE"}""", retrier);
        Assert.Equal(ExecutionStatus.Succeeded, state.Status);
        Assert.Equal(6, calls.Count);
        JsonEquality.AssertJson("""[{"n":1},{"n":2}]""", Output(state, "out"));
    }

    [Fact]
    public void A_caught_failure_goes_to_the_catchers_next_task_or_into_the_errors()
    {
        var map = JobFixtures.Parse("catch.json");

        var state = JobFixtures.Run(map, JobFixtures.Sample);

        Assert.Equal(ExecutionStatus.Succeeded, state.Status);
        Assert.Equal(["spring", "autumn"], Strings(Output(state, "forecasts"), "season"));
        var missing = Assert.Single(Output(state, "missing"))!;
        Assert.Equal("winter", (string?)missing["season"]);
        Assert.Equal("Climate.NoData", (string?)missing["error"]!["Error"]);
        JsonEquality.AssertJson("""[{"task":"strict","error":"Climate.NoData","cause":"No forecast for summer."}]""", state.Output!["errors"]);
    }

    [Fact]
    public void An_uncaught_failure_fails_the_execution_with_the_tasks_error()
    {
        var map = JobFixtures.Parse("multi-layer.json");

        var state = JobFixtures.Run(map, (task, input, attempt) => task.Name == "combine" && (string?)input["season"] == "winter" ? throw new StatesTaskException("Combine.Broken", "winter") : JobFixtures.Sample(task, input, attempt));

        Assert.Equal(ExecutionStatus.Failed, state.Status);
        Assert.Equal("Combine.Broken", state.Error);
    }

    [Fact]
    public void A_list_datasource_fans_out_from_the_input_task()
    {
        var map = JobFixtures.Parse("example.json");

        var state = JobFixtures.Run(map, JobFixtures.Sample, JsonNode.Parse("""[{"input":"a"},{"input":"b"},{"input":"c"}]"""));

        Assert.Equal(["a This is a test!", "b This is a test!", "c This is a test!"], Strings(Output(state, "out"), "input"));
    }

    [Fact]
    public void A_task_reached_along_two_paths_runs_once_per_path_under_unique_state_names()
    {
        var json = """
            {"name":"diamond","datasource":{"source":"direct","content":{"input":"x"}},
             "tasks":[{"name":"in","type":"input"},{"name":"a","type":"function","namespace":"text","method":"shout"},
                      {"name":"b","type":"function","namespace":"text","method":"whisper"},
                      {"name":"join","type":"function","namespace":"text","method":"shout"},{"name":"out","type":"output"}],
             "workflow":[["in","a"],["in","b"],["a","join"],["b","join"],["join","out"]]}
            """;
        var map = JobMap.Parse(json, JobFixtures.Catalog);

        var state = JobFixtures.Run(map, JobFixtures.Sample);

        Assert.Contains("\"join (2)\"", map.StateMachineJson, StringComparison.Ordinal);
        Assert.Equal(["X", "X"], Strings(Output(state, "out"), "input"));
    }

    [Fact]
    public void Output_and_task_names_that_need_quoting_survive_the_paths()
    {
        var json = """
            {"name":"quotes","datasource":{"source":"direct","content":{"input":"x"}},
             "tasks":[{"name":"in","type":"input"},{"name":"it's \\ odd","type":"output"}],
             "workflow":[["in","it's \\ odd"]]}
            """;
        var map = JobMap.Parse(json, JobFixtures.Catalog);

        var state = JobFixtures.Run(map, JobFixtures.Sample);

        JsonEquality.AssertJson("""[{"input":"x"}]""", Output(state, "it's \\ odd"));
    }
}
