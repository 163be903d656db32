using System.Diagnostics;
using System.Text.Json.Nodes;
using Rheo.States.Tests;

namespace Rheo.Cli.Tests.States;

public sealed class StatesCommandsTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Write(string name, string text) => _temp.Write(name, text);

    [Fact]
    public async Task Validate_exits_0_and_says_valid_for_a_valid_definition()
    {
        var (exit, output, _) = await CliRun.InvokeAsync("states", "validate", CliRun.Case("001-pass-identity", "definition.asl.json"));

        Assert.Equal(0, exit);
        Assert.Equal("valid", output.Trim());
    }

    [Fact]
    public async Task Validate_prints_every_diagnostic_with_code_and_location_and_exits_1()
    {
        var file = Write("bad.asl.json", """{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Z"},"B":{"Type":"Bogus"}}}""");

        var (exit, output, _) = await CliRun.InvokeAsync("states", "validate", file);

        Assert.Equal(1, exit);
        Assert.Contains("ASL005 error at $.States.A.Next", output, StringComparison.Ordinal);
        Assert.Contains("ASL004 error at $.States.B.Type", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_with_json_prints_one_object()
    {
        var file = Write("warn.asl.json", """{"StartAt":"A","States":{"A":{"Type":"Pass","End":true},"B":{"Type":"Pass","End":true}}}""");

        var (exit, output, _) = await CliRun.InvokeAsync("states", "validate", file, "--json");

        var result = JsonNode.Parse(output)!;
        Assert.Equal(0, exit);
        Assert.True(result["valid"]!.GetValue<bool>());
        Assert.Equal("ASL015", result["diagnostics"]![0]!["code"]!.GetValue<string>());
        Assert.Equal("warning", result["diagnostics"]![0]!["severity"]!.GetValue<string>());
    }

    [Fact]
    public async Task Run_prints_one_JSON_line_with_status_output_error_and_cause()
    {
        var (exit, output, _) = await CliRun.InvokeAsync("states", "run", CliRun.Case("051-fail-error-cause", "definition.asl.json"), "--input", CliRun.Case("051-fail-error-cause", "input.json"));

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(0, exit);
        var line = Assert.Single(lines);
        JsonEquality.AssertJson("""{"status":"FAILED","output":null,"error":"Custom.Error","cause":"something broke"}""", JsonNode.Parse(line));
    }

    [Fact]
    public async Task Run_builds_the_context_ARNs_from_the_options()
    {
        var definition = Write("ctx.asl.json", """{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"id.$":"$$.Execution.Id","role.$":"$$.Execution.RoleArn"},"End":true}}}""");
        var input = Write("in.json", "{}");

        var (_, output, _) = await CliRun.InvokeAsync("states", "run", definition, "--input", input, "--state-machine-name", "sm", "--execution-name", "ex", "--account", "999988887777", "--region", "ap-south-1", "--role-arn", "arn:aws:iam::999988887777:role/r");

        JsonEquality.AssertJson("""{"id":"arn:aws:states:ap-south-1:999988887777:execution:sm:ex","role":"arn:aws:iam::999988887777:role/r"}""", JsonNode.Parse(output)!["output"]);
    }

    [Fact]
    public async Task Run_with_history_adds_the_events_to_the_line()
    {
        var (_, output, _) = await CliRun.InvokeAsync("states", "run", CliRun.Case("001-pass-identity", "definition.asl.json"), "--input", CliRun.Case("001-pass-identity", "input.json"), "--history");

        var history = JsonNode.Parse(output)!["history"]!.AsArray();
        Assert.Equal(["ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"], history.Select(e => e!["type"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Run_reports_an_invalid_definition_as_CREATE_FAILED()
    {
        var (exit, output, _) = await CliRun.InvokeAsync("states", "run", CliRun.Case("130-invalid-unknown-state-type", "definition.asl.json"), "--input", CliRun.Case("130-invalid-unknown-state-type", "input.json"));

        var line = JsonNode.Parse(output)!;
        Assert.Equal(0, exit);
        Assert.Equal("CREATE_FAILED", line["status"]!.GetValue<string>());
        Assert.Equal("InvalidDefinition", line["error"]!.GetValue<string>());
        Assert.Contains("ASL004", line["cause"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_with_a_missing_file_exits_2_and_says_which_file()
    {
        var missing = Path.Combine(_temp.Path, "missing.json");

        var (exit, output, error) = await CliRun.InvokeAsync("states", "run", missing, "--input", missing);

        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Contains(missing, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_without_input_is_a_usage_error()
    {
        var (exit, _, error) = await CliRun.InvokeAsync("states", "run", CliRun.Case("001-pass-identity", "definition.asl.json"));

        Assert.NotEqual(0, exit);
        Assert.Contains("--input", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("099-map-distributed-basic")]
    [InlineData("149-input-not-json")]
    public async Task The_built_rheo_CLI_runs_a_conformance_case(string name)
    {
        var expected = JsonNode.Parse(await File.ReadAllTextAsync(CliRun.Case(name, "expected.json")))!;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "Rheo.Cli.dll"), "states", "run", CliRun.Case(name, "definition.asl.json"), "--input", CliRun.Case(name, "input.json"), "--state-machine-name", "peer-sm", "--execution-name", "peer-exec" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        var line = JsonNode.Parse(Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)))!;
        Assert.Equal(0, process.ExitCode);
        Assert.Equal(expected["status"]!.GetValue<string>(), line["status"]!.GetValue<string>());
        if (expected["output"] is { } expectedOutput)
        {
            Assert.True(JsonEquality.Equal(expectedOutput, line["output"]), line.ToJsonString());
        }
    }
}
