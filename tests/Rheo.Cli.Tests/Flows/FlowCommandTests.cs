using Rheo.Runtime;
using Rheo.Runtime.StepFlows;

namespace Rheo.Cli.Tests.Flows;

public sealed class FlowCommandTests
{
    [Fact]
    public async Task Flow_commands_run_a_stored_flow_show_its_status_and_logs_and_recover_it()
    {
        var root = Directory.CreateTempSubdirectory("rheo-cli-flow-").FullName;
        try
        {
            var marker = Path.Combine(root, "fixed");
            await using (var app = Application.Local("daily", root))
            {
                var flow = new StepFlow("daily");
                var a = flow.Step("A", FlowAction.Shell("echo extracted"));
                var b = flow.Step("B", FlowAction.Shell($"test -f '{marker}'", name: "check"), after: [a]);
                flow.Step("C", FlowAction.Identity(), after: [b]);
                app.AddStepFlow(flow);
                await app.ActivateAsync();
            }

            var run = await CliRun.InvokeAsync("flow", "run", "daily", "--root", root, "--period", "2024-05-01", "--clusters", "3");
            var status = await CliRun.InvokeAsync("flow", "status", "daily", "--root", root, "--period", "2024-05-01");
            var refused = await CliRun.InvokeAsync("flow", "run-one", "daily", "C", "--root", root, "--period", "2024-05-01");
            await File.WriteAllTextAsync(marker, "ok");
            var recover = await CliRun.InvokeAsync("flow", "recover", "daily", "--root", root, "--period", "2024-05-01", "--json");
            var logs = await CliRun.InvokeAsync("flow", "logs", "daily", "A", "--root", root, "--period", "2024-05-01");

            Assert.Equal(1, run.Exit);
            Assert.StartsWith("flow 'daily' [2024-05-01] run: 4 of 4 step(s) on 3 cluster(s)", run.Output, StringComparison.Ordinal);
            Assert.Contains("failed in main action 'check' after 1 attempt(s): FlowActionException: the command exited with code 1", run.Output, StringComparison.Ordinal);
            Assert.Contains("  started  A on local-", run.Error, StringComparison.Ordinal);
            Assert.Contains("flow 'daily' [2024-05-01]: failed", status.Output, StringComparison.Ordinal);
            Assert.Contains("main check (shell): failed: FlowActionException: the command exited with code 1", status.Output, StringComparison.Ordinal);
            Assert.Equal(1, refused.Exit);
            Assert.Contains("these are not: B (failed)", refused.Error, StringComparison.Ordinal);
            Assert.Equal(0, recover.Exit);
            Assert.Contains("\"state\":\"Succeeded\"", recover.Output, StringComparison.Ordinal);
            Assert.Contains("\"step\":\"B\"", recover.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("\"step\":\"A\"", recover.Output, StringComparison.Ordinal);
            Assert.Contains("A.shell INFO [2024-05-01] extracted", logs.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task A_flow_command_without_a_period_or_store_says_what_to_give()
    {
        var missing = Path.Combine(Path.GetTempPath(), "rheo-no-store-" + Guid.NewGuid().ToString("N"));

        var result = await CliRun.InvokeAsync("flow", "status", "daily", "--root", missing, "--period", "2024-05-01");

        Assert.Equal(2, result.Exit);
        Assert.Contains("There is no Rheo store at", result.Error, StringComparison.Ordinal);
    }
}
