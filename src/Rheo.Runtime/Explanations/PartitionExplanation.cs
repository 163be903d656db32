namespace Rheo.Runtime.Explanations;

/// <summary>Where a partition stands in an explanation.</summary>
public enum ExplanationState
{
    /// <summary>It is there (its output or data is complete, or the timer fires for it).</summary>
    There,

    /// <summary>It is being computed.</summary>
    Running,

    /// <summary>Its latest execution failed or was killed.</summary>
    Failed,

    /// <summary>It is not there; its inputs say why.</summary>
    Missing,

    /// <summary>It is not there, but every input it needs is: an execute runs it.</summary>
    CanRun,

    /// <summary>It can never be produced as asked (a timer that never fires for it, inputs that cannot be inferred).</summary>
    CannotRun,
}

/// <summary>Why a partition is where it stands, with the input partitions behind it (see <see cref="Application.ExplainAsync"/>).</summary>
/// <param name="NodeId">The node.</param>
/// <param name="Partition">The partition's rendered values.</param>
/// <param name="State">Where it stands.</param>
/// <param name="Detail">In words: the execution, path or reason.</param>
/// <param name="Inputs">For a partition that is not there: each input partition it needs that is missing (walked further upstream), and one entry per input summarizing those that are there.</param>
/// <param name="Flags">How the consuming node reads it (<c>range check</c>, <c>reference</c>, <c>range</c>), empty for the root.</param>
public sealed record PartitionExplanation(string NodeId, IReadOnlyList<string> Partition, ExplanationState State, string Detail, IReadOnlyList<PartitionExplanation> Inputs, string Flags = "");
