using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Rheo.Runtime.Diagnostics;
using Rheo.Runtime.States;
using Rheo.States;
using Rheo.States.Jobs;
using Rheo.States.Validation;

namespace Rheo.Runtime.Jobs;

/// <summary>Options of the <see cref="JobRunner"/>.</summary>
public sealed class JobRunnerOptions
{
    /// <summary>The clock for retries and the statistics; tests pass a fake.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The source for retry jitter; must be thread-safe.</summary>
    public Random Random { get; init; } = Random.Shared;

    /// <summary>Where runs log: start and end at Information, task failures at Warning, each task at Debug.</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;
}

/// <summary>The options of one run.</summary>
public sealed record JobRunOptions
{
    /// <summary>The execution name (ids of the outputs); a new GUID when not given.</summary>
    public string? ExecutionName { get; init; }

    /// <summary>The folder a <c>file</c> datasource's relative path is resolved against; the current directory when not given.</summary>
    public string? BaseDirectory { get; init; }

    /// <summary>Receives an event for every task invocation as it starts, succeeds or fails.</summary>
    /// <remarks>Called concurrently from the tasks' threads; keep it quick and thread-safe.</remarks>
    public IProgress<JobEvent>? Progress { get; init; }
}

/// <summary>Thrown when a job's input cannot be loaded from its datasource.</summary>
public sealed class JobInputException : StatesException
{
    /// <summary>Creates the exception from the problem, located in the map.</summary>
    public JobInputException(Diagnostic diagnostic)
        : base(diagnostic.ToString())
    {
        Diagnostic = diagnostic;
    }

    /// <summary>What is wrong, with the map's JSON path (<c>$.datasource.path</c>).</summary>
    public Diagnostic Diagnostic { get; }
}

/// <summary>
/// Runs job maps: binds each task of the map to a new instance of its registered class and runs the compiled state
/// machine on the <see cref="StateMachineRunner"/>.
/// </summary>
/// <remarks>
/// Thread-safe; one runner can run many jobs at once. Each run creates its own task instances (one per task of the
/// map) and disposes them when it ends. Cancelling the token ends the run with status <c>ABORTED</c>.
/// </remarks>
public sealed class JobRunner
{
    /// <summary>The error name of a task that returned something other than a dictionary (or a list of them).</summary>
    public const string InvalidOutputError = "Rheo.Job.InvalidOutput";

    /// <summary>The error name of a task whose constructor threw.</summary>
    public const string TaskCreationError = "Rheo.Job.TaskCreationFailed";

    private readonly JobTaskRegistry _registry;
    private readonly JobRunnerOptions _options;

    /// <summary>Creates a runner over a registry of tasks.</summary>
    public JobRunner(JobTaskRegistry registry, JobRunnerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
        _options = options ?? new JobRunnerOptions();
    }

    /// <summary>The tasks maps may name: what <see cref="JobMap.TryParse"/> validates against.</summary>
    public JobTaskCatalog Catalog => _registry.Catalog;

    /// <summary>Reads the input a map's datasource names: its direct content, or the JSON file it points to.</summary>
    /// <exception cref="JobInputException">The file cannot be read, is not JSON, or holds neither a dictionary nor a list of dictionaries.</exception>
    public static async Task<JsonNode> LoadInputAsync(JobMap map, string? baseDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (map.Datasource is DirectDatasource direct)
        {
            return direct.Content;
        }

        var file = (FileDatasource)map.Datasource;
        var path = Path.GetFullPath(file.Path, baseDirectory ?? Directory.GetCurrentDirectory());
        JsonNode? content;
        try
        {
            content = StatesJson.Parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new JobInputException(Problem($"The datasource file '{path}' cannot be read: {e.Message}"));
        }
        catch (JsonException e)
        {
            throw new JobInputException(Problem($"The datasource file '{path}' is not JSON: {e.Message}"));
        }

        return JobMap.DescribeInvalidInput(content) is { } bad
            ? throw new JobInputException(Problem($"The datasource file '{path}' must hold a dictionary (object) or a list of dictionaries; {bad}."))
            : content!;

        static Diagnostic Problem(string message) => new(JobDiagnosticCodes.InvalidDatasource, DiagnosticSeverity.Error, "$.datasource.path", message);
    }

