using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Rheo.States.Language;

namespace Rheo.States.Execution;

/// <summary>
/// The immutable state of one execution, Parallel branch or Map iteration between two steps of the interpreter.
/// </summary>
/// <remarks>Never changed after it is built: <see cref="StateMachineInterpreter.Advance"/> returns a new one.</remarks>
public sealed record ExecutionState
{
    internal ExecutionState()
    {
    }

    /// <summary>Whether the execution is still running and, if not, how it ended.</summary>
    public ExecutionStatus Status { get; internal init; }

    /// <summary>The name of the current state (the last one, once over).</summary>
    public string? CurrentStateName => Current?.Name;

    /// <summary>The output, once succeeded.</summary>
    public JsonNode? Output { get; internal init; }

    /// <summary>The error, once failed, timed out or aborted.</summary>
    public string? Error { get; internal init; }

    /// <summary>The cause, once failed, timed out or aborted.</summary>
    public string? Cause { get; internal init; }

    internal StateScope Scope { get; init; } = null!;

    internal ExecutionInfo Info { get; init; } = null!;

    internal State? Current { get; init; }

    /// <summary>A Parallel branch or Map iteration: its end is reported by the parent's events, not as an execution's.</summary>
    internal bool IsIteration { get; init; }

    internal JsonNode? RawInput { get; init; }

    internal DateTimeOffset EnteredTime { get; init; }

    internal ImmutableDictionary<string, JsonNode?> Variables { get; init; } = ImmutableDictionary<string, JsonNode?>.Empty;

    internal ImmutableArray<int> RetrierAttempts { get; init; } = [];

    internal int RetryCount { get; init; }

    internal long NextId { get; init; } = 1;

    internal long? ExecutionTimeoutTimer { get; init; }

    internal Pending Waiting { get; init; } = Pending.Nothing;
}

/// <summary>What a running execution waits for.</summary>
internal abstract record Pending
{
    public static readonly Pending Nothing = new NothingPending();

    internal sealed record NothingPending : Pending;

    internal sealed record ForTask(long InvocationId, long? TimeoutTimer, long? HeartbeatTimer) : Pending;

    internal sealed record ForTimer(long TimerId, bool IsRetry, JsonNode? Output) : Pending;

    internal sealed record ForIterations(IterationProgress Progress) : Pending;
}

/// <summary>The progress of a Parallel state's branches or a Map state's iterations.</summary>
internal sealed record IterationProgress
{
    public required bool IsMap { get; init; }

    public required JsonNode? EffectiveInput { get; init; }

    /// <summary>The items of a Map state (null for Parallel).</summary>
    public JsonArray? Items { get; init; }

    public required int Total { get; init; }

    public int NextIndex { get; init; }

    public required int MaxConcurrency { get; init; }

    public long ToleratedFailures { get; init; }

    /// <summary>Iteration <c>i</c> has the id <c>FirstId + i</c>: ids are reserved as one block when the state starts.</summary>
    public required long FirstId { get; init; }

    public int Running { get; init; }

    /// <summary>Finished iterations, most recent first; a persistent stack so each answer costs one small node.</summary>
    public ImmutableStack<(int Index, JsonNode? Output)> Results { get; init; } = [];

    public int Completed { get; init; }

    public int Failed { get; init; }

    public bool TryGetIndex(long id, out int index)
    {
        index = (int)(id - FirstId);
        return id >= FirstId && index < NextIndex;
    }

    /// <summary>The ids of iterations started and not yet finished.</summary>
    public IEnumerable<long> RunningIds()
    {
        var done = new bool[NextIndex];
        foreach (var (index, _) in Results)
        {
            done[index] = true;
        }

        for (var i = 0; i < NextIndex; i++)
        {
            if (!done[i])
            {
                yield return FirstId + i;
            }
        }
    }
}
