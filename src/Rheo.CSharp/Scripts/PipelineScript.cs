using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rheo.Core.Signals;
using Rheo.Runtime;

namespace Rheo.CSharp.Scripts;

/// <summary>
/// A pipeline defined in a C# script (<c>.csx</c>) that builds applications with the normal API. It is compiled once
/// and the assembly is cached by a hash of the script text and of the Rheo assemblies it binds to.
/// </summary>
/// <remarks>
/// A cached script loads without Roslyn. Compile errors are data (<see cref="Diagnostics"/>), never thrown, and a
/// script that does not compile cannot run, so nothing is activated. Files a script pulls in with <c>#load</c> are
/// not part of the hash.
/// </remarks>
public sealed class PipelineScript
{
    private const string RecordFile = PipelineAssembly.RecordFile;
    private readonly Assembly? _assembly;

    private PipelineScript(string path, string hash, Assembly? assembly, bool fromCache, TimeSpan loadTime, IReadOnlyList<ScriptDiagnostic> diagnostics)
    {
        Path = path;
        Hash = hash;
        _assembly = assembly;
        FromCache = fromCache;
        LoadTime = loadTime;
        Diagnostics = diagnostics;
    }

    /// <summary>The script file (full path).</summary>
    public string Path { get; }

    /// <summary>The cache key: a hash of the script text and the Rheo assemblies.</summary>
    public string Hash { get; }

    /// <summary>Whether the compiled assembly came from the cache (no compilation).</summary>
    public bool FromCache { get; }

    /// <summary>How long compiling (or loading the cached assembly) took.</summary>
    public TimeSpan LoadTime { get; }

    /// <summary>Every error and warning of the compilation, with file, line and column (empty from the cache).</summary>
    public IReadOnlyList<ScriptDiagnostic> Diagnostics { get; }

    /// <summary>Whether the script compiled and can run.</summary>
    public bool Succeeded => _assembly is not null;

    /// <summary>The default cache folder of a store root.</summary>
    public static string CacheDirectoryOf(string root) => System.IO.Path.Combine(System.IO.Path.GetFullPath(root), ".cache", "scripts");

