using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Rheo.States.Language;

namespace Rheo.States.Execution;

/// <summary>The status of an execution (or of one Parallel branch or Map iteration).</summary>
public enum ExecutionStatus
{
    /// <summary>Still running: waiting for a task, a timer or iterations.</summary>
    Running,

    /// <summary>Reached a Succeed state or an End.</summary>
    Succeeded,

    /// <summary>Failed with an error and cause.</summary>
    Failed,

    /// <summary>Ran longer than the machine's <c>TimeoutSeconds</c>.</summary>
    TimedOut,

    /// <summary>Stopped on request.</summary>
    Aborted,
}

/// <summary>What an execution starts from: its input and the identity the context object (<c>$$</c>) reports.</summary>
/// <param name="Input">The execution input.</param>
/// <param name="ExecutionArn">The execution ARN (<c>$$.Execution.Id</c>).</param>
/// <param name="ExecutionName">The execution name.</param>
/// <param name="StateMachineArn">The state machine ARN (<c>$$.StateMachine.Id</c>).</param>
/// <param name="StateMachineName">The state machine name.</param>
/// <param name="RoleArn">The role ARN (<c>$$.Execution.RoleArn</c>).</param>
public sealed record ExecutionStart(
    JsonNode? Input,
    string ExecutionArn,
    string ExecutionName,
    string StateMachineArn,
    string StateMachineName,
    string RoleArn)
{
    /// <summary>Builds the ARNs the way AWS does: <c>arn:aws:states:REGION:ACCOUNT:execution:SM:EXEC</c>.</summary>
    public static ExecutionStart Create(JsonNode? input, string stateMachineName, string executionName, string account, string region, string? roleArn = null) =>
        new(
            input,
            $"arn:aws:states:{region}:{account}:execution:{stateMachineName}:{executionName}",
            executionName,
            $"arn:aws:states:{region}:{account}:stateMachine:{stateMachineName}",
            stateMachineName,
            roleArn ?? $"arn:aws:iam::{account}:role/{stateMachineName}-role");
}

/// <summary>Something that happened outside the interpreter and moves an execution on.</summary>
public abstract record ExecutionEvent;

/// <summary>A task handler returned.</summary>
/// <param name="InvocationId">The id of the <see cref="InvokeTask"/> command.</param>
/// <param name="Output">The task's result.</param>
public sealed record TaskSucceeded(long InvocationId, JsonNode? Output) : ExecutionEvent;

/// <summary>A task handler failed.</summary>
/// <param name="InvocationId">The id of the <see cref="InvokeTask"/> command.</param>
/// <param name="Error">The error name Retry and Catch match.</param>
/// <param name="Cause">The cause.</param>
public sealed record TaskFailed(long InvocationId, string Error, string? Cause) : ExecutionEvent;

/// <summary>A timer started by <see cref="StartTimer"/> is due.</summary>
/// <param name="TimerId">The id of the <see cref="StartTimer"/> command.</param>
public sealed record TimerFired(long TimerId) : ExecutionEvent;

/// <summary>A Parallel branch or Map iteration succeeded.</summary>
/// <param name="IterationId">The id of the <see cref="StartIteration"/> command.</param>
/// <param name="Output">The iteration's output.</param>
public sealed record IterationSucceeded(long IterationId, JsonNode? Output) : ExecutionEvent;

/// <summary>A Parallel branch or Map iteration failed (or timed out, or was aborted).</summary>
/// <param name="IterationId">The id of the <see cref="StartIteration"/> command.</param>
/// <param name="Error">The error name.</param>
/// <param name="Cause">The cause.</param>
public sealed record IterationFailed(long IterationId, string Error, string? Cause) : ExecutionEvent;

/// <summary>The caller stops the execution (status ABORTED).</summary>
/// <param name="Error">An optional error recorded with the abort.</param>
/// <param name="Cause">An optional cause.</param>
public sealed record AbortRequested(string? Error = null, string? Cause = null) : ExecutionEvent;

/// <summary>Something the runtime must carry out for the interpreter.</summary>
public abstract record ExecutionCommand;

