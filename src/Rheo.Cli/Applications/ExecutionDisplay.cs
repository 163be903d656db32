using Rheo.Runtime;
using Rheo.Runtime.Nodes;
using Spectre.Console;

namespace Rheo.Cli.Applications;

/// <summary>Live progress while a command waits on the processor: a spinner naming what runs, on an interactive terminal only.</summary>
internal static class ExecutionDisplay
{
    public static async Task WhileAsync(TextWriter output, Application app, string title, Task work, CancellationToken cancellationToken) =>
        await WhileAsync(output, app, title, Wrap(work), cancellationToken).ConfigureAwait(false);

    public static async Task<T> WhileAsync<T>(TextWriter output, Application app, string title, Task<T> work, CancellationToken cancellationToken)
    {
        if (!AppCommand.IsInteractive(output))
        {
            return await work.ConfigureAwait(false);
        }

        await AnsiConsole.Status().Spinner(Spinner.Known.Dots).StartAsync(Markup.Escape(title), async context =>
        {
            while (!work.IsCompleted)
            {
                var running = new List<string>();
                foreach (var node in app.ActiveNodes.OfType<DataNode>())
                {
                    var active = await app.GetExecutionsAsync(node.Id, activeOnly: true, limit: 5, cancellationToken: cancellationToken).ConfigureAwait(false);
                    running.AddRange(active.Select(e => $"{node.Id}[{e.OutputKey}]"));
                }

                context.Status(Markup.Escape(running.Count == 0 ? title : $"{title} - running: {string.Join(", ", running.Take(6))}{(running.Count > 6 ? $" (+{running.Count - 6})" : string.Empty)}"));
                await Task.WhenAny(work, Task.Delay(200, cancellationToken)).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        return await work.ConfigureAwait(false);
    }

    /// <summary>
    /// Drives the work a command caused to its end when the command runs the engine (downstream executions and hook
    /// calls), so nothing is left half done when the command exits; returns the executions that ended since
    /// <paramref name="since"/> other than <paramref name="except"/>, as <c>node[partition] status</c>.
    /// </summary>
    public static async Task<IReadOnlyList<string>> FinishAsync(TextWriter output, Application app, DateTimeOffset since, long? except, CancellationToken cancellationToken)
    {
        if (!app.RunsProcessor)
        {
            return [];
        }

        await WhileAsync(output, app, "finishing the work it started downstream", app.WaitForIdleAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
        var ended = new List<(long Id, string Text)>();
        foreach (var node in app.ActiveNodes.OfType<DataNode>())
        {
            var executions = await app.GetExecutionsAsync(node.Id, limit: 1000, cancellationToken: cancellationToken).ConfigureAwait(false);
            ended.AddRange(executions.Where(e => e.CreatedAt >= since && e.Id != except && !e.IsActive).Select(e => (e.Id, $"{node.Id}[{string.Join(", ", e.Output)}] {e.Status.ToString().ToLowerInvariant()}")));
        }

        return [.. ended.OrderBy(e => e.Id).Select(e => e.Text)];
    }

    private static async Task<bool> Wrap(Task work)
    {
        await work.ConfigureAwait(false);
        return true;
    }
}
