using System.Text.Json.Nodes;

namespace Rheo.Flows;

/// <summary>
/// Turns a state machine's execution events into telemetry tags. The built-in tags are the execution and state machine
/// names, the flattened input (<c>{"foo": {"bar": 1}}</c> → <c>foo.bar</c>) and the error; override the methods of
/// the event types that need custom tags.
/// </summary>
public abstract class EventProcessor
{
    /// <summary>Custom tags for ExecutionStarted.</summary>
    /// <param name="message">The event: <c>id</c>, <c>type</c>, <c>details</c> (<c>input</c>), <c>previous_event_id</c>, <c>event_timestamp</c>, <c>execution_arn</c>.</param>
    /// <param name="inputData">The execution's input.</param>
    /// <param name="stateData">The state data client, to resolve pointers in the input.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public virtual Task<JsonObject> GetCustomTagsExecutionStartedAsync(JsonObject message, JsonNode? inputData, IStateDataClient stateData, CancellationToken cancellationToken) =>
        Task.FromResult(new JsonObject());

    /// <summary>Custom tags for ExecutionSucceeded (<c>details.output</c>).</summary>
    /// <param name="message">The event.</param>
    /// <param name="inputData">The execution's input.</param>
    /// <param name="stateData">The state data client.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public virtual Task<JsonObject> GetCustomTagsExecutionSucceededAsync(JsonObject message, JsonNode? inputData, IStateDataClient stateData, CancellationToken cancellationToken) =>
        Task.FromResult(new JsonObject());

    /// <summary>Custom tags for ExecutionFailed (<c>details.error</c>, <c>details.cause</c>).</summary>
    /// <param name="message">The event.</param>
    /// <param name="inputData">The execution's input.</param>
    /// <param name="stateData">The state data client.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public virtual Task<JsonObject> GetCustomTagsExecutionFailedAsync(JsonObject message, JsonNode? inputData, IStateDataClient stateData, CancellationToken cancellationToken) =>
        Task.FromResult(new JsonObject());
}
