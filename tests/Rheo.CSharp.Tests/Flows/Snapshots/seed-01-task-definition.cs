// Seed, "Task / Definition": a task is a class deriving from FlowTask with an async run method.
using System.Text.Json.Nodes;
using Rheo.Flows;
using static Rheo.Flows.Flow;

namespace Seed.TaskDefinition;

public sealed class Bar : FlowTask
{
    public override Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken)
    {
        input!["bar"] = 456;
        return Task.FromResult(input);
    }
}

public static class StateMachines
{
    public static void Main(FlowData data)
    {
        Run<Bar>();
    }
}