    /// <summary>
    /// Runs a job. <paramref name="input"/> replaces the datasource when given (a dictionary, or a list that fans out
    /// from the input task), which is how a caller such as a compute target feeds the job its own data.
    /// </summary>
    public async Task<JobResult> RunAsync(JobMap map, JsonNode? input, JobRunOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(map);
        options ??= new JobRunOptions();
        var run = new Run(map, options, _options.TimeProvider, _options.Logger);
        Log.JobStarted(_options.Logger, map.Name, run.ExecutionName);
        try
        {
            input ??= await LoadInputAsync(map, options.BaseDirectory, cancellationToken).ConfigureAwait(false);
        }
        catch (JobInputException e)
        {
            return run.Result(JobResult.StartFailed, [], [], "InvalidExecutionInput", e.Diagnostic.ToString());
        }

        if (JobMap.DescribeInvalidInput(input) is { } bad)
        {
            return run.Result(JobResult.StartFailed, [], [], "InvalidExecutionInput", $"A job's input must be a dictionary or a list of dictionaries; {bad}.");
        }

        var instances = new List<object>();
        try
        {
            var handlers = new TaskHandlerRegistry();
            foreach (var task in map.Tasks.Where(t => t.RunsTask))
            {
                object instance;
                try
                {
                    instance = _registry.Create(task.Definition!, task.InitArgs);
                }
                catch (TargetInvocationException e) when (e.InnerException is { } inner)
                {
                    return run.Result(JobResult.Failed, [], [], TaskCreationError, $"The task '{task.Name}' ({task.Definition!.QualifiedName}) could not be created: {inner.GetType().Name}: {inner.Message}") with { FailedTask = task.Name };
                }

                instances.Add(instance);
                handlers.AddResource(task.Resource, run.Handler(task, instance));
            }

            var runner = new StateMachineRunner(handlers, new StateMachineRunnerOptions { TimeProvider = _options.TimeProvider, Random = _options.Random });
            var execution = new ExecutionOptions { StateMachineName = map.Name, ExecutionName = run.ExecutionName };
            var result = await runner.RunAsync(map.StateMachine, JobMap.StateMachineInput(input), execution, cancellationToken).ConfigureAwait(false);
            return run.Complete(result);
        }
        finally
        {
            foreach (var instance in instances)
            {
                if (instance is IAsyncDisposable asyncDisposable)
                {
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                }
                else if (instance is IDisposable disposable)
                {
                    disposable.Dispose();
                }
            }
        }
    }

    /// <summary>One run: its clock, counters and the task handlers that report to them.</summary>
    private sealed class Run(JobMap map, JobRunOptions options, TimeProvider time, ILogger logger)
    {
        private readonly long _started = time.GetTimestamp();
        private readonly ConcurrentDictionary<(string Error, string Cause), string> _failures = new();
        private long _runs;
        private long _failed;
        private long _retries;

        public string ExecutionName { get; } = options.ExecutionName ?? Guid.NewGuid().ToString("N");

