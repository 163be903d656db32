// Seed, "cpu and memory attributes": 2 vCPU and 4 GB for an ECS task; 1536 MB for a Lambda function.
using System.Text.Json.Nodes;
using Rheo.Flows;
using static Rheo.Flows.Flow;

namespace Seed.CpuMemory;

[TaskSettings(Service = TaskService.Ecs, Cpu = 2048, Memory = 4096)]
public sealed class Bar : FlowTask
{
    public override Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) => Task.FromResult<JsonNode?>(null);
}

[TaskSettings(Memory = 1536)]
public sealed class Small : FlowTask
{
    public override Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) => Task.FromResult(input);
}

public static class StateMachines
{
    public static void Main(FlowData data)
    {
        Run<Bar>();
        data["small"] = Run<Small>();
    }
}
