// Seed, "ECS Worker": a worker class, a task that stores items, and a worker task run per item by a Map.
using System.Text.Json.Nodes;
using Rheo.Flows;
using static Rheo.Flows.Flow;

namespace Seed.EcsWorker;

public sealed class TestWorker : TaskWorker
{
    private HttpClient? _client;

    public override async Task OnStartupAsync(CancellationToken cancellationToken)
    {
        await base.OnStartupAsync(cancellationToken);
        _client = new HttpClient();
    }

    public override async Task OnCleanupAsync(CancellationToken cancellationToken)
    {
        await base.OnCleanupAsync(cancellationToken);
        _client?.Dispose();
    }

    public override async Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken)
    {
        var item = await context.StateData.GetItemForMapIterationAsync(input, cancellationToken);
        return item;
    }
}

public sealed class GenerateItems : FlowTask
{
    public override async Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) =>
        await context.StateData.PutItemsAsync(
            "items",
            [new JsonObject { ["name"] = "sue" }, new JsonObject { ["name"] = "jae" }, new JsonObject { ["name"] = "levi" }],
            cancellationToken);
}

[TaskSettings(
    Service = TaskService.EcsWorker,
    Spec = "Seed.EcsWorker.TestWorker",
    Timeout = 600,
    Concurrency = 10,
    HeartbeatInterval = 60,
    AutoscalingMin = 1,
    AutoscalingMax = 2)]
public sealed class Worker : FlowTask;

public static class StateMachines
{
    public static void ProcessItem(FlowData data)
    {
        Run<Worker>();
    }

    public static void Main(FlowData data)
    {
        data["items"] = Run<GenerateItems>();
        Map(data["items"], ProcessItem);
    }
}
