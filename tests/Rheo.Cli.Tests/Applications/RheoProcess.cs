using System.Diagnostics;

namespace Rheo.Cli.Tests.Applications;

/// <summary>Runs the built rheo command as a child process, the way a user does, against one temporary store.</summary>
internal sealed class RheoProcess : IDisposable
{
    private static readonly Lazy<string> Repository = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Rheo.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Rheo.slnx) is not above " + AppContext.BaseDirectory);
    });

    private readonly TempFolder _work = new();

    public RheoProcess(string? cacheFrom = null)
    {
        Root = Path.Combine(Work, ".rheo");
        if (cacheFrom is not null)
        {
            // Reusing the compiled sample keeps each test from paying Roslyn's cold compile again.
            CopyDirectory(cacheFrom, Path.Combine(Root, ".cache", "scripts"));
        }
    }

    public string Work => _work.Path;

    public string Root { get; }

    public static string Sample => Path.Combine(Repository.Value, "samples", "DailySales", "pipeline.csx");

    /// <summary>The rheo assembly built beside this test assembly's configuration (the test project references the CLI project).</summary>
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "Rheo.Cli.dll");

    public string Write(string name, string text) => _work.Write(name, text);

    public Process Start(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Work };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.ArgumentList.Add("--root");
        info.ArgumentList.Add(Root);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return Process.Start(info)!;
    }

    public async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) => await RunAsync(null, args);

    public async Task<(int Exit, string Output, string Error)> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var process = Start(environment, args);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    public void Dispose() => _work.Dispose();

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}

/// <summary>Compiles the sample once for the test class and keeps the compiled image for each test's store.</summary>
public sealed class CompiledSample : IDisposable
{
    private readonly RheoProcess _process = new();

    public CompiledSample()
    {
        var (exit, _, error) = _process.RunAsync("activate", RheoProcess.Sample).GetAwaiter().GetResult();
        Assert.True(exit == 0, error);
        Cache = Path.Combine(_process.Root, ".cache", "scripts");
    }

    public string Cache { get; }

    public void Dispose() => _process.Dispose();
}
