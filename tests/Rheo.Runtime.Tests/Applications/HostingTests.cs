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
