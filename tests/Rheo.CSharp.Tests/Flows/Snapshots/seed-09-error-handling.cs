// Seed, "Error Handling": try / catch becomes the Task state's Catch.
using System.Text.Json.Nodes;
using Rheo.Flows;
using static Rheo.Flows.Flow;

namespace Seed.ErrorHandling;

public sealed class Foo : FlowTask
{
    public override Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) => Task.FromResult(input);
}

public sealed class TaskWhenFooHasErrored : FlowTask
{
    public override Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) => Task.FromResult(input);
}

public sealed class GenericTask : FlowTask
{
    public override Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) => Task.FromResult(input);
}

public static class StateMachines
{
    public static void Main(FlowData data)
    {
        try
        {
            Run<Foo>();
        }
        catch (Exception e) when (e is KeyNotFoundException or States.Timeout)
        {
            Run<TaskWhenFooHasErrored>();
        }
        catch
        {
            Run<GenericTask>();
        }
    }
}