    /// <summary>Compiles a script, or loads its cached assembly when the script and the Rheo assemblies did not change.</summary>
    /// <exception cref="FileNotFoundException">The script does not exist.</exception>
    public static async Task<PipelineScript> LoadAsync(string path, string cacheDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentException.ThrowIfNullOrWhiteSpace(cacheDirectory);
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"The pipeline script '{path}' does not exist.", full);
        }

        var watch = Stopwatch.StartNew();
        var text = await File.ReadAllTextAsync(full, cancellationToken).ConfigureAwait(false);
        var hash = HashOf(full, text);
        var cached = System.IO.Path.Combine(cacheDirectory, hash + ".dll");
        if (File.Exists(cached))
        {
            var assembly = Assembly.Load(await File.ReadAllBytesAsync(cached, cancellationToken).ConfigureAwait(false));
            return new PipelineScript(full, hash, assembly, fromCache: true, watch.Elapsed, []);
        }

        var (image, diagnostics) = Compile(text, full);
        if (image is null)
        {
            return new PipelineScript(full, hash, null, fromCache: false, watch.Elapsed, diagnostics);
        }

        Directory.CreateDirectory(cacheDirectory);
        var temporary = cached + "." + Environment.ProcessId + ".tmp";
        await File.WriteAllBytesAsync(temporary, image, cancellationToken).ConfigureAwait(false);
        File.Move(temporary, cached, overwrite: true);
        return new PipelineScript(full, hash, Assembly.Load(image), fromCache: false, watch.Elapsed, diagnostics);
    }

    /// <summary>Runs the script: it defines nodes on the applications it creates through <paramref name="globals"/>.</summary>
    /// <returns>The applications the script created, in order (the caller activates and disposes them).</returns>
    /// <exception cref="InvalidOperationException">The script did not compile, or it created no application.</exception>
    /// <remarks>An exception thrown by the script (an invalid route, say) propagates as it was thrown, after the applications it created are disposed.</remarks>
    public async Task<IReadOnlyList<Application>> RunAsync(PipelineGlobals globals, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(globals);
        var assembly = _assembly ?? throw new InvalidOperationException($"The pipeline script '{Path}' did not compile; fix its errors first.");
        cancellationToken.ThrowIfCancellationRequested();

        // The submission class and its factory are how Roslyn's own script runner starts a compiled script:
        // slot 0 of the submission array holds the globals, slot 1 the submission itself.
        var factory = assembly.GetType("Submission#0")?.GetMethod("<Factory>", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new InvalidOperationException($"The compiled script '{Path}' has no entry point; delete {System.IO.Path.GetDirectoryName(assembly.Location)} and run again.");
        try
        {
            var task = (Task)factory.Invoke(null, [new object?[] { globals, null }])!;
            await task.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await DisposeAllAsync(globals.Applications).ConfigureAwait(false);
            if (e is TargetInvocationException { InnerException: { } inner })
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(inner).Throw();
            }

            throw;
        }

        if (globals.Applications.Count == 0)
        {
            throw new InvalidOperationException($"The pipeline script '{Path}' created no application; call CreateApplication(\"name\") in it and define nodes on the result.");
        }

        return globals.Applications;
    }

    /// <summary>Records beside an application which compiled script defined it, so a later process can load the script's types (hooks, compute classes) with <see cref="LoadRecorded"/>.</summary>
    public void RecordFor(Application application)
    {
        ArgumentNullException.ThrowIfNull(application);
        Directory.CreateDirectory(application.Root);
        var record = new JsonObject { ["script"] = Path, ["hash"] = Hash };
        File.WriteAllText(System.IO.Path.Combine(application.Root, RecordFile), record.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Loads the cached assembly of the script that defined an application (see <see cref="RecordFor"/>), without Roslyn.</summary>
    /// <param name="applicationRoot">The application's folder (<see cref="Application.Root"/>).</param>
    /// <param name="cacheDirectory">The script cache.</param>
    /// <returns>The script path when its assembly was loaded (or the path of the compiled pipeline assembly that defined it); null when neither is there.</returns>
    public static string? LoadRecorded(string applicationRoot, string cacheDirectory)
    {
        if (PipelineAssembly.LoadRecorded(applicationRoot) is { } assembly)
        {
            return assembly;
        }

        var file = System.IO.Path.Combine(applicationRoot, RecordFile);
        if (!File.Exists(file) || JsonNode.Parse(File.ReadAllText(file)) is not JsonObject record || (string?)record["hash"] is not { } hash)
        {
            return null;
        }

        var cached = System.IO.Path.Combine(cacheDirectory, hash + ".dll");
        if (!File.Exists(cached))
        {
            return null;
        }

        _ = Assembly.Load(File.ReadAllBytes(cached));
        return (string?)record["script"];
    }

    private static async Task DisposeAllAsync(IReadOnlyList<Application> applications)
    {
        foreach (var application in applications)
        {
            await application.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static string HashOf(string path, string text)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes("rheo-pipeline-script-1\n" + path + "\n"));
        foreach (var assembly in new[] { typeof(Application).Assembly, typeof(Signal).Assembly, typeof(PipelineScript).Assembly })
        {
            hash.AppendData(assembly.ManifestModule.ModuleVersionId.ToByteArray());
        }

        hash.AppendData(Encoding.UTF8.GetBytes(text));
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..32];
    }

    // Kept out of LoadAsync so that loading from the cache never JIT-compiles a method that names Roslyn types.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (byte[]? Image, IReadOnlyList<ScriptDiagnostic> Diagnostics) Compile(string text, string path) => ScriptCompiler.Compile(text, path);
}
