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

    /// <summary>
    /// Runs an Amazon States Language state machine on the Rheo.States interpreter. Its input is the execution as JSON
    /// (inputs by name with their paths and partitions, the output path, the dimensions and params); the execution
    /// fails when the machine does not succeed, and a machine's non-null output is written to the partition as
    /// <c>output.json</c>.
    /// </summary>
    /// <typeparam name="TTasks">Registers the handlers of the machine's Task states; a new instance serves each attempt.</typeparam>
    /// <param name="definitionJson">The ASL definition; it is validated now.</param>
    /// <param name="retryCount">Retries after the machine fails (on top of the machine's own Retry fields).</param>
    /// <param name="name">The state machine name in the context object (default: the node id).</param>
    /// <exception cref="ArgumentException">The definition is not valid ASL; the message lists every diagnostic.</exception>
    public static ComputeTarget StateMachine<TTasks>(string definitionJson, int retryCount = 0, string? name = null)
        where TTasks : States.IStateMachineTasks, new() => StateMachineComputeTarget.Create(definitionJson, TypeNames.Of(typeof(TTasks)), retryCount, name);

    /// <summary>Runs a state machine whose Task states need no .NET handlers (Pass, Choice, Wait, Map of those, ...).</summary>
    /// <inheritdoc cref="StateMachine{TTasks}(string, int, string?)"/>
    public static ComputeTarget StateMachine(string definitionJson, int retryCount = 0, string? name = null) =>
        StateMachineComputeTarget.Create(definitionJson, null, retryCount, name);

    /// <summary>
    /// Runs a JSON job map with the tasks of the given assemblies. Every dictionary of the map's datasource gets the
    /// key <c>rheo</c> holding the execution as JSON (as a state machine target's input), so the tasks see the
    /// inputs' paths, the output path and the dimensions; each output's dictionaries are written to the partition as
    /// <c>&lt;output name&gt;.jsonl</c>. The execution fails when the job does not succeed.
    /// </summary>
    /// <param name="mapJson">The job map; it is validated now against the tasks of <paramref name="taskAssemblies"/>.</param>
    /// <param name="taskAssemblies">The assemblies whose <c>[JobTask]</c> classes the map names; persisted by name and loaded again in a later process.</param>
    /// <param name="retryCount">Retries after the job fails.</param>
    /// <exception cref="ArgumentException">The map is invalid; the message lists every diagnostic with its JSON path.</exception>
    public static ComputeTarget JobMap(string mapJson, IEnumerable<System.Reflection.Assembly> taskAssemblies, int retryCount = 0)
    {
        ArgumentNullException.ThrowIfNull(taskAssemblies);
        return JobMapComputeTarget.Create(mapJson, [.. taskAssemblies.Select(a => a.GetName().Name!).Distinct(StringComparer.Ordinal)], retryCount);
    }

    /// <summary>Runs C# code given as text, compiled with Roslyn; the code is persisted with the topology, so an attached application runs it without the program that defined it.</summary>
    /// <param name="code">Script statements with <c>Inputs</c>, <c>Output</c>, <c>Dimensions</c>, <c>Params</c>, <c>Context</c> and <c>CancellationToken</c> in scope, and <c>Input("name")</c> for an input by name; <c>await</c> is allowed.</param>
    /// <param name="retryCount">Retries after a failure.</param>
    /// <remarks>The compiler lives in the <c>Rheo.CSharp</c> assembly, found at run time; activation compiles the code and reports its errors with line and column.</remarks>
    public static ComputeTarget CSharp(string code, int retryCount = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        return new CSharpComputeTarget(code, retryCount);
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

/// <summary>An Amazon States Language state machine run on the Rheo.States interpreter.</summary>
/// <param name="Name">The state machine name in the context object; null for the node id.</param>
/// <param name="Definition">The ASL definition.</param>
/// <param name="TasksTypeName">The <see cref="States.IStateMachineTasks"/> type that registers Task handlers, or null.</param>
/// <param name="RetryCount">Retries after the machine fails.</param>
public sealed record StateMachineComputeTarget(string? Name, string Definition, string? TasksTypeName, int RetryCount) : ComputeTarget(RetryCount)
{
    /// <inheritdoc />
    public override string Describe() => "state machine " + (Name ?? "(node)");

    internal static StateMachineComputeTarget Create(string definitionJson, string? tasksTypeName, int retryCount, string? name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(definitionJson);
        ArgumentOutOfRangeException.ThrowIfNegative(retryCount);
        if (!Rheo.States.StateMachineDefinition.TryParse(definitionJson, out _, out var diagnostics))
        {
            throw new ArgumentException($"The state machine definition is invalid:{Environment.NewLine}{string.Join(Environment.NewLine, diagnostics)}", nameof(definitionJson));
        }

        return new StateMachineComputeTarget(name, definitionJson, tasksTypeName, retryCount);
    }
}

/// <summary>A JSON job map run with the tasks of named assemblies.</summary>
/// <param name="Map">The job map JSON.</param>
/// <param name="TaskAssemblies">The names of the assemblies whose <c>[JobTask]</c> classes the map names.</param>
/// <param name="RetryCount">Retries after the job fails.</param>
public sealed record JobMapComputeTarget(string Map, IReadOnlyList<string> TaskAssemblies, int RetryCount) : ComputeTarget(RetryCount)
{
    /// <inheritdoc />
    public override string Describe() => "job map";

    internal static JobMapComputeTarget Create(string mapJson, IReadOnlyList<string> taskAssemblies, int retryCount)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mapJson);
        ArgumentOutOfRangeException.ThrowIfNegative(retryCount);
        var target = new JobMapComputeTarget(mapJson, taskAssemblies, retryCount);
        _ = Jobs.JobMapTarget.Parse(target);
        return target;
    }
}

/// <summary>A target that failed in a way it described itself (exit code, state machine status); the message is the compute record's error.</summary>
internal sealed class ComputeTargetFailedException(string message, string logPath) : Exception(message)
{
    public string LogPath { get; } = logPath;
}

/// <summary>C# code as text, compiled with Roslyn when first run in a process.</summary>
/// <param name="Code">The script statements.</param>
/// <param name="RetryCount">Retries after a failure.</param>
public sealed record CSharpComputeTarget(string Code, int RetryCount) : ComputeTarget(RetryCount)
{
    /// <inheritdoc />
    public override string Describe() => "csharp " + CSharpCompute.ShortHash(Code);
}