        public TaskHandler Handler(JobTask task, object instance) => async (input, context, cancellationToken) =>
        {
            Interlocked.Increment(ref _runs);
            if (context.Attempt > 0)
            {
                Interlocked.Increment(ref _retries);
            }

            options.Progress?.Report(new JobEvent(JobEventKind.TaskStarted, task.Name, context.Attempt, TimeSpan.Zero, 0, null, null));
            var started = time.GetTimestamp();
            try
            {
                var (result, items) = await InvokeAsync(task, instance, input, cancellationToken).ConfigureAwait(false);
                var elapsed = time.GetElapsedTime(started);
                Log.JobTaskSucceeded(logger, map.Name, ExecutionName, task.Name, context.Attempt, items, elapsed.TotalMilliseconds);
                options.Progress?.Report(new JobEvent(JobEventKind.TaskSucceeded, task.Name, context.Attempt, elapsed, items, null, null));
                return result;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // A task's failure, whatever its type, is data for retry and catch.
            catch (Exception e)
#pragma warning restore CA1031
            {
                // Named here rather than by the state machine runner so the job result can say which task failed.
                var failure = e as StatesTaskException
                    ?? new StatesTaskException(e.GetType().Name, new JsonObject { ["errorMessage"] = e.Message, ["errorType"] = e.GetType().Name }.ToJsonString());
                Interlocked.Increment(ref _failed);
                _failures[(failure.Error, failure.Cause ?? string.Empty)] = task.Name;
                Log.JobTaskFailed(logger, map.Name, ExecutionName, task.Name, context.Attempt, failure.Error, failure.Cause);
                options.Progress?.Report(new JobEvent(JobEventKind.TaskFailed, task.Name, context.Attempt, time.GetElapsedTime(started), 0, failure.Error, failure.Cause));
                throw failure;
            }
        };

        public JobResult Result(string status, List<JobOutput> outputs, List<JobError> errors, string? error, string? cause)
        {
            var statistics = new JobStatistics(Interlocked.Read(ref _runs), Interlocked.Read(ref _failed), Interlocked.Read(ref _retries), time.GetElapsedTime(_started));
            if (status != JobResult.Succeeded)
            {
                Log.JobFailed(logger, map.Name, ExecutionName, status, error, cause);
            }

            Log.JobEnded(logger, map.Name, ExecutionName, status, statistics.Elapsed.TotalMilliseconds, statistics.TaskRuns, statistics.TaskFailures, statistics.Retries, errors.Count);
            return new JobResult(map.Name, status, outputs, errors, error, cause, statistics);
        }

        public JobResult Complete(ExecutionResult result)
        {
            if (result.Status != ExecutionResult.Succeeded)
            {
                // The interpreter reports a missing cause as an empty one.
                var failedTask = result.Error is { } error && _failures.TryGetValue((error, result.Cause ?? string.Empty), out var name) ? name : null;
                return Result(result.Status, [], [], result.Error, result.Cause) with { FailedTask = failedTask };
            }

            var outputs = (JsonObject)result.Output!["outputs"]!;
            var data = map.Outputs
                .Select(o => new JobOutput($"{ExecutionName}:{o.Name}", o.Name, [.. ((JsonArray)outputs[o.Name]!).Select(d => (JsonObject)d!)]))
                .ToList();
            var errors = ((JsonArray)result.Output["errors"]!)
                .Select(e => new JobError((string)e!["task"]!, (string)e["error"]!, (string?)e["cause"]))
                .ToList();
            return Result(JobResult.Succeeded, data, errors, null, null);
        }

        private static async Task<(JsonNode Result, int Items)> InvokeAsync(JobTask task, object instance, JsonNode? input, CancellationToken cancellationToken)
        {
            if (input is not JsonObject dictionary)
            {
                throw new StatesTaskException(InvalidOutputError, $"The task '{task.Name}' received {(input is null ? "null" : input.GetValueKind().ToString())}, not a dictionary.");
            }

            if (instance is IFanOutJobTask fanOut)
            {
                var list = await fanOut.RunAsync(dictionary, cancellationToken).ConfigureAwait(false)
                    ?? throw new StatesTaskException(InvalidOutputError, $"The task '{task.Name}' returned null instead of a list of dictionaries.");
                var array = new JsonArray();
                for (var i = 0; i < list.Count; i++)
                {
                    array.Add(Detached(list[i] ?? throw new StatesTaskException(InvalidOutputError, $"The task '{task.Name}' returned null at index {i} of its list.")));
                }

                return (array, list.Count);
            }

            var one = await ((IJobTask)instance).RunAsync(dictionary, cancellationToken).ConfigureAwait(false)
                ?? throw new StatesTaskException(InvalidOutputError, $"The task '{task.Name}' returned null instead of a dictionary.");
            return (Detached(one), 1);
        }

        /// <summary>A node that belongs to no parent (a task may return part of its input, or the same object twice).</summary>
        private static JsonObject Detached(JsonObject node) => node.Parent is null ? node : (JsonObject)node.DeepClone();
    }
}
