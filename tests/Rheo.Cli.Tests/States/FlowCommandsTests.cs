using System.Text.Json.Nodes;
using Rheo.States.Tests;

namespace Rheo.Cli.Tests.States;

/// <summary><c>rheo states compile</c> and <c>rheo states run</c> on C# flow files.</summary>
public sealed class FlowCommandsTests : IDisposable
{
    private const string Flow = """
        using System.Text.Json.Nodes;
        using Rheo.Flows;
        using static Rheo.Flows.Flow;

        public sealed class Greet : FlowTask
        {
            public override Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) =>
                Task.FromResult<JsonNode?>($"hello {input!["name"]}");
        }

        public static class Machines
        {
            public static void Main(FlowData data)
            {
                data["greeting"] = Run<Greet>();
            }

            [Schedule("rate(1 hour)")]
            public static void Hourly(FlowData data)
            {
                if (data["name"] == "nobody")
                {
                    throw new ArgumentException("no name");
                }

                data["greeting"] = Run<Greet>(key: "Greet hourly");
            }
        }
        """;

    private const string NotesFlow = """
        using System.Text.Json.Nodes;
        using Rheo.Flows;
        using static Rheo.Flows.Flow;

        public sealed class Save : FlowTask
        {
            public override async Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) =>
                await context.StateData.PutGlobalItemAsync("notes", "latest", input!["note"]!.DeepClone(), cancellationToken: cancellationToken);
        }

        public sealed class Load : FlowTask
        {
            public override Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) =>
                context.StateData.GetGlobalItemAsync("notes", "latest", cancellationToken: cancellationToken);
        }

        public static class Machines
        {
            public static void Main(FlowData data)
            {
                data["saved"] = Run<Save>();
            }

            [Export]
            public static void Read(FlowData data)
            {
                data["note"] = Run<Load>();
            }
        }
        """;

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Write(string name, string text) => _temp.Write(name, text);

