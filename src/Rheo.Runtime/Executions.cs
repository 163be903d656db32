using Rheo.Core;
using Rheo.Runtime.Storage;

namespace Rheo.Runtime;

/// <summary>Where an output partition stands (the guide's poll).</summary>
public enum PollStatus
{
    /// <summary>No execution was ever accepted for it.</summary>
    NeverAttempted,

    /// <summary>An execution is pending or running.</summary>
    Running,

    /// <summary>The newest execution succeeded; the output path is set.</summary>
    Succeeded,

    /// <summary>The newest execution failed or was killed; the compute records say why.</summary>
    Failed,

    /// <summary>A graph operation reset the partition and it has not run since (see <see cref="Storage.ExecutionStatus.Reset"/>).</summary>
    Reset,

    /// <summary>No execution yet, but a pending trigger group for it exists; <see cref="PollResult.Reason"/> says what it waits for (or that an upstream failed).</summary>
    Waiting,

    /// <summary>The newest execution succeeded but its output is gone (no completion marker): the partition is not there; execute it again (backfill re-runs it).</summary>
    Lost,
}

/// <summary>The answer of <see cref="Application.PollAsync"/>.</summary>
/// <param name="Status">Where the partition stands.</param>
/// <param name="OutputPath">The output folder, when it succeeded.</param>
/// <param name="Execution">The newest execution, if any.</param>
/// <param name="ComputeRecords">Its compute records.</param>
/// <param name="Reason">For <see cref="PollStatus.Waiting"/> what the group waits for, for <see cref="PollStatus.Lost"/> where the output was; null otherwise.</param>
public sealed record PollResult(PollStatus Status, string? OutputPath, ExecutionRecord? Execution, IReadOnlyList<ComputeRecord> ComputeRecords, string? Reason = null);

/// <summary>Thrown by a waiting execute when the execution (or one it needed) failed or was killed.</summary>
public sealed class ExecutionFailedException : RheoException
{
    /// <summary>Creates the exception.</summary>
    public ExecutionFailedException(string message, ExecutionRecord execution, IReadOnlyList<ComputeRecord> computeRecords, Exception? innerException = null)
        : base(message, innerException)
    {
        Execution = execution;
        ComputeRecords = computeRecords;
    }

    /// <summary>The execution that failed.</summary>
    public ExecutionRecord Execution { get; }

    /// <summary>Its compute records.</summary>
    public IReadOnlyList<ComputeRecord> ComputeRecords { get; }
}

/// <summary>An input partition an execution needs that is not there.</summary>
/// <param name="Input">The input's name (alias or node id).</param>
/// <param name="NodeId">The node the input consumes.</param>
/// <param name="Partition">The partition's rendered values.</param>
/// <param name="Reason">Why it is not there, in words (the path looked at, or the timer's schedule).</param>
public sealed record MissingInput(string Input, string NodeId, IReadOnlyList<string> Partition, string Reason);

/// <summary>Thrown by execute (and backfill) when inputs the execution needs are missing; nothing was started.</summary>
/// <remarks>Pass <c>force: true</c> to run anyway, as with RheocerOS's <c>integrity_check=False</c>.</remarks>
public sealed class MissingInputsException : RheoException
{
    /// <summary>Creates the exception.</summary>
    public MissingInputsException(string message, string nodeId, IReadOnlyList<string> output, IReadOnlyList<MissingInput> missing)
        : base(message)
    {
        NodeId = nodeId;
        Output = output;
        Missing = missing;
    }

    /// <summary>The node that was to run.</summary>
    public string NodeId { get; }

    /// <summary>The output partition that was to be produced.</summary>
    public IReadOnlyList<string> Output { get; }

    /// <summary>Every missing input partition.</summary>
    public IReadOnlyList<MissingInput> Missing { get; }
}

/// <summary>The process that runs an application's engine.</summary>
/// <param name="ProcessId">Its process id.</param>
/// <param name="Since">When its engine started.</param>
/// <param name="IsThisProcess">Whether it is the calling process.</param>
public sealed record EngineInfo(int ProcessId, DateTimeOffset Since, bool IsThisProcess);

/// <summary>A pending trigger group in words: what it has and what it waits for.</summary>
/// <param name="GroupId">The group.</param>
/// <param name="CreatedAt">When it was opened.</param>
/// <param name="Received">The input partitions it has, as <c>node[values]</c>.</param>
/// <param name="WaitingFor">What it waits for (<c>waiting for ...</c>, <c>blocked: upstream failed: ...</c>); empty when it is about to run.</param>
public sealed record WaitingGroup(long GroupId, DateTimeOffset CreatedAt, IReadOnlyList<string> Received, IReadOnlyList<string> WaitingFor);

/// <summary>Where a data node's partitions stand, each partition counted once by its latest execution.</summary>
/// <param name="NodeId">The node.</param>
/// <param name="Succeeded">Partitions whose latest execution succeeded and whose output is there.</param>
/// <param name="Failed">Partitions whose latest execution failed or was killed, newest first.</param>
/// <param name="Running">Partitions with a pending or running execution.</param>
/// <param name="Lost">Partitions whose latest execution succeeded but whose output is gone (no completion marker).</param>
/// <param name="PendingGroups">Pending trigger groups (partitions waiting for inputs).</param>
/// <param name="Executions">Executions of the node in all (a re-run partition has several).</param>
public sealed record NodeStatus(string NodeId, int Succeeded, IReadOnlyList<ExecutionRecord> Failed, IReadOnlyList<ExecutionRecord> Running, IReadOnlyList<ExecutionRecord> Lost, int PendingGroups, int Executions);
