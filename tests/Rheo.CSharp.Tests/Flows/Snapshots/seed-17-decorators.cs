// Seed, "Decorators": schedule, subscribe (project and explicit topic), export and process_events with a custom
// processor. Each attributed method is an exported state machine with its own definition.
using System.Text.Json.Nodes;
using Rheo.Flows;
using static Rheo.Flows.Flow;

namespace Seed.Decorators;

public sealed class MyTask : FlowTask
{
    public override Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) => Task.FromResult(input);
}

/// <summary>Custom event processor for the SomeStateMachine state machine.</summary>
public sealed class SomeEventProcessor : EventProcessor
{
    // This is a static object, but you can reach out to a database or external resource to generate more.
    public override Task<JsonObject> GetCustomTagsExecutionStartedAsync(JsonObject message, JsonNode? inputData, IStateDataClient stateData, CancellationToken cancellationToken) =>
        Task.FromResult(new JsonObject { ["custom.tag"] = true });

    public override Task<JsonObject> GetCustomTagsExecutionSucceededAsync(JsonObject message, JsonNode? inputData, IStateDataClient stateData, CancellationToken cancellationToken) =>
        Task.FromResult(new JsonObject { ["custom.tag"] = true });

    public override Task<JsonObject> GetCustomTagsExecutionFailedAsync(JsonObject message, JsonNode? inputData, IStateDataClient stateData, CancellationToken cancellationToken) =>
        Task.FromResult(new JsonObject { ["custom.tag"] = true });
}

public static class StateMachines
{
    [Schedule("rate(1 hour)")]
    public static void Main(FlowData data)
    {
        Run<MyTask>();
    }

    [Subscribe(project: "other-project")]
    public static void OnOtherProject(FlowData data)
    {
        Run<MyTask>();
    }

    [Subscribe(project: "other-project", stateMachine: "Cleanup", status: "failure")]
    public static void OnOtherCleanupFailure(FlowData data)
    {
        Run<MyTask>();
    }

    [Subscribe(topicArnImportValue: "${Environment}-my-topic-arn")]
    public static void OnTopic(FlowData data)
    {
        Run<MyTask>();
    }

    [Export]
    public static void SomeStateMachine(FlowData data)
    {
        Run<MyTask>();
    }

    [Export]
    [ProcessEvents]
    public static void WithDefaultProcessor(FlowData data)
    {
        Run<MyTask>();
    }

    [Export]
    [ProcessEvents(processor: typeof(SomeEventProcessor))]
    public static void WithCustomProcessor(FlowData data)
    {
        Run<MyTask>();
    }
}
