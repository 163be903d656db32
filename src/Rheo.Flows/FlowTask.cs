using System.Text.Json.Nodes;

namespace Rheo.Flows;

/// <summary>A task of a flow: one Task state whose body runs as a handler (a Lambda function, an ECS task, ...).</summary>
/// <remarks>
/// Declare one sealed class per task in the flow file, configure it with <see cref="TaskSettingsAttribute"/>, and call
/// it from a state machine with <see cref="Flow.Run{TTask}(FlowValue?, string?, int?)"/>. A new instance runs each
/// attempt, so instance fields do not carry state between calls.
/// </remarks>
public abstract class FlowTask
{
    /// <summary>Runs the task: takes the state's input (the event) and returns the result stored in the data.</summary>
    /// <param name="input">The event: the data, or the part of it passed to <c>Run</c>.</param>
    /// <param name="context">The execution's identity, the state data client and <see cref="TaskContext.StopExecutionAsync"/>.</param>
    /// <param name="cancellationToken">Cancelled when the state times out or the execution stops.</param>
    /// <returns>The result; <see langword="null"/> for none.</returns>
    public virtual Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"The task '{GetType().Name}' has no RunAsync: override it, or use the ecs:worker service with a worker spec.");
}
