// Flow routes for FlowRouteTests: a scheduled machine, one subscribed to its success, one to its failure, events processed.
using System.Text.Json.Nodes;
using Rheo.Flows;
using static Rheo.Flows.Flow;

namespace Runs.Routes;

public sealed class Record : FlowTask
{
    public override async Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken)
    {
        var time = (string)input!["dimensions"]!["time"]!;
        if (context.StateMachineName == "Nightly" && time == "2024-03-09T00:00")
        {
            throw new InvalidOperationException("no data for " + time);
        }

        await File.WriteAllTextAsync(Path.Combine((string)input["output"]!["path"]!, context.StateMachineName + ".txt"), time, cancellationToken);
        await context.StateData.PutGlobalItemAsync("reports", context.StateMachineName + "@" + time, new JsonObject { ["time"] = time }, cancellationToken: cancellationToken);
        return time;
    }
}

public sealed class Tagger : EventProcessor
{
    public override Task<JsonObject> GetCustomTagsExecutionSucceededAsync(JsonObject message, JsonNode? inputData, IStateDataClient stateData, CancellationToken cancellationToken) =>
        Task.FromResult(new JsonObject { ["custom"] = "yes", ["node"] = inputData?["node"]?.DeepClone() });
}

public static class Machines
{
    [Schedule("rate(1 day)")]
    [ProcessEvents(processor: typeof(Tagger))]
    public static void Nightly(FlowData data)
    {
        data["wrote"] = Run<Record>();
    }

    [Subscribe(project: "flows", stateMachine: "Nightly")]
    public static void AfterNightly(FlowData data)
    {
        data["wrote"] = Run<Record>();
    }

    [Subscribe(project: "flows", stateMachine: "Nightly", status: "failure")]
    public static void OnNightlyFailure(FlowData data)
    {
        data["wrote"] = Run<Record>();
    }
}
