// Seed, "Adding to the state machine" and "Passing data to tasks": results stored or discarded, explicit keys,
// and part of the data as a task's input.
using System.Text.Json.Nodes;
using Rheo.Flows;
using static Rheo.Flows.Flow;

namespace Seed.AddingTasks;

public sealed class Foo : FlowTask
{
    public override Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) => Task.FromResult<JsonNode?>(new JsonObject { ["foo"] = 1 });
}

public sealed class Bar : FlowTask
{
    public override Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) => Task.FromResult<JsonNode?>(input?.DeepClone());
}

public static class StateMachines
{
    public static void Main(FlowData data)
    {
        data["foo_result"] = Run<Foo>(key: "Do a foo"); // this will update the input data
        Run<Foo>(key: "Do a foo again");                 // this will not update the input data
        data["bar_result"] = Run<Bar>(data["foo_result"], key: "Do the bar");
        Run<Foo>();                                      // the key is generated: the class name
        Run<Foo>();                                      // ... made unique
    }
}
