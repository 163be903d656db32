// Seed, "Retries": the retry block with defaults, with every option, and inside a try.
using System.Text.Json.Nodes;
using Rheo.Flows;
using static Rheo.Flows.Flow;

namespace Seed.Retries;

public sealed class CustomError(string message) : Exception(message);

public sealed class MyTask : FlowTask
{
    public override Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) => Task.FromResult(input);
}

public sealed class Foo : FlowTask
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
        using (Retry())
        {
            Run<MyTask>();
        }

        using (Retry(onExceptions: [typeof(CustomError)], interval: 10, maxAttempts: 5, backoffRate: 1.0))
        {
            Run<MyTask>();
        }

        try
        {
            using (Retry())
            {
                Run<Foo>();
            }
        }
        catch
        {
            Run<GenericTask>();
        }
    }
}
