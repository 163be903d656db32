using System.Text.Json.Nodes;
using Rheo.CSharp.Flows;
using Rheo.Runtime;
using Rheo.Runtime.Storage;

namespace Rheo.CSharp.Tests.Flows;

public sealed class FlowRouteTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("rheo-flow-routes-").FullName;

    private static string FlowPath => Path.Combine(AppContext.BaseDirectory, "Flows", "Runs", "routes.cs");

    private static ApplicationOptions Options => new() { RetryBackoff = TimeSpan.FromMilliseconds(1), MaxRetryBackoff = TimeSpan.FromMilliseconds(5) };

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Exported_machines_become_routes_on_their_schedule_and_on_the_success_or_failure_of_another()
    {
        var store = new InMemoryRheoStore();
        await using (var first = Application.Create("flows", store, _root, Options))
        {
            var routes = first.AddFlow(FlowPath);
            Assert.Equal(["Nightly", "AfterNightly", "OnNightlyFailure"], routes.Select(r => r.NodeId));
            await first.ActivateAsync();
        }

        // Another instance attaches: the machines, their flow source and triggers come from the stored topology.
        await using var app = Application.Create("flows", store, _root, Options);
        await app.AttachAsync();
        var path = await app.ExecuteAsync(app["Nightly"]["2024-03-10T00:00"]);
        await Assert.ThrowsAsync<ExecutionFailedException>(() => app.ExecuteAsync(app["Nightly"]["2024-03-09T00:00"]));
        await app.WaitForIdleAsync();

        Assert.Equal("2024-03-10T00:00", await File.ReadAllTextAsync(Path.Combine(path, "Nightly.txt")));
        Assert.Equal(PollStatus.Succeeded, (await app.PollAsync(app["AfterNightly"]["2024-03-10T00:00"])).Status);
        Assert.Equal(PollStatus.NeverAttempted, (await app.PollAsync(app["AfterNightly"]["2024-03-09T00:00"])).Status);
        Assert.Equal(PollStatus.Succeeded, (await app.PollAsync(app["OnNightlyFailure"]["2024-03-09T00:00"])).Status);
        Assert.Equal(PollStatus.NeverAttempted, (await app.PollAsync(app["OnNightlyFailure"]["2024-03-10T00:00"])).Status);

        // Tasks of routes keep state data in the application's store.
        Assert.Equal("2024-03-10T00:00", (string)(await app.StateData.GetItemAsync("reports", "AfterNightly@2024-03-10T00:00"))!["time"]!);

        var record = Assert.Single((await app.PollAsync(app["Nightly"]["2024-03-10T00:00"])).ComputeRecords);
        var events = JsonNode.Parse(await File.ReadAllTextAsync(record.LogPath!))!["events"]!.AsArray();
        Assert.Equal(["ExecutionStarted", "ExecutionSucceeded"], events.Select(e => (string)e!["event_type"]!));
        Assert.Equal(("Nightly", "2024-03-10T00:00"), ((string)events[0]!["state_machine_name"]!, (string)events[0]!["input.dimensions.time"]!));
        Assert.Equal(("yes", "Nightly"), ((string)events[1]!["custom"]!, (string)events[1]!["node"]!));
    }

    [Fact]
    public async Task A_flow_whose_triggers_cannot_become_routes_adds_nothing()
    {
        const string Source = """
            using Rheo.Flows;
            using static Rheo.Flows.Flow;

            public static class Machines
            {
                [Subscribe(project: "elsewhere")]
                public static void Other(FlowData data)
                {
                    data["x"] = 1;
                }

                [Subscribe(project: "bad", stateMachine: "Missing")]
                public static void Orphan(FlowData data)
                {
                    data["x"] = 1;
                }
            }
            """;
        await using var app = Application.Create("bad", new InMemoryRheoStore(), _root, Options);

        var e = Assert.Throws<FlowRouteException>(() => app.AddFlowSource(Source, "bad.cs"));

        Assert.Contains("Other: it subscribes to project 'elsewhere'", e.Message, StringComparison.Ordinal);
        Assert.Contains("Orphan: it subscribes to 'Missing'", e.Message, StringComparison.Ordinal);
        Assert.Empty(app.Nodes);
    }
}