    [Fact]
    public async Task Compile_writes_one_definition_per_exported_machine_and_a_manifest()
    {
        var flow = Write("greet.cs", Flow);
        var output = Path.Combine(_temp.Path, "out");

        var (exit, printed, _) = await CliRun.InvokeAsync("states", "compile", flow, "-o", output);

        Assert.Equal(0, exit);
        Assert.Equal(["Hourly.asl.json", "Main.asl.json", "manifest.json"], Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("manifest.json", printed, StringComparison.Ordinal);
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "manifest.json")))!;
        JsonEquality.AssertJson("""[{"type":"schedule","expression":"rate(1 hour)"}]""", manifest["stateMachines"]![1]!["triggers"]);
        JsonEquality.AssertJson("""{"name":"Greet","resource":"rheo:task:Greet","service":"lambda","timeout":300,"memory":2048}""", manifest["tasks"]![0]);
        var (validExit, valid, _) = await CliRun.InvokeAsync("states", "validate", Path.Combine(output, "Hourly.asl.json"));
        Assert.Equal((0, "valid"), (validExit, valid.Trim()));
    }

    [Fact]
    public async Task Compile_prints_every_diagnostic_with_its_position_exits_1_and_writes_nothing()
    {
        var flow = Write("bad.cs", Flow.Replace("data[\"greeting\"] = Run<Greet>();", "for (;;) { }\n        Wait();", StringComparison.Ordinal));
        var output = Path.Combine(_temp.Path, "none");

        var (exit, _, error) = await CliRun.InvokeAsync("states", "compile", flow, "-o", output);

        Assert.Equal(1, exit);
        Assert.Contains($"{flow}:15:9: error FLOW002", error, StringComparison.Ordinal);
        Assert.Contains("error FLOW013", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task Run_compiles_the_task_bodies_and_prints_the_result_line()
    {
        var flow = Write("greet.cs", Flow);
        var input = Write("in.json", """{"name": "ada"}""");

        var (exit, output, _) = await CliRun.InvokeAsync("states", "run", flow, "--input", input);

        Assert.Equal(0, exit);
        JsonEquality.AssertJson("""{"status":"SUCCEEDED","output":{"name":"ada","greeting":"hello ada"},"error":null,"cause":null}""", JsonNode.Parse(Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries))));
    }

    [Fact]
    public async Task Run_with_state_machine_runs_another_exported_machine()
    {
        var flow = Write("greet.cs", Flow);
        var input = Write("in.json", """{"name": "nobody"}""");

        var (_, output, _) = await CliRun.InvokeAsync("states", "run", flow, "--input", input, "--state-machine", "Hourly");

        JsonEquality.AssertJson("""{"status":"FAILED","output":null,"error":"ArgumentException","cause":"no name"}""", JsonNode.Parse(output));
    }

    [Fact]
    public async Task Run_of_an_invalid_flow_is_CREATE_FAILED_with_the_diagnostics_as_cause()
    {
        var flow = Write("bad.cs", Flow.Replace("Run<Greet>();", "Run<Greet>(); while (true) { }", StringComparison.Ordinal));
        var input = Write("in.json", "{}");

        var (exit, output, _) = await CliRun.InvokeAsync("states", "run", flow, "--input", input);

        var line = JsonNode.Parse(output)!;
        Assert.Equal((0, "CREATE_FAILED", "InvalidDefinition"), (exit, line["status"]!.GetValue<string>(), line["error"]!.GetValue<string>()));
        Assert.Contains("FLOW002", line["cause"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_of_an_unknown_state_machine_exits_2_and_lists_the_machines()
    {
        var flow = Write("greet.cs", Flow);
        var input = Write("in.json", "{}");

        var (exit, _, error) = await CliRun.InvokeAsync("states", "run", flow, "--input", input, "--state-machine", "Nope");

        Assert.Equal(2, exit);
        Assert.Contains("Main, Hourly", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_with_root_keeps_state_data_in_the_local_store_for_the_next_run()
    {
        var flow = Write("notes.cs", NotesFlow);
        var note = Write("note.json", """{"note": {"text": "buy milk"}}""");
        var empty = Write("empty.json", "{}");
        var root = Path.Combine(_temp.Path, "root");

        var (saveExit, saved, _) = await CliRun.InvokeAsync("states", "run", flow, "--input", note, "--root", root);
        var (readExit, read, _) = await CliRun.InvokeAsync("states", "run", flow, "--input", empty, "--state-machine", "Read", "--root", root);

        Assert.Equal((0, 0), (saveExit, readExit));
        JsonEquality.AssertJson("""{"status":"SUCCEEDED","output":{"note":{"text":"buy milk"},"saved":{"table_name":"notes","partition_key":"latest"}},"error":null,"cause":null}""", JsonNode.Parse(saved));
        JsonEquality.AssertJson("""{"status":"SUCCEEDED","output":{"note":{"text":"buy milk"}},"error":null,"cause":null}""", JsonNode.Parse(read));
        Assert.True(File.Exists(Path.Combine(root, "rheo.db")));
    }

    [Fact]
    public async Task Run_without_root_keeps_state_data_in_memory_for_that_run_only()
    {
        var flow = Write("notes.cs", NotesFlow);
        var note = Write("note.json", """{"note": "x"}""");
        var empty = Write("empty.json", "{}");

        await CliRun.InvokeAsync("states", "run", flow, "--input", note);
        var (exit, read, _) = await CliRun.InvokeAsync("states", "run", flow, "--input", empty, "--state-machine", "Read");

        var line = JsonNode.Parse(read)!;
        Assert.Equal((0, "FAILED", "KeyNotFoundException"), (exit, line["status"]!.GetValue<string>(), line["error"]!.GetValue<string>()));
        Assert.Contains("partition_key=latest sort_key=0 table_name=notes", line["cause"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
