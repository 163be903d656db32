// Seed, "Map": an iterator method run per item, with and without a concurrency limit.
using System.Text.Json.Nodes;
using Rheo.Flows;
using static Rheo.Flows.Flow;

namespace Seed.MapIterator;

public sealed class Baz : FlowTask
{
    public override Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) => Task.FromResult(input);
}

public static class StateMachines
{
    public static void ItemIterator(FlowData data)
    {
        Run<Baz>();
    }

    public static void Main(FlowData data)
    {
        Map(data["items"], ItemIterator);
        Map(data["items"], ItemIterator, maxConcurrency: 3);
    }
}
