using Rheo.Core.Dimensions;
using Rheo.Runtime.Compute;
using Rheo.Runtime.Storage;

namespace Rheo.Runtime.Tests.Applications;

/// <summary>The README's example 2 (recursive backfill), translated to C#.</summary>
public sealed class BackfillExampleTests
{
    [Fact]
    public async Task Recursive_execute_runs_the_missing_ancestors_first_as_in_the_readme_example()
    {
        using var root = new TempRoot();
        await using var app = TestApps.InMemory(root, "backfill-1");
        var today = DateTime.UtcNow.Date;

        var a = app.CreateData("A", inputs: [app.AddTimer("T", "rate(1 day)")], computeTargets: [ComputeTarget.NoOp]);
        var b = app.CreateData("B", inputs: [a.Range(-2)], computeTargets: [ComputeTarget.NoOp]);
        await app.ExecuteAsync(b[today], wait: true, recursive: true);

        Assert.Equal(PollStatus.Succeeded, (await app.PollAsync(b[today])).Status);
        Assert.Equal(PollStatus.Succeeded, (await app.PollAsync(a[today.AddDays(-1)])).Status);
        Assert.Equal(PollStatus.Succeeded, (await app.PollAsync(a[today])).Status);
        Assert.NotNull((await app.PollAsync(b[today])).OutputPath);
        Assert.True(File.Exists(Path.Combine((await app.PollAsync(b[today])).OutputPath!, "_SUCCESS")));
        await app.PauseAsync();
        Assert.Equal(ApplicationState.Paused, app.State);
    }

    [Fact]
    public async Task Recursive_execute_through_a_three_node_chain_gives_the_compute_every_range_path_tip_first()
    {
        using var root = new TempRoot();
        await using var app = TestApps.InMemory(root, "chain3");
        var t = app.AddTimer("T", "rate(1 day)", timeDimension: "day");
        var a = app.CreateData("A", inputs: [t], computeTargets: [ComputeTarget.NoOp]);
        var b = app.CreateData("B", inputs: [a.Range(-3)], computeTargets: [ComputeTarget.Inlined<WriteInputsCompute>()]);
        var c = app.CreateData("C", inputs: [b], computeTargets: [ComputeTarget.NoOp]);
        await app.ActivateAsync();

        await app.ExecuteAsync(c["2024-03-10"], recursive: true);

        var lines = await app.LoadDataAsync(b["2024-03-10"]);
        Assert.Equal(["A 2024-03-10|2024-03-09|2024-03-08"], lines);
        foreach (var day in new[] { "2024-03-08", "2024-03-09", "2024-03-10" })
        {
            Assert.Equal(PollStatus.Succeeded, (await app.PollAsync(a[day])).Status);
        }

        var successes = (await app.GetExecutionsAsync("C")).Count(e => e.Status == ExecutionStatus.Succeeded && e.OutputKey == "2024-03-10");
        Assert.Equal(1, successes);
    }

    [Fact]
    public async Task Recursive_execute_refuses_when_external_data_is_missing_and_names_the_path()
    {
        using var root = new TempRoot();
        await using var app = TestApps.InMemory(root, "ext-missing");
        var spec = DimensionSpec.Of(Dimension.DateTime("day", DatetimeGranularity.Day, "%Y-%m-%d"));
        var ext = app.MarshalExternalData(Nodes.LocalDataset.Of(Path.Combine(root.Path, "in"), "{}"), "ext", spec, protocol: Core.Signals.IntegrityProtocol.Success);
        var a = app.CreateData("A", inputs: [ext.Range(-2)], computeTargets: [ComputeTarget.NoOp]);
        await app.ActivateAsync();
        Directory.CreateDirectory(Path.Combine(root.Path, "in", "2024-03-10"));
        await File.WriteAllTextAsync(Path.Combine(root.Path, "in", "2024-03-10", "_SUCCESS"), string.Empty);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.ExecuteAsync(a["2024-03-10"], recursive: true));

        Assert.Contains("2024-03-09", error.Message, StringComparison.Ordinal);
        Assert.Contains("external node 'ext'", error.Message, StringComparison.Ordinal);
        Assert.Equal(PollStatus.NeverAttempted, (await app.PollAsync(a["2024-03-10"])).Status);
    }
}
