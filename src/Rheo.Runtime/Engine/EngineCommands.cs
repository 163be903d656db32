using Rheo.Core.Dimensions;
using Rheo.Core.Routing;
using Rheo.Runtime.Hooks;
using Rheo.Runtime.Storage;

namespace Rheo.Runtime.Engine;

/// <summary>Work handed to the processor loop, which alone mutates route state and commits.</summary>
internal abstract record EngineCommand;

internal sealed record WakeCommand : EngineCommand
{
    public static WakeCommand Instance { get; } = new();
}

internal sealed record ExecutionStartedCommand(long ExecutionId, DateTimeOffset At) : EngineCommand;

internal sealed record ComputeDoneCommand(ComputeRecord Record, HookType Hook) : EngineCommand;

internal sealed record ExecutionDoneCommand(long ExecutionId, ExecutionStatus Status, DateTimeOffset At, string? Error) : EngineCommand
{
    // The last target's success, handled in the same step so the execution ends in one commit, not two.
    public ComputeDoneCommand? LastCompute { get; init; }

    // When the worker started it: the lazy start update may come after the end (or not be committed before it).
    public DateTimeOffset? StartedAt { get; init; }
}

/// <summary>A hook call ran: <paramref name="Error"/> is null when it succeeded.</summary>
internal sealed record HookDoneCommand(HookRecord Hook, Exception? Error) : EngineCommand;

internal sealed record ExecutionCheckpointCommand(long ExecutionId, HookCheckpoint Checkpoint, DateTimeOffset At) : EngineCommand;

/// <summary>Runs a route for an output with given inputs (execute); completes with the execution id (an active one for the same output, if any).</summary>
/// <remarks>A graph-operation trigger (see <see cref="GraphTriggers"/>) makes an execution that does not propagate downstream: the operation runs the graph itself.</remarks>
internal sealed record ExecuteCommand(string RouteId, Partition Output, IReadOnlyList<MaterializedInput> Inputs, TaskCompletionSource<long> Result, string Trigger = "execute") : EngineCommand;

/// <summary>Resets output partitions for a graph operation: a <c>Reset</c> execution per partition, then their completion markers are removed; fails (changing nothing) when one of them is active.</summary>
internal sealed record ResetCommand(IReadOnlyList<(string RouteId, Partition Output)> Outputs, string Trigger, TaskCompletionSource<IReadOnlyList<long>> Result) : EngineCommand;

internal sealed record KillCommand(string RouteId, string OutputKey, TaskCompletionSource<bool> Result) : EngineCommand;

internal sealed record FlushCommand(TaskCompletionSource Result) : EngineCommand;

internal sealed record PauseCommand(bool Paused, TaskCompletionSource Result) : EngineCommand;

/// <summary>Limits of the engine a user may need to know.</summary>
public static class ProcessorLimits
{
    /// <summary>How many times a hook call runs before it is given up (kept in the outbox and reported by <c>rheo status</c>); retries wait <see cref="ApplicationOptions.RetryBackoff"/>, doubling (1, 2, 4 and 8 s by default).</summary>
    public const int HookAttempts = 5;
}
