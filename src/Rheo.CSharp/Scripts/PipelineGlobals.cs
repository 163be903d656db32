using Rheo.Runtime;

namespace Rheo.CSharp.Scripts;

/// <summary>What a pipeline script (<c>.csx</c>) sees in scope: where the store is, its own folder, its arguments, and <see cref="CreateApplication"/>.</summary>
/// <remarks>Public because the compiled script binds to its members.</remarks>
public sealed class PipelineGlobals
{
    private readonly List<Application> _applications = [];
    private readonly List<Func<Application, CancellationToken, Task>> _onRun = [];
    private readonly ApplicationOptions? _options;

    /// <summary>Creates the globals of one run of a script.</summary>
    /// <param name="root">The store root applications are created in.</param>
    /// <param name="scriptPath">The script file.</param>
    /// <param name="args">Arguments for the script.</param>
    /// <param name="options">Options of the applications the script creates.</param>
    public PipelineGlobals(string root, string scriptPath, IReadOnlyList<string>? args = null, ApplicationOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        ArgumentException.ThrowIfNullOrWhiteSpace(scriptPath);
        Root = Path.GetFullPath(root);
        ScriptDirectory = Path.GetDirectoryName(Path.GetFullPath(scriptPath))!;
        Args = args ?? [];
        _options = options;
    }

    /// <summary>The store root (the command line's <c>--root</c>).</summary>
    public string Root { get; }

    /// <summary>The folder of the script, for data shipped beside it.</summary>
    public string ScriptDirectory { get; }

    /// <summary>Arguments given after the script.</summary>
    public IReadOnlyList<string> Args { get; }

    /// <summary>The applications the script created, in order.</summary>
    public IReadOnlyList<Application> Applications => _applications;

    /// <summary>What <see cref="OnRun"/> registered, in order.</summary>
    public IReadOnlyList<Func<Application, CancellationToken, Task>> RunActions => _onRun;

    /// <summary>Registers work for <c>rheo run</c> to do once the applications are active, e.g. announcing data that already landed; <c>rheo activate</c> does not run it.</summary>
    /// <remarks>The action gets each application the script created, in order.</remarks>
    public void OnRun(Func<Application, CancellationToken, Task> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        _onRun.Add(action);
    }

    /// <summary>Creates or opens an application in the store at <see cref="Root"/>; the caller activates and runs it after the script ends.</summary>
    public Application CreateApplication(string name)
    {
        var application = Application.Local(name, Root, _options);
        _applications.Add(application);
        return application;
    }
}
