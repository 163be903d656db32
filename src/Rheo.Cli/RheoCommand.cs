using System.CommandLine;
using Rheo.Cli.Bench;
using Rheo.Cli.Flows;
using Rheo.Cli.Jobs;
using Rheo.Cli.States;

namespace Rheo.Cli;

/// <summary>The <c>rheo</c> root command; output goes to the given writers so tests can run it in-process.</summary>
internal static class RheoCommand
{
    public static RootCommand Create(TextWriter output, TextWriter error)
    {
        var root = new RootCommand("Rheo: event-driven workflows and data pipelines for .NET.");
        root.Subcommands.Add(StatesCommands.Create(output, error));
        root.Subcommands.Add(BenchCommands.Create(output));
        root.Subcommands.Add(JobCommands.Create(output, error));
        root.Subcommands.Add(FlowCommands.Create(output, error));
        return root;
    }

    public static Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken) =>
        Create(output, error).Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
}
