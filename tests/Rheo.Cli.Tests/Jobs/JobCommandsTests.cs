using System.Text.Json.Nodes;
using Rheo.States.Tests;

namespace Rheo.Cli.Tests.Jobs;

public sealed class JobCommandsTests : IDisposable
{
    private static readonly string Tasks = Path.Combine(AppContext.BaseDirectory, "Rheo.Samples.Jobs.dll");

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string Map(string name) => Path.Combine(AppContext.BaseDirectory, "Jobs", "Maps", name);

    private static string Sample(string name) => Path.Combine(AppContext.BaseDirectory, "Samples", name);

    private string Write(string name, string text) => _temp.Write(name, text);

    [Fact]
    public async Task Tasks_lists_each_task_with_its_flow_and_init_args()
    {
        var (exit, output, _) = await CliRun.InvokeAsync("job", "tasks", "--tasks", Tasks);

        Assert.Equal(0, exit);
        Assert.Contains("main.example  (string -> string)  Appends example_property to the 'input' string.", output, StringComparison.Ordinal);
        Assert.Contains("    example_property: string (required)  Text appended to the input.", output, StringComparison.Ordinal);
        Assert.Contains("climate.seasons  (any -> list of season)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tasks_with_json_prints_every_definition_for_a_UI()
    {
        var (exit, output, _) = await CliRun.InvokeAsync("job", "tasks", "--tasks", Tasks, "--json");

        var definitions = JsonNode.Parse(output)!.AsArray();
        Assert.Equal(0, exit);
        Assert.Equal(11, definitions.Count);
        var example = definitions.Single(d => (string?)d!["method"] == "example")!;
        JsonEquality.AssertJson("""[{"name":"example_property","type":"string","required":true,"description":"Text appended to the input."}]""", example["init_args"]);
    }

    [Fact]
    public async Task Tasks_without_an_assembly_says_how_to_load_one()
    {
        var (exit, output, _) = await CliRun.InvokeAsync("job", "tasks");

        Assert.Equal(0, exit);
        Assert.Contains("--tasks", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_says_valid_for_the_seed_example()
    {
        var (exit, output, _) = await CliRun.InvokeAsync("job", "validate", Map("example.json"), "--tasks", Tasks);

        Assert.Equal(0, exit);
        Assert.Equal("valid", output.Trim());
    }

    [Fact]
    public async Task Validate_prints_every_problem_with_its_code_and_JSON_path_and_exits_1()
    {
        var map = Write("bad.json", """
            {"name":"bad","datasource":{"source":"direct","content":{}},
             "tasks":[{"name":"in","type":"input"},{"name":"f","type":"function","namespace":"main","method":"example","init_args":{"colour":"red"}},{"name":"out","type":"output"}],
             "workflow":[["in","f"],["f","out"],["f","nowhere"]]}
            """);

        var (exit, output, _) = await CliRun.InvokeAsync("job", "validate", map, "--tasks", Tasks);

        Assert.Equal(1, exit);
        Assert.Contains("JOB011 error at $.tasks[1].init_args.colour", output, StringComparison.Ordinal);
        Assert.Contains("JOB012 error at $.tasks[1].init_args", output, StringComparison.Ordinal);
        Assert.Contains("JOB015 error at $.workflow[2][1]", output, StringComparison.Ordinal);
        Assert.EndsWith("invalid: 3 error(s)", output.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_with_json_prints_one_object()
    {
        var (exit, output, _) = await CliRun.InvokeAsync("job", "validate", Map("example.json"), "--json");

        var result = JsonNode.Parse(output)!;
        Assert.Equal(1, exit);
        Assert.False((bool)result["valid"]!);
        Assert.Equal("JOB009", (string?)result["diagnostics"]![0]!["code"]);
        Assert.Equal("$.tasks[1].namespace", (string?)result["diagnostics"]![0]!["location"]);
    }

    [Fact]
    public async Task Validate_checks_a_file_datasource_relative_to_the_map()
    {
        var map = Write("file.json", """
            {"name":"file","datasource":{"source":"file","path":"missing.json"},
             "tasks":[{"name":"in","type":"input"},{"name":"out","type":"output"}],"workflow":[["in","out"]]}
            """);

        var (exit, output, _) = await CliRun.InvokeAsync("job", "validate", map);
        Write("missing.json", """{"now":"here"}""");
        var (exitAfter, _, _) = await CliRun.InvokeAsync("job", "validate", map);

        Assert.Equal(1, exit);
        Assert.Contains("JOB005 error at $.datasource.path", output, StringComparison.Ordinal);
        Assert.Equal(0, exitAfter);
    }

    [Fact]
    public async Task A_map_or_task_assembly_that_cannot_be_read_exits_2()
    {
        var (exitMap, _, errorMap) = await CliRun.InvokeAsync("job", "validate", Path.Combine(_temp.Path, "nope.json"));
        var (exitTasks, _, errorTasks) = await CliRun.InvokeAsync("job", "tasks", "--tasks", Write("not-an-assembly.dll", "text"));

        Assert.Equal(2, exitMap);
        Assert.Contains("cannot read", errorMap, StringComparison.Ordinal);
        Assert.Equal(2, exitTasks);
        Assert.Contains("cannot load tasks", errorTasks, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_prints_the_outputs_and_reports_progress_on_standard_error()
    {
        var (exit, output, error) = await CliRun.InvokeAsync("job", "run", Map("branching.json"), "--tasks", Tasks);

        Assert.Equal(0, exit);
        Assert.StartsWith("job 'Branching Job' SUCCEEDED in ", output, StringComparison.Ordinal);
        Assert.Contains("output 'loud' (1 item):\n  {\"input\":\"BRANCH ME TWICE\"}", output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("  done example (1 item, ", error, StringComparison.Ordinal);
        Assert.Contains("  done shout (1 item, ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_with_json_prints_one_line_with_every_output()
    {
        var (exit, output, _) = await CliRun.InvokeAsync("job", "run", Map("multi-layer.json"), "--tasks", Tasks, "--json", "--execution-name", "e1");

        var line = JsonNode.Parse(Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)))!;
        Assert.Equal(0, exit);
        Assert.Equal("SUCCEEDED", (string?)line["status"]);
        var combined = line["outputs"]![0]!;
        Assert.Equal(("e1:combined-output", "combined-output"), ((string?)combined["id"], (string?)combined["name"]));
        Assert.Equal(12, combined["data"]!.AsArray().Count);
        Assert.Equal(17, (int)line["statistics"]!["task_runs"]!);
    }

    [Fact]
    public async Task Run_exits_3_when_a_task_fails_and_nothing_catches_it()
    {
        var map = Write("fail.json", """
            {"name":"fails","datasource":{"source":"direct","content":{"season":"winter"}},
             "tasks":[{"name":"in","type":"input"},{"name":"f","type":"function","namespace":"climate","method":"forecast","init_args":{"field":"season","value":"winter"}},{"name":"out","type":"output"}],
             "workflow":[["in","f"],["f","out"]]}
            """);

        var (exit, output, error) = await CliRun.InvokeAsync("job", "run", map, "--tasks", Tasks);

        Assert.Equal(3, exit);
        Assert.Contains("FAILED", output, StringComparison.Ordinal);
        Assert.Contains("error: Climate.NoData in task 'f'", output, StringComparison.Ordinal);
        Assert.Contains("  failed f: Climate.NoData: No forecast for season 'winter'.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_of_an_invalid_map_runs_nothing_and_exits_1()
    {
        var (exit, output, _) = await CliRun.InvokeAsync("job", "run", Map("example.json"), "--json");

        var line = JsonNode.Parse(output)!;
        Assert.Equal(1, exit);
        Assert.Equal("CREATE_FAILED", (string?)line["status"]);
        Assert.Equal("JOB009", (string?)line["diagnostics"]![0]!["code"]);
    }

    [Fact]
    public async Task Run_with_input_replaces_the_datasource()
    {
        var input = Write("input.json", """[{"input":"one"},{"input":"two"}]""");

        var (_, output, _) = await CliRun.InvokeAsync("job", "run", Map("example.json"), "--tasks", Tasks, "--input", input, "--json", "--quiet");

        var data = JsonNode.Parse(output)!["outputs"]![0]!["data"]!.AsArray();
        Assert.Equal(["one This is a test!", "two This is a test!"], data.Select(d => (string?)d!["input"]));
    }

    [Fact]
    public async Task Compile_prints_the_state_machine()
    {
        var (exit, output, _) = await CliRun.InvokeAsync("job", "compile", Map("example.json"), "--tasks", Tasks);

        var asl = JsonNode.Parse(output)!;
        Assert.Equal(0, exit);
        Assert.Equal("in", (string?)asl["StartAt"]);
        Assert.Equal("rheo:job:example", (string?)asl["States"]!["in"]!["ItemProcessor"]!["States"]!["example"]!["Resource"]);
    }

    [Fact]
    public async Task The_sample_maps_validate_and_the_fan_out_sample_returns_10000_results()
    {
        var (exitExample, _, _) = await CliRun.InvokeAsync("job", "validate", Sample("example.json"), "--tasks", Tasks);
        var (exitClimate, _, _) = await CliRun.InvokeAsync("job", "validate", Sample("climate.json"), "--tasks", Tasks);
        var (exitRun, output, _) = await CliRun.InvokeAsync("job", "run", Sample("fan-out-1000x10.json"), "--tasks", Tasks, "--json", "--quiet");

        Assert.Equal((0, 0, 0), (exitExample, exitClimate, exitRun));
        Assert.Equal(10_000, JsonNode.Parse(output)!["outputs"]![0]!["data"]!.AsArray().Count);
    }
}
