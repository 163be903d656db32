using Rheo.CSharp.Scripts;
using Rheo.Runtime;

namespace Rheo.Cli.Applications;

/// <summary>An application opened for one command: found in the store by <c>--root</c> and <c>--app</c>.</summary>
internal sealed class Session : IAsyncDisposable
{
    private Session(Application application) => Application = application;

    public Application Application { get; }

    /// <summary>Opens the application.</summary>
    /// <param name="parse">The command line.</param>
    /// <param name="options">The shared options.</param>
    /// <param name="drive">Run the processor here (execute, backfill, kill, serve): the types of the script that defined the application are loaded first; otherwise only read (status, poll, logs).</param>
    /// <param name="cancellationToken">Stops opening.</param>
    public static async Task<Session> OpenAsync(System.CommandLine.ParseResult parse, AppOptions options, bool drive, CancellationToken cancellationToken)
    {
        var root = options.RootOf(parse);
        if (!File.Exists(Path.Combine(root, "rheo.db")))
        {
            throw new UsageException($"There is no Rheo store at {root}. Run `rheo run <pipeline.csx>` or `rheo activate <pipeline.csx>` first, or point --root at an existing store.");
        }

        var name = parse.GetValue(options.App) ?? OnlyApplication(root);
        if (drive)
        {
            // Hooks and compute classes defined in the script live in its compiled image; loading the cached image needs no Roslyn.
            _ = PipelineScript.LoadRecorded(Path.Combine(root, name), PipelineScript.CacheDirectoryOf(root));
        }

        var application = Application.Local(name, root, new ApplicationOptions { StartProcessor = drive });
        try
        {
            await application.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (application.ActiveNodes.Count == 0)
            {
                throw new UsageException($"Application '{name}' in {root} has not been activated{(parse.GetValue(options.App) is null ? string.Empty : " (or does not exist)")}; run `rheo activate <pipeline.csx>` first.");
            }
        }
        catch
        {
            await application.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new Session(application);
    }

    public ValueTask DisposeAsync() => Application.DisposeAsync();

    /// <summary>The applications of a store: folders under the root that an activation marked.</summary>
    public static IReadOnlyList<string> ApplicationsIn(string root) => !Directory.Exists(root) ? [] :
        [.. Directory.EnumerateDirectories(root)
            .Where(d => File.Exists(Path.Combine(d, "pipeline.json")) || File.Exists(Path.Combine(d, "engine.lock")))
            .Select(Path.GetFileName)
            .OfType<string>()
            .Order(StringComparer.Ordinal)];

    private static string OnlyApplication(string root) => ApplicationsIn(root) switch
    {
        [var only] => only,
        [] => throw new UsageException($"The store at {root} holds no application; run `rheo activate <pipeline.csx>` first."),
        var many => throw new UsageException($"The store at {root} holds applications {string.Join(", ", many)}; choose one with --app NAME."),
    };
}
