using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Rheo.Runtime.Compute;
using Rheo.Runtime.Hosting;

namespace Rheo.Runtime.Tests.Applications;

public sealed class HostingTests
{
    [Fact]
    public async Task A_hosted_application_processes_events_while_the_host_runs()
    {
        using var root = new TempRoot();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddRheo(_ =>
        {
            var app = TestApps.InMemory(root, "hosted");
            var t = app.AddTimer("T", "rate(1 day)");
            app.CreateData("A", inputs: [t], computeTargets: [ComputeTarget.NoOp]);
            return app;
        }, activate: true);
        using var host = builder.Build();

        await host.StartAsync();
        var app = host.Services.GetRequiredService<Application>();
        await app.ProcessAsync(app["T"]["2024-03-10"]);
        await app.WaitForIdleAsync();
        var status = (await app.PollAsync(app["A"]["2024-03-10"])).Status;
        var runs = app.RunsProcessor;
        await host.StopAsync();

        Assert.True(runs);
        Assert.Equal(PollStatus.Succeeded, status);
        Assert.False(app.RunsProcessor);
    }
}

public sealed class ExternalEngineTests
{
    [Fact]
    public async Task Execute_from_a_process_without_the_engine_injects_the_inputs_and_follows_the_execution_it_starts()
    {
        using var root = new TempRoot();
        await using var engine = Application.Local("shared", root.Path, TestApps.Fast());
        var t = engine.AddTimer("T", "rate(1 day)", timeDimension: "day");
        var a = engine.CreateData("A", inputs: [t], computeTargets: [ComputeTarget.Inlined<WriteInputsCompute>()]);
        engine.CreateData("Bad", inputs: [t], computeTargets: [ComputeTarget.Process("sh", ["-c", "exit 4"])]);
        await engine.ActivateAsync();

        // A second instance on the same store finds the engine lock taken, as `rheo execute` next to `rheo serve` does.
        await using var client = Application.Local("shared", root.Path, TestApps.Fast());
        await client.AttachAsync();
        var path = await client.ExecuteAsync(client["A"]["2024-03-10"]);
        var failure = await Assert.ThrowsAsync<ExecutionFailedException>(() => client.ExecuteAsync(client["Bad"]["2024-03-10"]));
        var recursive = await Assert.ThrowsAsync<InvalidOperationException>(() => client.ExecuteAsync(client["A"]["2024-03-11"], recursive: true));

        Assert.False(client.RunsProcessor);
        Assert.True(engine.RunsProcessor);
        Assert.Equal(["T 2024-03-10"], await File.ReadAllLinesAsync(Path.Combine(path, "part-0.txt")));
        Assert.Equal(PollStatus.Succeeded, (await engine.PollAsync(a["2024-03-10"])).Status);
        Assert.Contains("exited with code 4", failure.Message, StringComparison.Ordinal);
        Assert.Contains("a recursive execute needs the engine", recursive.Message, StringComparison.Ordinal);
    }
}

public sealed class ExternalKillTests
{
    [Fact]
    public async Task Kill_from_a_process_without_the_engine_is_carried_out_by_the_engine_and_waits_for_the_end()
    {
        using var root = new TempRoot();
        await using var engine = Application.Local("killed", root.Path, TestApps.Fast());
        var t = engine.AddTimer("T", "rate(1 day)", timeDimension: "day");
        var slow = engine.CreateData("Slow", inputs: [t], computeTargets: [ComputeTarget.Inlined<BlockingCompute>()]);
        await engine.ActivateAsync();
        await using var client = Application.Local("killed", root.Path, TestApps.Fast());
        await client.AttachAsync();

        await client.ExecuteAsync(client["Slow"]["2024-03-10"], wait: false);
        await RoutingTests.Eventually(async () => (await engine.PollAsync(slow["2024-03-10"])).Execution?.Status == Rheo.Runtime.Storage.ExecutionStatus.Running);
        var killed = await client.KillAsync(client["Slow"]["2024-03-10"]).WaitAsync(TimeSpan.FromSeconds(30));
        var again = await client.KillAsync(client["Slow"]["2024-03-10"]);

        Assert.True(killed);
        Assert.False(again);
        Assert.Equal(Rheo.Runtime.Storage.ExecutionStatus.Killed, (await client.PollAsync(client["Slow"]["2024-03-10"])).Execution!.Status);
        Assert.False(Directory.EnumerateFiles(Path.Combine(root.Path, "killed", "requests")).Any());
    }
}
