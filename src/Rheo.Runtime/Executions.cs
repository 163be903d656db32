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
}

/// <summary>The answer of <see cref="Application.PollAsync"/>.</summary>
/// <param name="Status">Where the partition stands.</param>
/// <param name="OutputPath">The output folder, when it succeeded.</param>
/// <param name="Execution">The newest execution, if any.</param>
/// <param name="ComputeRecords">Its compute records.</param>
public sealed record PollResult(PollStatus Status, string? OutputPath, ExecutionRecord? Execution, IReadOnlyList<ComputeRecord> ComputeRecords);

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
