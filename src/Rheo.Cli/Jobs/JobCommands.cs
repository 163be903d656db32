using System.CommandLine;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rheo.Cli.States;
using Rheo.Runtime.Jobs;
using Rheo.States;
using Rheo.States.Jobs;
using Rheo.States.Validation;

namespace Rheo.Cli.Jobs;

/// <summary><c>rheo job validate|run|compile|tasks</c>: JSON job maps.</summary>
internal static class JobCommands
{
    /// <summary>Exit code of <c>job run</c> when the job ran but did not succeed.</summary>
    public const int JobFailed = 3;

    /// <summary>How many dictionaries of an output the human format prints before it summarizes.</summary>
    private const int ShownPerOutput = 20;

    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var job = new Command("job", "Validate, run and inspect JSON job maps (datasource, tasks, workflow).");
        job.Subcommands.Add(Validate(output, error));
        job.Subcommands.Add(Run(output, error));
        job.Subcommands.Add(Compile(output, error));
        job.Subcommands.Add(Tasks(output, error));
        return job;
    }

    private static Argument<FileInfo> MapArgument() => new("map") { Description = "The job map (.json)." };

    private static Option<FileInfo[]> TasksOption() => new("--tasks")
    {
        Description = "An assembly (.dll) whose [JobTask] classes the map may use; repeat for more.",
        DefaultValueFactory = _ => [],
    };

    private static Command Validate(TextWriter output, TextWriter error)
    {
        var file = MapArgument();
        var tasks = TasksOption();
        var json = new Option<bool>("--json") { Description = "Print the diagnostics as one JSON object." };
        var command = new Command("validate", "Print every problem of a job map, each with its JSON path; exit 0 when it is valid.") { file, tasks, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (text, registry) = await LoadAsync(parse.GetValue(file)!, parse.GetValue(tasks)!, error, cancellationToken).ConfigureAwait(false);
            if (text is null || registry is null)
            {
                return StatesCommands.UsageError;
            }

            var diagnostics = JobMap.Validate(text, registry.Catalog).ToList();
            if (JobMap.TryParse(text, registry.Catalog, out var map, out _))
            {
                // The datasource file is part of the map: checked here too, before anything runs.
                try
                {
                    await JobRunner.LoadInputAsync(map!, parse.GetValue(file)!.DirectoryName, cancellationToken).ConfigureAwait(false);
                }
                catch (JobInputException e)
                {
                    diagnostics.Add(e.Diagnostic);
                }
            }

            var valid = await StatesCommands.WriteDiagnosticsAsync(output, diagnostics, parse.GetValue(json)).ConfigureAwait(false);
            return valid ? 0 : 1;
        });
        return command;
    }

    private static Command Run(TextWriter output, TextWriter error)
    {
        var file = MapArgument();
        var tasks = TasksOption();
        var json = new Option<bool>("--json") { Description = "Print the result as one JSON line: {name, status, outputs, errors, error, cause, failed_task, statistics}." };
        var input = new Option<FileInfo?>("--input") { Description = "A JSON file that replaces the map's datasource: a dictionary, or a list that fans out." };
        var execution = new Option<string?>("--execution-name") { Description = "The execution name, used in the outputs' ids (default: a new GUID)." };
        var quiet = new Option<bool>("--quiet") { Description = "Print no progress on standard error." };
        var command = new Command("run", "Validate and run a job map; progress goes to standard error, the result to standard output.") { file, tasks, json, input, execution, quiet };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var mapFile = parse.GetValue(file)!;
            var (text, registry) = await LoadAsync(mapFile, parse.GetValue(tasks)!, error, cancellationToken).ConfigureAwait(false);
            JsonNode? given = null;
            if (parse.GetValue(input) is { } inputFile)
            {
                var inputText = await StatesCommands.ReadAsync(inputFile, error, cancellationToken).ConfigureAwait(false);
                if (inputText is null)
                {
                    return StatesCommands.UsageError;
                }

                try
                {
                    given = StatesJson.Parse(inputText);
                }
                catch (JsonException e)
                {
                    await error.WriteLineAsync($"rheo: the input '{inputFile.FullName}' is not JSON: {e.Message}").ConfigureAwait(false);
                    return StatesCommands.UsageError;
                }
            }

            if (text is null || registry is null)
            {
                return StatesCommands.UsageError;
            }

            var asJson = parse.GetValue(json);
            if (!JobMap.TryParse(text, registry.Catalog, out var map, out var diagnostics))
            {
                await WriteInvalidAsync(asJson ? output : error, diagnostics, asJson).ConfigureAwait(false);
                return 1;
            }

            using var progress = parse.GetValue(quiet) ? null : new JobProgressPrinter(error, TimeProvider.System);
            var runner = new JobRunner(registry);
            var options = new JobRunOptions { ExecutionName = parse.GetValue(execution), BaseDirectory = mapFile.DirectoryName, Progress = progress };
            var result = await runner.RunAsync(map!, given, options, cancellationToken).ConfigureAwait(false);
            progress?.Finish();
            if (asJson)
            {
                await output.WriteLineAsync(result.ToJsonLine()).ConfigureAwait(false);
            }
            else
            {
                await WriteHumanAsync(output, result).ConfigureAwait(false);
            }

            return result.Status == JobResult.Succeeded ? 0 : JobFailed;
        });
        return command;
    }

    private static Command Compile(TextWriter output, TextWriter error)
    {
        var file = MapArgument();
        var tasks = TasksOption();
        var command = new Command("compile", "Print the Amazon States Language state machine a job map compiles to.") { file, tasks };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (text, registry) = await LoadAsync(parse.GetValue(file)!, parse.GetValue(tasks)!, error, cancellationToken).ConfigureAwait(false);
            if (text is null || registry is null)
            {
                return StatesCommands.UsageError;
            }

            if (!JobMap.TryParse(text, registry.Catalog, out var map, out var diagnostics))
            {
                await WriteInvalidAsync(error, diagnostics, json: false).ConfigureAwait(false);
                return 1;
            }

            await output.WriteLineAsync(map!.StateMachineJson).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command Tasks(TextWriter output, TextWriter error)
    {
        var tasks = TasksOption();
        var json = new Option<bool>("--json") { Description = "Print the definitions as one JSON array, for a UI that composes maps." };
        var command = new Command("tasks", "List the tasks a job map can use, with their consumes, produces and init_args.") { tasks, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var registry = await LoadTasksAsync(parse.GetValue(tasks)!, error).ConfigureAwait(false);
            if (registry is null)
            {
                return StatesCommands.UsageError;
            }

            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(registry.Catalog.ToJson().ToJsonString(Readable)).ConfigureAwait(false);
                return 0;
            }

            if (registry.Catalog.Definitions.Count == 0)
            {
                await output.WriteLineAsync("no tasks: load an assembly of [JobTask] classes with --tasks PATH.dll").ConfigureAwait(false);
                return 0;
            }

            foreach (var d in registry.Catalog.Definitions)
            {
                var flow = $"{d.Consumes ?? "any"} -> {(d.FansOut ? "list of " : string.Empty)}{d.Produces ?? "any"}";
                await output.WriteLineAsync($"{d.QualifiedName}  ({flow})  {d.Description}".TrimEnd()).ConfigureAwait(false);
                foreach (var p in d.Parameters)
                {
                    var type = p.Type == "array" && p.Items is not null ? $"array of {p.Items}" : p.AllowedValues is { } values ? string.Join("|", values) : p.Type;
                    var required = p.Required ? "required" : $"optional, default {p.Default?.ToJsonString() ?? "null"}";
                    await output.WriteLineAsync($"    {p.Name}: {type} ({required}){(p.Description is null ? string.Empty : "  " + p.Description)}").ConfigureAwait(false);
                }
            }

            return 0;
        });
        return command;
    }

    private static async Task<(string? Text, JobTaskRegistry? Registry)> LoadAsync(FileInfo map, FileInfo[] assemblies, TextWriter error, CancellationToken cancellationToken)
    {
        var registry = await LoadTasksAsync(assemblies, error).ConfigureAwait(false);
        var text = await StatesCommands.ReadAsync(map, error, cancellationToken).ConfigureAwait(false);
        return (text, registry);
    }

    private static async Task<JobTaskRegistry?> LoadTasksAsync(FileInfo[] assemblies, TextWriter error)
    {
        var registry = new JobTaskRegistry();
        foreach (var file in assemblies)
        {
            try
            {
                registry.AddAssembly(Load(file.FullName));
            }
            catch (Exception e) when (e is IOException or BadImageFormatException or ArgumentException)
            {
                await error.WriteLineAsync($"rheo: cannot load tasks from '{file.FullName}': {e.Message}").ConfigureAwait(false);
                return null;
            }
        }

        return registry;
    }

    /// <summary>Loads a task assembly, or reuses it when an assembly of that name is already loaded (its dependencies, Rheo.Runtime included, come from the tool).</summary>
    private static Assembly Load(string path)
    {
        var name = AssemblyName.GetAssemblyName(path);
        return AssemblyLoadContext.Default.Assemblies.FirstOrDefault(a => AssemblyName.ReferenceMatchesDefinition(a.GetName(), name))
            ?? AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
    }

    private static async Task WriteInvalidAsync(TextWriter writer, IReadOnlyList<Diagnostic> diagnostics, bool json)
    {
        if (json)
        {
            var line = new JsonObject
            {
                ["status"] = "CREATE_FAILED",
                ["error"] = "InvalidJobMap",
                ["cause"] = string.Join("\n", diagnostics),
                ["diagnostics"] = StatesCommands.ToJson(diagnostics),
            };
            await writer.WriteLineAsync(line.ToJsonString()).ConfigureAwait(false);
            return;
        }

        await StatesCommands.WriteDiagnosticsAsync(writer, diagnostics, json: false).ConfigureAwait(false);
    }

    private static async Task WriteHumanAsync(TextWriter output, JobResult result)
    {
        var s = result.Statistics;
        await output.WriteLineAsync($"job '{result.Name}' {result.Status} in {s.Elapsed.TotalMilliseconds:0.#} ms: {s.TaskRuns} task run(s), {s.TaskFailures} failed, {s.Retries} retried").ConfigureAwait(false);
        if (result.Status != JobResult.Succeeded)
        {
            await output.WriteLineAsync($"error: {result.Error}{(result.FailedTask is null ? string.Empty : $" in task '{result.FailedTask}'")}").ConfigureAwait(false);
            await output.WriteLineAsync($"cause: {result.Cause}").ConfigureAwait(false);
            return;
        }

        foreach (var o in result.Outputs)
        {
            await output.WriteLineAsync($"output '{o.Name}' ({o.Data.Count} item{(o.Data.Count == 1 ? string.Empty : "s")}):").ConfigureAwait(false);
            foreach (var d in o.Data.Take(ShownPerOutput))
            {
                await output.WriteLineAsync("  " + d.ToJsonString(Readable)).ConfigureAwait(false);
            }

            if (o.Data.Count > ShownPerOutput)
            {
                await output.WriteLineAsync($"  ... and {o.Data.Count - ShownPerOutput} more (--json prints all)").ConfigureAwait(false);
            }
        }

        if (result.Errors.Count > 0)
        {
            await output.WriteLineAsync($"caught errors ({result.Errors.Count}):").ConfigureAwait(false);
            foreach (var e in result.Errors)
            {
                await output.WriteLineAsync($"  {e.Task}: {e.Error}: {e.Cause}").ConfigureAwait(false);
            }
        }
    }
}
