using System.CommandLine;
using Rheo.Cli.Applications;
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
        foreach (var command in ScriptCommands.Create(output, error).Concat(InspectCommands.Create(output, error)).Concat(ControlCommands.Create(output, error)))
        {
            root.Subcommands.Add(command);
        }

        root.Subcommands.Add(BackfillCommand.Create(output, error));
        root.Subcommands.Add(WhyCommand.Create(output, error));
        return root;
    }

    public static async Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var parse = Create(output, error).Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not System.CommandLine.Help.HelpAction)
        {
            // Invalid arguments: say what was wrong and where the help is, and exit 2 (nothing ran).
            foreach (var parseError in parse.Errors)
            {
                await error.WriteLineAsync("error: " + parseError.Message).ConfigureAwait(false);
            }

            var names = new List<string>();
            for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
            {
                names.Insert(0, result.Parent is null ? "rheo" : result.Command.Name);
            }

            await error.WriteLineAsync($"see `{string.Join(' ', names)} --help`").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        // Ctrl+C cancels the command's token; a command gets this long to stop cleanly (a processor finishing its step).
        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = TimeSpan.FromSeconds(30) }, cancellationToken).ConfigureAwait(false);
    }
}
