// Seed, "timeout attribute": a 10-minute task, called with the same timeout.
using System.Text.Json.Nodes;
using Rheo.Flows;
using static Rheo.Flows.Flow;

namespace Seed.Timeout;

[TaskSettings(Service = TaskService.Ecs, Timeout = 600)] // 10 minutes: longer than a Lambda function may run
public sealed class Bar : FlowTask
{
    public override Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) => Task.FromResult<JsonNode?>(null);
}

public static class StateMachines
{
    public static void Main(FlowData data)
    {
        Run<Bar>(key: "Bar", timeout: 600);
    }
}
