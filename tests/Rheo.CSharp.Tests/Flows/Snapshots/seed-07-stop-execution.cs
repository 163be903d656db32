// Seed, "Stopping the execution": a task checks a feature flag and aborts the execution.
using System.Text.Json.Nodes;
using Rheo.Flows;
using static Rheo.Flows.Flow;

namespace Seed.StopExecution;

public sealed class CheckFlag : FlowTask
{
    public override async Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken)
    {
        if (input?["enabled"]?.GetValue<bool>() != true)
        {
            return await context.StopExecutionAsync("FeatureDisabled", "The feature flag is off.", cancellationToken);
        }

        return input;
    }
}

public sealed class Work : FlowTask
{
    public override Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) => Task.FromResult<JsonNode?>("done");
}

public static class StateMachines
{
    public static void Main(FlowData data)
    {
        Run<CheckFlag>();
        data["work"] = Run<Work>();
    }
}
