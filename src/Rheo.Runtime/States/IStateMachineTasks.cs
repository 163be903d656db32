using System.Text.Json.Nodes;
using Rheo.Runtime.Compute;

namespace Rheo.Runtime.States;

/// <summary>
/// Binds the Task states of a state machine compute target to .NET handlers. Referenced by type, so a persisted
/// topology reloads it; a new instance serves each attempt of an execution.
/// </summary>
public interface IStateMachineTasks
{
    /// <summary>Registers the handlers for one attempt; <paramref name="context"/> is the execution (paths, dimensions).</summary>
    void Register(TaskHandlerRegistry registry, ComputeContext context);
}

/// <summary>
/// Optionally implemented by an <see cref="IStateMachineTasks"/> class to see the machine's execution events, as a
/// Step Functions event rule would: <c>ExecutionStarted</c> before the run, then one of <c>ExecutionSucceeded</c>,
/// <c>ExecutionFailed</c>, <c>ExecutionTimedOut</c> or <c>ExecutionAborted</c>. It is called after the run ends, too,
/// so it can release what <see cref="IStateMachineTasks.Register"/> started.
/// </summary>
public interface IStateMachineObserver
{
    /// <summary>Handles one event; what it returns (e.g. telemetry tags) is kept under <c>events</c> in the compute record's log.</summary>
    /// <param name="message">The event: <c>id</c>, <c>type</c>, <c>details</c> (<c>input</c>, <c>output</c>, <c>error</c>, <c>cause</c>), <c>previous_event_id</c>, <c>event_timestamp</c>, <c>execution_arn</c>.</param>
    /// <param name="input">The execution's input.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    ValueTask<JsonObject?> OnExecutionEventAsync(JsonObject message, JsonNode? input, CancellationToken cancellationToken);
}
