using Rheo.Runtime.Compute;

namespace Rheo.CSharp.Compute;

/// <summary>What C# compute code given as text sees in scope: the inputs, the output, the dimensions and the params of the execution.</summary>
/// <remarks>Public because the compiled code binds to its members; user code never creates it.</remarks>
public sealed class ComputeGlobals
{
    internal ComputeGlobals(ComputeContext context, CancellationToken cancellationToken)
    {
        Context = context;
        CancellationToken = cancellationToken;
    }

    /// <summary>The whole context of the attempt.</summary>
    public ComputeContext Context { get; }

    /// <summary>The inputs in route order (the guide's <c>input0..N</c>).</summary>
    public IReadOnlyList<ComputeInput> Inputs => Context.Inputs;

    /// <summary>The output partition to produce; write files into <c>Output.Path</c>.</summary>
    public ComputeOutput Output => Context.Output;

    /// <summary>The output dimension values by name (the guide's <c>dimensions</c>).</summary>
    public IReadOnlyDictionary<string, string> Dimensions => Context.Dimensions;

    /// <summary>The params map (<c>dimensions</c>, <c>runtime_platform</c>, <c>application</c>, <c>execution_id</c>, the node's metadata).</summary>
    public IReadOnlyDictionary<string, object?> Params => Context.Params;

    /// <summary>Cancelled when the execution is killed or the processor stops.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>An input by its alias or node id.</summary>
    /// <exception cref="KeyNotFoundException">No input has that name; the message lists the names.</exception>
    public ComputeInput Input(string name) => Context[name];
}
