using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rheo.Runtime;

/// <summary>
/// A pipeline compiled into an assembly, the counterpart of a <c>.csx</c> script: <c>rheo activate
/// MyPipelines.dll</c> creates every public class implementing it (it needs a public parameterless constructor),
/// calls <see cref="Define"/>, then activates the applications it created.
/// </summary>
public interface IPipeline
{
    /// <summary>Defines the pipeline's applications with <see cref="PipelineContext.CreateApplication"/> and the normal API.</summary>
    void Define(PipelineContext pipeline);
}

/// <summary>What a pipeline definition (a script or an <see cref="IPipeline"/>) gets: the store root chosen by the host, its arguments, and <see cref="CreateApplication"/>.</summary>
/// <remarks>Not thread-safe: a pipeline is defined on one thread.</remarks>
public class PipelineContext
{
    private readonly List<Application> _applications = [];
    private readonly List<Func<Application, CancellationToken, Task>> _onRun = [];
    private readonly ApplicationOptions? _options;

    /// <summary>Creates the context of one definition run.</summary>
    /// <param name="root">The store root applications are created in.</param>
    /// <param name="args">Arguments for the pipeline.</param>
    /// <param name="options">Options of the applications the pipeline creates.</param>
    public PipelineContext(string root, IReadOnlyList<string>? args = null, ApplicationOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
        Args = args ?? [];
        _options = options;
    }

    /// <summary>The store root (the command line's <c>--root</c>).</summary>
    public string Root { get; }

    /// <summary>Arguments given to the pipeline.</summary>
    public IReadOnlyList<string> Args { get; }

    /// <summary>The applications the pipeline created, in order.</summary>
    public IReadOnlyList<Application> Applications => _applications;

    /// <summary>What <see cref="OnRun"/> registered, in order.</summary>
    public IReadOnlyList<Func<Application, CancellationToken, Task>> RunActions => _onRun;

    /// <summary>Registers work for <c>rheo run</c> to do once the applications are active, e.g. announcing data that already landed; <c>rheo activate</c> does not run it.</summary>
    /// <remarks>The action gets each application the pipeline created, in order.</remarks>
    public void OnRun(Func<Application, CancellationToken, Task> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        _onRun.Add(action);
    }

    /// <summary>Creates or opens an application in the store at <see cref="Root"/>; the host activates and runs it after the definition ends.</summary>
    public Application CreateApplication(string name)
    {
        var application = Application.Local(name, Root, _options);
        _applications.Add(application);
        return application;
    }
}

/// <summary>Loads <see cref="IPipeline"/> assemblies and records, beside an application, which one defined it, so a later process loads the same types.</summary>
public static class PipelineAssembly
{
    /// <summary>The file beside an application (<c>&lt;root&gt;/&lt;app&gt;/pipeline.json</c>) naming what defined it.</summary>
    public const string RecordFile = "pipeline.json";

    /// <summary>Loads the assembly and creates its pipelines.</summary>
    /// <exception cref="ArgumentException">The file is not a loadable assembly, or it has no public <see cref="IPipeline"/> class with a parameterless constructor.</exception>
    public static IReadOnlyList<IPipeline> Load(string path)
    {
        var full = Path.GetFullPath(path);
        Assembly assembly;
        try
        {
            assembly = LoadAssembly(full);
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            throw new ArgumentException($"{full} is not a loadable .NET assembly: {e.Message}", nameof(path), e);
        }

        var types = assembly.GetExportedTypes().Where(t => typeof(IPipeline).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false }).ToList();
        if (types.Count == 0)
        {
            throw new ArgumentException($"{full} has no public class implementing {typeof(IPipeline).FullName}; add one whose Define creates the applications.", nameof(path));
        }

        return [.. types.Select(t => t.GetConstructor(Type.EmptyTypes) is null
            ? throw new ArgumentException($"The pipeline {t.FullName} in {full} needs a public parameterless constructor.", nameof(path))
            : (IPipeline)Activator.CreateInstance(t)!)];
    }

    /// <summary>Records that the assembly at <paramref name="path"/> defined <paramref name="application"/>.</summary>
    public static void RecordFor(Application application, string path)
    {
        ArgumentNullException.ThrowIfNull(application);
        Directory.CreateDirectory(application.Root);
        var record = new JsonObject { ["assembly"] = Path.GetFullPath(path) };
        File.WriteAllText(Path.Combine(application.Root, RecordFile), record.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Loads the assembly recorded beside an application, if an assembly (not a script) defined it and it still exists.</summary>
    /// <returns>The assembly's path when it was loaded; otherwise null.</returns>
    public static string? LoadRecorded(string applicationRoot)
    {
        var file = Path.Combine(applicationRoot, RecordFile);
        if (!File.Exists(file) || JsonNode.Parse(File.ReadAllText(file)) is not JsonObject record || (string?)record["assembly"] is not { } path || !File.Exists(path))
        {
            return null;
        }

        _ = LoadAssembly(path);
        return path;
    }

    // Once per process: an assembly already loaded (by name or path) is reused, so types resolve to one identity.
    private static Assembly LoadAssembly(string path)
    {
        var name = AssemblyName.GetAssemblyName(path);
        return AssemblyLoadContext.Default.Assemblies.FirstOrDefault(a => AssemblyName.ReferenceMatchesDefinition(a.GetName(), name))
            ?? AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
    }
}
