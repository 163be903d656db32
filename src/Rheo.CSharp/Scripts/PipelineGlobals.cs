using Rheo.Runtime;

namespace Rheo.CSharp.Scripts;

/// <summary>What a pipeline script (<c>.csx</c>) sees in scope: the <see cref="PipelineContext"/> members (<c>Root</c>, <c>Args</c>, <c>CreateApplication</c>, <c>OnRun</c>) and its own folder.</summary>
/// <remarks>Public because the compiled script binds to its members.</remarks>
public sealed class PipelineGlobals : PipelineContext
{
    /// <summary>Creates the globals of one run of a script.</summary>
    /// <param name="root">The store root applications are created in.</param>
    /// <param name="scriptPath">The script file.</param>
    /// <param name="args">Arguments for the script.</param>
    /// <param name="options">Options of the applications the script creates.</param>
    public PipelineGlobals(string root, string scriptPath, IReadOnlyList<string>? args = null, ApplicationOptions? options = null)
        : base(root, args, options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scriptPath);
        ScriptDirectory = Path.GetDirectoryName(Path.GetFullPath(scriptPath))!;
    }

    /// <summary>The folder of the script, for data shipped beside it.</summary>
    public string ScriptDirectory { get; }
}
