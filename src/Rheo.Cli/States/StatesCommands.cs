using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rheo.CSharp.Flows;
using Rheo.Runtime.States;
using Rheo.Runtime.Storage;
using Rheo.States;
using Rheo.States.Validation;
using Rheo.Storage.Sqlite;

namespace Rheo.Cli.States;

/// <summary><c>rheo states validate</c>, <c>rheo states compile</c> and <c>rheo states run</c>.</summary>
internal static class StatesCommands
{
    /// <summary>Exit code when a file cannot be read.</summary>
    public const int UsageError = 2;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var states = new Command("states", "Validate, compile and run Amazon States Language state machines and C# flows.");
        states.Subcommands.Add(Validate(output, error));
        states.Subcommands.Add(Compile(output, error));
        states.Subcommands.Add(Run(output, error));
        return states;
    }

    private static Command Validate(TextWriter output, TextWriter error)
    {
        var file = new Argument<FileInfo>("definition") { Description = "The definition (.asl.json)." };
        var json = new Option<bool>("--json") { Description = "Print the diagnostics as one JSON object." };
        var command = new Command("validate", "Print every diagnostic of a definition; exit 0 when it is valid.") { file, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var text = await ReadAsync(parse.GetValue(file)!, error, cancellationToken).ConfigureAwait(false);
            if (text is null)
            {
                return UsageError;
            }

            var valid = await WriteDiagnosticsAsync(output, StateMachineDefinition.Validate(text), parse.GetValue(json)).ConfigureAwait(false);
            return valid ? 0 : 1;
        });
        return command;
    }

    private static Command Compile(TextWriter output, TextWriter error)
    {
        var file = new Argument<FileInfo>("flow") { Description = "The C# flow file (.cs)." };
        var directory = new Option<DirectoryInfo>("--output", "-o") { Description = "The directory for the definitions and manifest.json.", Required = true };
        var command = new Command("compile", "Compile a C# flow into one .asl.json per exported state machine and a manifest; exit 1 on errors.") { file, directory };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            var source = await ReadAsync(path, error, cancellationToken).ConfigureAwait(false);
            if (source is null)
            {
                return UsageError;
            }

            var compilation = FlowCompiler.Compile(source, path.ToString());
            foreach (var diagnostic in compilation.Diagnostics)
            {
                await error.WriteLineAsync(diagnostic.ToString()).ConfigureAwait(false);
            }

            if (compilation.HasErrors)
            {
                await error.WriteLineAsync($"{compilation.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error)} error(s); nothing written.").ConfigureAwait(false);
                return 1;
            }

            foreach (var written in await compilation.WriteAsync(parse.GetValue(directory)!.FullName, cancellationToken).ConfigureAwait(false))
            {
                await output.WriteLineAsync(written).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }

    /// <summary>
    /// Prints diagnostics the way every <c>validate</c> command does: one line each then <c>valid</c> /
    /// <c>invalid: N error(s)</c>, or with <paramref name="json"/> one object <c>{"valid", "diagnostics"}</c>.
    /// </summary>
    /// <returns>Whether there was no error.</returns>
    internal static async Task<bool> WriteDiagnosticsAsync(TextWriter output, IReadOnlyList<Diagnostic> diagnostics, bool json)
    {
        var valid = diagnostics.All(d => d.Severity != DiagnosticSeverity.Error);
        if (json)
        {
            await output.WriteLineAsync(new JsonObject { ["valid"] = valid, ["diagnostics"] = ToJson(diagnostics) }.ToJsonString()).ConfigureAwait(false);
            return valid;
        }

        foreach (var d in diagnostics)
        {
            await output.WriteLineAsync(d.ToString()).ConfigureAwait(false);
        }

        await output.WriteLineAsync(valid ? "valid" : $"invalid: {diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error)} error(s)").ConfigureAwait(false);
        return valid;
    }

    /// <summary>Diagnostics as a JSON array of <c>{code, severity, location, message}</c>.</summary>
    internal static JsonArray ToJson(IEnumerable<Diagnostic> diagnostics)
    {
        var list = new JsonArray();
        foreach (var d in diagnostics)
        {
            list.Add(new JsonObject
            {
                ["code"] = d.Code,
                ["severity"] = d.Severity == DiagnosticSeverity.Error ? "error" : "warning",
                ["location"] = d.Location,
                ["message"] = d.Message,
            });
        }

        return list;
    }

    private static Command Run(TextWriter output, TextWriter error)
    {
        var file = new Argument<FileInfo>("definition") { Description = "The definition (.asl.json) or C# flow (.cs)." };
        var input = new Option<FileInfo>("--input") { Description = "The execution input (a JSON file).", Required = true };
        var stateMachine = new Option<string>("--state-machine") { Description = "For a C# flow: the exported state machine to run.", DefaultValueFactory = _ => "Main" };
        var machine = new Option<string?>("--state-machine-name") { Description = "The state machine name used in ARNs (default: StateMachine; for a flow, the state machine)." };
        var execution = new Option<string?>("--execution-name") { Description = "The execution name (default: a new GUID)." };
        var account = new Option<string>("--account") { Description = "The AWS account id used in ARNs.", DefaultValueFactory = _ => "123456789012" };
        var region = new Option<string>("--region") { Description = "The AWS region used in ARNs.", DefaultValueFactory = _ => "us-east-1" };
        var role = new Option<string?>("--role-arn") { Description = "The role ARN reported by $$.Execution.RoleArn." };
        var history = new Option<bool>("--history") { Description = "Add the execution history to the output line." };
        var root = new Option<DirectoryInfo?>("--root") { Description = "For a C# flow: keep state data in the local store under this folder (<root>/rheo.db), where it outlives the run (default: in memory)." };
        var command = new Command("run", "Run a state machine or a C# flow and print one JSON line: {\"status\", \"output\", \"error\", \"cause\"}.")
        {
            file, input, stateMachine, machine, execution, account, region, role, history, root,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            var definition = await ReadAsync(path, error, cancellationToken).ConfigureAwait(false);
            var inputText = await ReadAsync(parse.GetValue(input)!, error, cancellationToken).ConfigureAwait(false);
            if (definition is null || inputText is null)
            {
                return UsageError;
            }

            var flow = path.Extension.Equals(".cs", StringComparison.OrdinalIgnoreCase);
            var options = new ExecutionOptions
            {
                StateMachineName = parse.GetValue(machine) ?? (flow ? parse.GetValue(stateMachine)! : "StateMachine"),
                ExecutionName = parse.GetValue(execution),
                Account = parse.GetValue(account)!,
                Region = parse.GetValue(region)!,
                RoleArn = parse.GetValue(role),
                RecordHistory = parse.GetValue(history),
            };
            var result = flow
                ? await RunFlowAsync(path.ToString(), definition, parse.GetValue(stateMachine)!, inputText, options, parse.GetValue(root), error, cancellationToken).ConfigureAwait(false)
                : await new StateMachineRunner().RunAsync(definition, inputText, options, cancellationToken).ConfigureAwait(false);
            if (result is null)
            {
                return UsageError;
            }

            await output.WriteLineAsync(result.ToJsonLine(options.RecordHistory)).ConfigureAwait(false);

            // The outcome is in the line; a non-zero exit means the command itself could not run.
            return 0;
        });
        return command;
    }

    /// <summary>Compiles and runs a flow; an invalid flow is CREATE_FAILED like an invalid definition; null for an unknown state machine or a store that cannot be opened.</summary>
    private static async Task<ExecutionResult?> RunFlowAsync(string path, string source, string stateMachine, string inputText, ExecutionOptions options, DirectoryInfo? root, TextWriter error, CancellationToken cancellationToken)
    {
        var compilation = FlowCompiler.Compile(source, path);
        if (compilation.HasErrors)
        {
            return new ExecutionResult(ExecutionResult.CreateFailed, null, "InvalidDefinition", string.Join("\n", compilation.Diagnostics), []);
        }

        if (!compilation.StateMachines.Any(m => m.Name == stateMachine))
        {
            await error.WriteLineAsync($"rheo: the flow '{path}' has no exported state machine '{stateMachine}'; it has: {string.Join(", ", compilation.StateMachines.Select(m => m.Name))}.").ConfigureAwait(false);
            return null;
        }

        JsonNode? input;
        try
        {
            input = JsonNode.Parse(inputText);
        }
        catch (JsonException e)
        {
            return new ExecutionResult(ExecutionResult.StartFailed, null, "InvalidExecutionInput", $"The input is not valid JSON: {e.Message}", []);
        }

        IRheoStore? store = null;
        try
        {
            store = root is null ? null : new SqliteLocalStoreFactory().Open(root.FullName);
        }
        catch (Exception e) when (e is SqliteStoreException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"rheo: cannot open the store under '{root!.FullName}': {e.Message}").ConfigureAwait(false);
            return null;
        }

        await using (store)
        {
            var stateData = store is null ? null : new StoreStateData(new StateDataStore(store));
            using var program = FlowProgram.Load(compilation, new FlowProgramOptions { StateData = stateData is null ? null : stateData.ClientFor });
            return await program.RunAsync(stateMachine, input, options, cancellationToken).ConfigureAwait(false);
        }
    }

    internal static async Task<string?> ReadAsync(FileInfo file, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllTextAsync(file.FullName, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"rheo: cannot read '{file.FullName}': {e.Message}").ConfigureAwait(false);
            return null;
        }
    }
}
