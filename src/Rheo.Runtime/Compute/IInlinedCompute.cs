using Rheo.Core;

namespace Rheo.Runtime.Compute;

/// <summary>Compute code run in-process for each execution of a node (the guide's inlined compute).</summary>
/// <remarks>A new instance runs each attempt. Throw <see cref="RetryableComputeException"/> to be retried without counting against the retry count; any other exception fails the attempt.</remarks>
public interface IInlinedCompute
{
    /// <summary>Produces the output partition from the materialized inputs.</summary>
    Task ComputeAsync(ComputeContext context, CancellationToken cancellationToken);
}

/// <summary>What a compute target gets: the materialized inputs, the materialized output and the params.</summary>
/// <param name="Application">The application name.</param>
/// <param name="ExecutionId">The execution.</param>
/// <param name="Attempt">The attempt of this target, from 1.</param>
/// <param name="Inputs">The inputs in route order (the guide's <c>input0..N</c>).</param>
/// <param name="Output">The output partition to produce.</param>
/// <param name="Params">The params map: <c>dimensions</c> (output dimension name → rendered value), <c>runtime_platform</c>, <c>application</c>, <c>execution_id</c>, and the node's metadata.</param>
public sealed record ComputeContext(string Application, long ExecutionId, int Attempt, IReadOnlyList<ComputeInput> Inputs, ComputeOutput Output, IReadOnlyDictionary<string, object?> Params)
{
    /// <summary>The output dimension values by name.</summary>
    public IReadOnlyDictionary<string, string> Dimensions => Output.Dimensions;

    /// <summary>A name for this attempt, unique in the store: <c>{application}-{execution id}-{attempt}</c> (the execution name of state machine and job map targets).</summary>
    public string AttemptName => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Application}-{ExecutionId}-{Attempt}");

    /// <summary>The application store's state data (large items kept out of payloads); null outside an engine.</summary>
    public States.StateDataStore? StateData { get; init; }

    /// <summary>An input by its name (alias, or node id when it has none).</summary>
    /// <exception cref="KeyNotFoundException">No input has that name; the message lists the names.</exception>
    public ComputeInput this[string name] => Inputs.FirstOrDefault(i => i.Name == name)
        ?? throw new KeyNotFoundException($"No input is named '{name}'; the inputs are: {string.Join(", ", Inputs.Select(i => i.Name))}.");
}

/// <summary>A materialized input of an execution.</summary>
/// <param name="Name">The alias, or the node id.</param>
/// <param name="NodeId">The upstream node.</param>
/// <param name="Partitions">The rendered partitions, TIP first (one for a plain input, several for a range).</param>
/// <param name="Paths">The folder of each partition, TIP first (data nodes and local datasets; a timer's is its rendered value).</param>
/// <param name="IsReference">Whether the input is a reference (it did not trigger the execution).</param>
public sealed record ComputeInput(string Name, string NodeId, IReadOnlyList<IReadOnlyList<string>> Partitions, IReadOnlyList<string> Paths, bool IsReference)
{
    /// <summary>The TIP partition's folder.</summary>
    public string Path => Paths[0];
}

/// <summary>The output partition of an execution.</summary>
/// <param name="NodeId">The node.</param>
/// <param name="Path">The folder to write into; it is emptied before the first target runs and gets the completion marker after the last.</param>
/// <param name="Dimensions">The output dimension values by name.</param>
public sealed record ComputeOutput(string NodeId, string Path, IReadOnlyDictionary<string, string> Dimensions);

/// <summary>Thrown by compute code for a failure that may pass (a busy resource): the attempt is retried with backoff without counting against the retry count.</summary>
public sealed class RetryableComputeException : RheoException
{
    /// <summary>Creates the exception.</summary>
    public RetryableComputeException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <inheritdoc />
    public override bool IsTransient => true;
}
