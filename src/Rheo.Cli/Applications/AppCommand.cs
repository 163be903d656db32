using System.CommandLine;
using System.Text.Json.Nodes;
using Rheo.Core;
using Rheo.Core.Dimensions;
using Rheo.Core.Signals;
using Rheo.Core.Topology;
using Rheo.Runtime;

namespace Rheo.Cli.Applications;

/// <summary>Exit codes of the application commands.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The command ran and what it did failed (an execution, a script, a topology).</summary>
    public const int Failed = 1;

    /// <summary>The command line was wrong (unknown node, bad value, missing store); nothing was done.</summary>
    public const int Usage = 2;

    /// <summary>Stopped by Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Stopped = 130;
}

/// <summary>A mistake on the command line, reported with what to do instead; nothing was changed.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>The options every application command takes.</summary>
internal sealed class AppOptions
{
    public Option<string> Root { get; } = new("--root") { Description = "The store folder (rheo.db, outputs, logs).", DefaultValueFactory = _ => "./.rheo" };

    public Option<string?> App { get; } = new("--app") { Description = "The application; optional when the store holds only one." };

    public Option<bool> Json { get; } = new("--json") { Description = "Print JSON for machines instead of text." };

    /// <summary>The store root; also exported as <c>RHEO_ROOT</c>, so hooks and process targets of the command can find the store.</summary>
    public string RootOf(ParseResult parse)
    {
        var root = Path.GetFullPath(parse.GetValue(Root)!);
        Environment.SetEnvironmentVariable("RHEO_ROOT", root);
        return root;
    }

    public bool IsJson(ParseResult parse) => parse.GetValue(Json);
}

/// <summary>Builds application commands: shared options, and exceptions turned into messages and exit codes.</summary>
internal static class AppCommand
{
    public static Command Create(string name, string description, AppOptions options, params Symbol[] symbols)
    {
        var command = new Command(name, description);
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case Argument argument:
                    command.Arguments.Add(argument);
                    break;
                case Option option:
                    command.Options.Add(option);
                    break;
            }
        }

        command.Options.Add(options.Root);
        command.Options.Add(options.App);
        command.Options.Add(options.Json);
        return command;
    }

    /// <summary>Runs an action, printing what went wrong (and what to do) instead of a stack trace.</summary>
    public static void SetAction(Command command, TextWriter error, Func<ParseResult, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                return await action(parse, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await error.WriteLineAsync("stopped").ConfigureAwait(false);
                return ExitCodes.Stopped;
            }
            catch (TopologyException e)
            {
                await error.WriteLineAsync($"error: the topology is invalid ({e.Diagnostics.Count} problem(s)); nothing was activated:").ConfigureAwait(false);
                foreach (var d in e.Diagnostics)
                {
                    await error.WriteLineAsync($"  {d}").ConfigureAwait(false);
                }

                return ExitCodes.Failed;
            }
            catch (ExecutionFailedException e)
            {
                await error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
                foreach (var record in e.ComputeRecords)
                {
                    await error.WriteLineAsync($"  target {record.TargetIndex} attempt {record.Attempt} ({record.Target}): {record.Status}{(record.Error is null ? string.Empty : ": " + record.Error)}").ConfigureAwait(false);
                }

                await error.WriteLineAsync("  see the captured output with: rheo logs <node> <dim>=<value>...").ConfigureAwait(false);
                return ExitCodes.Failed;
            }
            catch (MissingInputsException e)
            {
                await error.WriteLineAsync($"error: node '{e.NodeId}' cannot run for [{string.Join(", ", e.Output)}]; nothing was started. Missing:").ConfigureAwait(false);
                foreach (var missing in e.Missing)
                {
                    await error.WriteLineAsync($"  {missing.Reason}").ConfigureAwait(false);
                }

                await error.WriteLineAsync("  provide the inputs, produce missing upstream outputs with --recursive, or run anyway with --force").ConfigureAwait(false);
                return ExitCodes.Failed;
            }
            catch (Exception e) when (e is UsageException or ArgumentException or KeyNotFoundException or FormatException or InvalidDimensionValueException or SignalFilterException or FileNotFoundException)
            {
                await error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
                return ExitCodes.Usage;
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or RheoException)
            {
                await error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
                return ExitCodes.Failed;
            }
        });

    public static Task WriteJsonAsync(TextWriter output, JsonNode node) => output.WriteLineAsync(node.ToJsonString());

    /// <summary>Whether live progress can redraw the terminal (the real console, not redirected).</summary>
    public static bool IsInteractive(TextWriter output) => ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
}
