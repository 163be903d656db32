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

    private static async Task<bool> Wrap(Task work)
    {
        await work.ConfigureAwait(false);
        return true;
    }
}
