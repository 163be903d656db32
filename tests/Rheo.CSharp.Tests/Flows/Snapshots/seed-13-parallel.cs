// Seed, "Parallel": branch methods run side by side.
using System.Text.Json.Nodes;
using Rheo.Flows;
using static Rheo.Flows.Flow;

namespace Seed.ParallelBranches;

public sealed class Baz : FlowTask
{
    public override Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) => Task.FromResult(input);
}

public sealed class Foo : FlowTask
{
    public override Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) => Task.FromResult(input);
}

public static class StateMachines
{
    public static void Branch1(FlowData data)
    {
        Run<Baz>();
    }

    public static void Branch2(FlowData data)
    {
        Run<Foo>();
    }

    public static void Main(FlowData data)
    {
        Parallel(Branch1, Branch2);
    }
}
