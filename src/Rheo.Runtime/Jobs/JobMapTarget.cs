using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Rheo.Runtime.Compute;
using Rheo.States.Jobs;

namespace Rheo.Runtime.Jobs;

/// <summary>Runs a <see cref="JobMapComputeTarget"/> for one attempt of an execution.</summary>
internal static class JobMapTarget
{
    private static readonly ConditionalWeakTable<JobMapComputeTarget, Parsed> Cache = [];

    /// <summary>Loads the task assemblies and validates the map.</summary>
    /// <exception cref="ArgumentException">An assembly cannot be loaded or the map is invalid.</exception>
    public static (JobTaskRegistry Registry, JobMap Map) Parse(JobMapComputeTarget target)
    {
        var registry = new JobTaskRegistry();
        foreach (var name in target.TaskAssemblies)
        {
            Assembly assembly;
            try
            {
                assembly = Assembly.Load(name);
            }
            catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
            {
                throw new ArgumentException($"The job map's task assembly '{name}' cannot be loaded: {e.Message}", nameof(target), e);
            }

            registry.AddAssembly(assembly);
        }

        if (!JobMap.TryParse(target.Map, registry.Catalog, out var map, out var diagnostics))
        {
            throw new ArgumentException($"The job map is invalid:{Environment.NewLine}{string.Join(Environment.NewLine, diagnostics)}", nameof(target));
        }

        return (registry, map!);
    }

    /// <summary>Runs the job; writes its result to <paramref name="logPath"/> and each output's dictionaries to the partition.</summary>
    /// <exception cref="ComputeTargetFailedException">The job did not succeed.</exception>
    public static async Task RunAsync(JobMapComputeTarget target, ComputeContext context, string logPath, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var parsed = Cache.GetValue(target, t =>
        {
            var (registry, map) = Parse(t);
            return new Parsed(new JobRunner(registry, new JobRunnerOptions { TimeProvider = time, Logger = logger }), map);
        });
        var execution = ExecutionJson.From(context);
        JsonNode input;
        try
        {
            input = await JobRunner.LoadInputAsync(parsed.Map, null, cancellationToken).ConfigureAwait(false);
        }
        catch (JobInputException e)
        {
            throw new ComputeTargetFailedException($"the job's datasource cannot be loaded: {e.Diagnostic.Message}", logPath);
        }

        var result = await parsed.Runner.RunAsync(parsed.Map, WithExecution(input, execution), new JobRunOptions
        {
            ExecutionName = context.AttemptName,
        }, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        await File.WriteAllTextAsync(logPath, result.ToJsonLine() + "\n", CancellationToken.None).ConfigureAwait(false);
        if (result.Status != JobResult.Succeeded)
        {
            var task = result.FailedTask is { } failed ? $" in task '{failed}'" : string.Empty;
            throw new ComputeTargetFailedException($"the job ended {result.Status}{task}: {result.Error}: {result.Cause}", logPath);
        }

        foreach (var output in result.Outputs)
        {
            var lines = new StringBuilder();
            foreach (var data in output.Data)
            {
                lines.Append(data.ToJsonString()).Append('\n');
            }

            await File.WriteAllTextAsync(Path.Combine(context.Output.Path, output.Name + ".jsonl"), lines.ToString(), CancellationToken.None).ConfigureAwait(false);
        }
    }

    // Each dictionary of the datasource gets the execution under "rheo".
    private static JsonNode WithExecution(JsonNode input, JsonObject execution)
    {
        if (input is JsonArray list)
        {
            return new JsonArray([.. list.Select(item => WithExecution(item!, execution))]);
        }

        var copy = input.DeepClone().AsObject();
        copy["rheo"] = execution.DeepClone();
        return copy;
    }

    private sealed record Parsed(JobRunner Runner, JobMap Map);
}