/// <summary>Run the task bound to <paramref name="Resource"/> with <paramref name="Input"/>; answer with <see cref="TaskSucceeded"/> or <see cref="TaskFailed"/>.</summary>
/// <param name="InvocationId">Correlates the answer.</param>
/// <param name="StateName">The Task state.</param>
/// <param name="Resource">The state's <c>Resource</c> ARN or name.</param>
/// <param name="Input">The effective input (after InputPath and Parameters).</param>
/// <param name="Attempt">0 for the first attempt, then 1, 2, ... for retries.</param>
public sealed record InvokeTask(long InvocationId, string StateName, string Resource, JsonNode? Input, int Attempt) : ExecutionCommand;

/// <summary>Answer with <see cref="TimerFired"/> at <paramref name="DueTime"/>.</summary>
/// <param name="TimerId">Correlates the answer.</param>
/// <param name="DueTime">When the timer is due.</param>
/// <param name="Purpose">Why: <c>Wait</c>, <c>Retry</c>, <c>TaskTimeout</c>, <c>HeartbeatTimeout</c> or <c>ExecutionTimeout</c>.</param>
public sealed record StartTimer(long TimerId, DateTimeOffset DueTime, string Purpose) : ExecutionCommand;

/// <summary>Run a Parallel branch or Map iteration (with <see cref="StateMachineInterpreter.StartIteration"/>); answer with <see cref="IterationSucceeded"/> or <see cref="IterationFailed"/>.</summary>
/// <param name="IterationId">Correlates the answer.</param>
/// <param name="StateName">The Parallel or Map state.</param>
/// <param name="Index">The branch or item index.</param>
/// <param name="Input">The iteration's input.</param>
public sealed record StartIteration(long IterationId, string StateName, int Index, JsonNode? Input) : ExecutionCommand
{
    internal StateScope Scope { get; init; } = null!;

    internal ExecutionInfo Info { get; init; } = null!;

    internal ImmutableDictionary<string, JsonNode?> Variables { get; init; } = ImmutableDictionary<string, JsonNode?>.Empty;
}

/// <summary>Stop an iteration whose result no longer matters (a sibling failed); no answer is expected.</summary>
/// <param name="IterationId">The iteration to stop.</param>
public sealed record StopIteration(long IterationId) : ExecutionCommand;

/// <summary>The execution (or branch, or iteration) is over.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="Output">The output when it succeeded.</param>
/// <param name="Error">The error when it did not.</param>
/// <param name="Cause">The cause when it did not.</param>
public sealed record CompleteExecution(ExecutionStatus Status, JsonNode? Output, string? Error, string? Cause) : ExecutionCommand;

/// <summary>One entry of the execution history, named as in Step Functions (<c>PassStateEntered</c>, <c>TaskScheduled</c>, ...).</summary>
/// <param name="Type">The Step Functions event type.</param>
/// <param name="Timestamp">When it happened.</param>
/// <param name="StateName">The state it concerns, if any.</param>
/// <param name="Input">The input recorded with it, if any.</param>
/// <param name="Output">The output recorded with it, if any.</param>
/// <param name="Error">The error, for failures.</param>
/// <param name="Cause">The cause, for failures.</param>
/// <param name="Detail">Resource, index or other detail, if any.</param>
public sealed record HistoryEvent(
    string Type,
    DateTimeOffset Timestamp,
    string? StateName = null,
    JsonNode? Input = null,
    JsonNode? Output = null,
    string? Error = null,
    string? Cause = null,
    string? Detail = null);

/// <summary>The interpreter's answer to one event: the new state, what to do, and what happened.</summary>
/// <param name="State">The state to pass to the next <see cref="StateMachineInterpreter.Advance"/>.</param>
/// <param name="Commands">Commands for the runtime, in order.</param>
/// <param name="History">History events produced by this step (empty when history is off).</param>
public readonly record struct Step(ExecutionState State, IReadOnlyList<ExecutionCommand> Commands, IReadOnlyList<HistoryEvent> History);

/// <summary>The identity of an execution, shared by its branches and iterations (the <c>$$.Execution</c> part).</summary>
internal sealed record ExecutionInfo(JsonNode? Input, string ExecutionArn, string ExecutionName, string StateMachineArn, string StateMachineName, string RoleArn, string StartTime);
