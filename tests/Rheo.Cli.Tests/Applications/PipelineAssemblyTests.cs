namespace Rheo.Cli.Tests.Applications;

public sealed class PipelineAssemblyTests
{
    private static string Backfill => Path.Combine(AppContext.BaseDirectory, "Backfill.dll");

    [Fact]
    public async Task A_compiled_pipeline_activates_and_later_processes_run_its_compute_classes()
    {
        using var rheo = new RheoProcess();

        var activate = await rheo.RunAsync("activate", Backfill);
        var execute = await rheo.RunAsync("execute", "B", "2024-05-10", "--recursive");

        Assert.True(activate.Exit == 0, activate.Error);
        Assert.Contains("loaded Backfill.dll: BackfillPipeline", activate.Output, StringComparison.Ordinal);
        Assert.Contains("activated backfill-1: 3 nodes", activate.Output, StringComparison.Ordinal);
        Assert.True(execute.Exit == 0, execute.Output + execute.Error);
        Assert.Equal(
            "day 2024-05-10 read A 2024-05-10, 2024-05-09",
            (await File.ReadAllTextAsync(Path.Combine(rheo.Root, "backfill-1", "data", "B", "2024-05-10", "summary.txt"))).Trim());
    }

    [Fact]
    public async Task An_assembly_without_pipelines_is_refused_with_what_to_add()
    {
        using var rheo = new RheoProcess();

        var result = await rheo.RunAsync("activate", Path.Combine(AppContext.BaseDirectory, "Rheo.Samples.Jobs.dll"));

        Assert.Equal(2, result.Exit);
        Assert.Contains("has no public class implementing Rheo.Runtime.IPipeline", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(rheo.Root, "backfill-1")));
    }
}
