// Seed, "service attribute": the task runs as an ECS task instead of a Lambda function.
using System.Text.Json.Nodes;
using Rheo.Flows;
using static Rheo.Flows.Flow;

namespace Seed.Service;

[TaskSettings(Service = TaskService.Ecs)]
public sealed class Bar : FlowTask
{
    public override async Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken)
    {
        await Task.Yield();
        return null;
    }
}

[TaskSettings(Service = TaskService.LambdaContainer)]
public sealed class Packaged : FlowTask
{
    public override Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) => Task.FromResult(input);
}

public static class StateMachines
{
    public static void Main(FlowData data)
    {
        Run<Bar>();
        data["packaged"] = Run<Packaged>();
    }
}
