namespace Rheo.Runtime.Compute;

/// <summary>
/// One step of a node's work; an execution runs the node's targets in order and its output is complete when all
/// succeeded. Targets are data (type names, command lines), so a persisted topology reloads them.
/// </summary>
/// <param name="RetryCount">How many times a failed attempt is retried (with backoff) before the execution fails; a <see cref="RetryableComputeException"/> retries without counting.</param>
public abstract record ComputeTarget(int RetryCount)
{
    /// <summary>A target that does nothing and succeeds (for tests and for nodes that only join signals).</summary>
    public static ComputeTarget NoOp { get; } = new NoOpComputeTarget();

    /// <summary>Runs a class implementing <see cref="IInlinedCompute"/> in-process, referenced by type.</summary>
    /// <typeparam name="T">The compute class; it needs a public parameterless constructor and a new instance runs each attempt.</typeparam>
    public static ComputeTarget Inlined<T>(int retryCount = 0)
        where T : IInlinedCompute, new() => new InlinedComputeTarget(TypeNames.Of(typeof(T)), retryCount);

    /// <summary>Runs a command as a child process; input paths, output path and dimension values reach it as environment variables and argument placeholders.</summary>
    /// <param name="fileName">The program (on the PATH or a path).</param>
    /// <param name="arguments">Arguments; <c>{output}</c>, <c>{input:NAME}</c> (TIP path of an input), <c>{inputs:NAME}</c> (all paths, comma separated) and <c>{dim:NAME}</c> are replaced.</param>
    /// <param name="retryCount">Retries after a non-zero exit code.</param>
    /// <param name="environment">Extra environment variables.</param>
    /// <param name="timeout">Kills the process after this long (the attempt fails).</param>
    public static ComputeTarget Process(string fileName, IReadOnlyList<string>? arguments = null, int retryCount = 0, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        return new ProcessComputeTarget(fileName, arguments ?? [], environment ?? new Dictionary<string, string>(), timeout, retryCount);
    }

    /// <summary>A short description for compute records and logs.</summary>
    public abstract string Describe();
}

/// <summary>A target that succeeds without doing anything.</summary>
public sealed record NoOpComputeTarget() : ComputeTarget(0)
{
    /// <inheritdoc />
    public override string Describe() => "noop";
}

/// <summary>An in-process compute class, referenced by its type name (<c>Namespace.Type, Assembly</c>).</summary>
/// <param name="TypeName">The type implementing <see cref="IInlinedCompute"/>.</param>
/// <param name="RetryCount">Retries after a failure.</param>
public sealed record InlinedComputeTarget(string TypeName, int RetryCount) : ComputeTarget(RetryCount)
{
    /// <inheritdoc />
    public override string Describe() => "inlined " + TypeName;
}

/// <summary>A child process.</summary>
/// <param name="FileName">The program.</param>
/// <param name="Arguments">Its arguments, with placeholders.</param>
/// <param name="Environment">Extra environment variables.</param>
/// <param name="Timeout">Kills the process after this long.</param>
/// <param name="RetryCount">Retries after a non-zero exit code.</param>
public sealed record ProcessComputeTarget(string FileName, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment, TimeSpan? Timeout, int RetryCount) : ComputeTarget(RetryCount)
{
    /// <inheritdoc />
    public override string Describe() => "process " + FileName;
}
