using Rheo.Cli.Tests.Applications;

namespace Rheo.Cli.Tests.Flows;

public sealed class StepFlowScriptTests
{
    private static string Sample => Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(RheoProcess.Sample))!, "StepFlows", "nightly.csx");

    [Fact]
    public async Task A_step_flow_defined_in_a_script_runs_from_later_processes_with_the_scripts_own_actions()
    {
        using var rheo = new RheoProcess();

        var activate = await rheo.RunAsync("activate", Sample);
        var run = await rheo.RunAsync("flow", "run", "nightly", "--period", "2024-05-01");
        var logs = await rheo.RunAsync("flow", "logs", "nightly", "clean", "--period", "2024-05-01");
        var stepLogs = await rheo.RunAsync("logs", "clean", "2024-05-01", "--app", "nightly");

        Assert.True(activate.Exit == 0, activate.Error);
        Assert.True(run.Exit == 0, run.Output + run.Error);
        Assert.Equal("2", await File.ReadAllTextAsync(Path.Combine(rheo.Root, "nightly", "data", "clean", "2024-05-01", "count.txt")));
        Assert.Contains("clean.CountRows INFO [2024-05-01] 2 row(s)", logs.Output, StringComparison.Ordinal);
        Assert.Contains("clean.notify INFO [2024-05-01] cleaned 2024-05-01", logs.Output, StringComparison.Ordinal);
        Assert.True(stepLogs.Exit == 0, stepLogs.Error);
        Assert.Contains("flow log:", stepLogs.Output, StringComparison.Ordinal);
        Assert.Contains("    clean.CountRows INFO [2024-05-01] 2 row(s)", stepLogs.Output, StringComparison.Ordinal);
    }
}
