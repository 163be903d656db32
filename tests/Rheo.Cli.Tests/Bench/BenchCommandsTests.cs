using System.Text.Json.Nodes;

namespace Rheo.Cli.Tests.Bench;

public sealed class BenchCommandsTests
{
    [Fact]
    public async Task Bench_states_json_prints_one_named_figure_per_line()
    {
        var (exit, output, _) = await CliRun.InvokeAsync("bench", "states", "--json", "--seconds", "0.01");

        var figures = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(0, exit);
        Assert.Contains(figures, f => f["name"]!.GetValue<string>() == "states.pass_chain_200.interpreter" && f["unit"]!.GetValue<string>() == "transitions/s");
        Assert.Contains(figures, f => f["name"]!.GetValue<string>() == "states.map_100000x3_pass.allocated");
        Assert.All(figures, f => Assert.True(f["value"]!.GetValue<double>() >= 0));
    }
}
