using System.Text.Json.Nodes;

namespace Rheo.Flows;

/// <summary>A long-running queue worker behind an <c>ecs:worker</c> task: started once, then handles one message per call.</summary>
/// <remarks>
/// <see cref="RunAsync"/> may run concurrently up to the task's <c>Concurrency</c>; keep shared state thread-safe.
/// <see cref="OnStartupAsync"/> runs once before the first message, <see cref="OnCleanupAsync"/> once when the worker stops.
/// </remarks>
public abstract class TaskWorker
{
    /// <summary>Creates clients and engines once, before the first message.</summary>
    public virtual Task OnStartupAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Releases what <see cref="OnStartupAsync"/> created.</summary>
    public virtual Task OnCleanupAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Handles one message: the Task state's input; returns the state's result.</summary>
    public abstract Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken);
}
