using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json.Nodes;
using Rheo.Flows;
using Rheo.Runtime.States;
using Rheo.States;
using TaskContext = Rheo.Flows.TaskContext;

namespace Rheo.CSharp.Flows;

/// <summary>Options of a <see cref="FlowProgram"/>.</summary>
public sealed class FlowProgramOptions
{
    /// <summary>The clock for Wait states, retries and timeouts.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The state data client of an execution, by execution name; default: one in-memory store for the program.</summary>
    public Func<string, IStateDataClient>? StateData { get; init; }
}

/// <summary>
/// A compiled flow file loaded for running: its task bodies compiled into handlers, its state machines run on the
/// Rheo.States interpreter.
/// </summary>
/// <remarks>
/// The flow's assembly lives in a collectible load context that <see cref="Dispose"/> unloads. Thread-safe: several
/// executions may run at once; each gets its own ecs:worker instances, started before their first message and
/// cleaned up when the execution ends.
/// </remarks>
public sealed class FlowProgram : IDisposable
{
    private readonly AssemblyLoadContext _context;
    private readonly Assembly _assembly;
    private readonly FlowCompilation _compilation;
    private readonly FlowProgramOptions _options;
    private readonly Dictionary<string, StateMachineDefinition> _definitions;
    private readonly Func<string, IStateDataClient> _stateData;

    private FlowProgram(FlowCompilation compilation, AssemblyLoadContext context, Assembly assembly, FlowProgramOptions options)
    {
        _compilation = compilation;
        _context = context;
        _assembly = assembly;
        _options = options;
        _definitions = compilation.StateMachines.ToDictionary(m => m.Name, m => StateMachineDefinition.Parse(m.DefinitionJson), StringComparer.Ordinal);
        var store = new InMemoryStateData();
        _stateData = options.StateData ?? store.ClientFor;
    }

    /// <summary>The exported state machines that can be run.</summary>
    public IReadOnlyCollection<string> StateMachines => _definitions.Keys;

    /// <summary>Compiles the flow's C# into an assembly and loads it.</summary>
    /// <exception cref="InvalidOperationException">The compilation has errors.</exception>
    public static FlowProgram Load(FlowCompilation compilation, FlowProgramOptions? options = null)
    {
        if (compilation.HasErrors)
        {
            throw new InvalidOperationException($"The flow '{compilation.Path}' has errors:{Environment.NewLine}{string.Join(Environment.NewLine, compilation.Diagnostics)}");
        }

        using var image = new MemoryStream();
        var emitted = compilation.CSharp.Emit(image);
        if (!emitted.Success)
        {
            throw new InvalidOperationException($"The flow '{compilation.Path}' could not be emitted:{Environment.NewLine}{string.Join(Environment.NewLine, emitted.Diagnostics)}");
        }

        image.Position = 0;
        var context = new AssemblyLoadContext($"flow:{compilation.Path}", isCollectible: true);
        return new FlowProgram(compilation, context, context.LoadFromStream(image), options ?? new FlowProgramOptions());
    }

    /// <summary>Runs an exported state machine; the result is the one <c>rheo states run</c> prints.</summary>
    /// <exception cref="ArgumentException">No exported state machine has that name.</exception>
    public async Task<ExecutionResult> RunAsync(string stateMachine, JsonNode? input, ExecutionOptions options, CancellationToken cancellationToken)
    {
        if (!_definitions.TryGetValue(stateMachine, out var definition))
        {
            throw new ArgumentException($"The flow has no exported state machine '{stateMachine}'; it has: {string.Join(", ", _definitions.Keys)}.", nameof(stateMachine));
        }

        var handlers = new TaskHandlerRegistry();
        var workers = Bind(handlers);
        try
        {
            var runner = new StateMachineRunner(handlers, new StateMachineRunnerOptions { TimeProvider = _options.TimeProvider });
            return await runner.RunAsync(definition, input, options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await workers.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Registers a handler for every task of the flow, for one execution; disposing the result cleans up the
    /// execution's ecs:worker instances.
    /// </summary>
    /// <param name="handlers">The registry to fill.</param>
    /// <param name="stateData">The state data client by execution name; default: the program's own (<see cref="FlowProgramOptions.StateData"/>).</param>
    public IAsyncDisposable Bind(TaskHandlerRegistry handlers, Func<string, IStateDataClient>? stateData = null)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        stateData ??= _stateData;
        var workers = new Workers();
        foreach (var task in _compilation.Tasks)
        {
            if (task.Service == TaskService.EcsWorker)
            {
                var worker = new WorkerHost(WorkerType(task), task.Concurrency);
                workers.Add(worker);
                handlers.AddResource(task.Resource, Handler((data, context, ct) => worker.RunAsync(data, context, ct), stateData));
            }
            else
            {
                var type = _assembly.GetType(task.TypeName, throwOnError: true)!;
                handlers.AddResource(task.Resource, Handler((data, context, ct) => ((FlowTask)Activator.CreateInstance(type)!).RunAsync(data, context, ct), stateData));
            }
        }

        return workers;
    }

    /// <summary>
    /// The telemetry tags of one execution event for a machine with <c>[ProcessEvents]</c>: the built-in ones (event
    /// type, execution and state machine names, the input flattened to <c>input.a.b</c> keys, error and cause) and
    /// those the machine's custom <see cref="EventProcessor"/> adds for that event type.
    /// </summary>
    /// <param name="processor">The machine's processor: a class name of the flow, or <c>default</c>.</param>
    /// <param name="message">The event (<c>type</c>, <c>details</c>, <c>execution_arn</c>, ...).</param>
    /// <param name="input">The execution's input.</param>
    /// <param name="executionName">The execution's name (for the state data client).</param>
    /// <param name="stateData">The state data client by execution name; null for the program's own.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public async Task<JsonObject> EventTagsAsync(string processor, JsonObject message, JsonNode? input, string executionName, Func<string, IStateDataClient>? stateData, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var type = (string?)message["type"] ?? string.Empty;
        var arn = (string?)message["execution_arn"] ?? string.Empty;
        var parts = arn.Split(':');
        var tags = new JsonObject
        {
            ["event_type"] = type,
            ["execution_name"] = parts.Length > 0 ? parts[^1] : executionName,
            ["state_machine_name"] = parts.Length > 1 ? parts[^2] : string.Empty,
        };
        Flatten("input", input, tags);
        if (message["details"]?["error"] is { } error)
        {
            tags["error"] = error.DeepClone();
            tags["cause"] = message["details"]?["cause"]?.DeepClone();
        }

        if (processor != "default" && _compilation.EventProcessors.FirstOrDefault(p => p.Name == processor) is { } definition)
        {
            var instance = (EventProcessor)Activator.CreateInstance(_assembly.GetType(definition.TypeName, throwOnError: true)!)!;
            var state = (stateData ?? _stateData)(executionName);
            var custom = type switch
            {
                "ExecutionStarted" => await instance.GetCustomTagsExecutionStartedAsync(message, input, state, cancellationToken).ConfigureAwait(false),
                "ExecutionSucceeded" => await instance.GetCustomTagsExecutionSucceededAsync(message, input, state, cancellationToken).ConfigureAwait(false),
                "ExecutionFailed" => await instance.GetCustomTagsExecutionFailedAsync(message, input, state, cancellationToken).ConfigureAwait(false),
                _ => [],
            };
            foreach (var (key, value) in custom)
            {
                tags[key] = value?.DeepClone();
            }
        }

        return tags;
    }

    private static void Flatten(string prefix, JsonNode? node, JsonObject tags)
    {
        if (node is JsonObject o && o.Count > 0)
        {
            foreach (var (key, value) in o)
            {
                Flatten(prefix + "." + key, value, tags);
            }
        }
        else
        {
            tags[prefix] = node?.DeepClone();
        }
    }

    /// <summary>Unloads the flow's assembly.</summary>
    public void Dispose() => _context.Unload();

    private Type? WorkerType(FlowTaskDefinition task)
    {
        var spec = task.Spec!;
        var name = spec.Split(',')[0].Trim();
        return _assembly.GetType(name) ?? Type.GetType(spec);
    }

    private static TaskHandler Handler(Func<JsonNode?, TaskContext, CancellationToken, Task<JsonNode?>> body, Func<string, IStateDataClient> stateData) => async (input, call, cancellationToken) =>
    {
        var meta = input?["meta"];
        var context = new FlowTaskContext(
            Text(meta, "execution_name") ?? call.ExecutionArn,
            Text(meta, "state_machine_name") ?? string.Empty,
            Text(meta, "state_name") ?? call.StateName,
            call.Attempt,
            call,
            stateData);
        try
        {
            return await body(input?["data"]?.DeepClone(), context, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not StatesTaskException && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // The error name follows the one the compiler gives the type in catch and Retry: Outer.Name for nested types.
            var cause = new JsonObject { ["errorMessage"] = e.Message, ["errorType"] = e.GetType().Name };
            throw new StatesTaskException(ErrorName(e.GetType()), cause.ToJsonString());
        }
    };

    private static string? Text(JsonNode? node, string name) => node?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    internal static string ErrorName(Type type)
    {
        var name = type.Name;
        for (var outer = type.DeclaringType; outer is not null; outer = outer.DeclaringType)
        {
            name = outer.Name + "." + name;
        }

        return name;
    }

    private sealed class FlowTaskContext(string executionName, string stateMachineName, string stateName, int attempt, Rheo.Runtime.States.TaskContext call, Func<string, IStateDataClient> stateData) : TaskContext
    {
        private IStateDataClient? _client;

        public override string ExecutionName => executionName;

        public override string StateMachineName => stateMachineName;

        public override string StateName => stateName;

        public override int Attempt => attempt;

        public override IStateDataClient StateData => _client ??= stateData(executionName);

        public override Task<JsonNode?> StopExecutionAsync(string? error, string? cause, CancellationToken cancellationToken)
        {
            call.StopExecution(error, cause);
            return Task.FromResult<JsonNode?>(null);
        }
    }

    /// <summary>One execution's ecs:worker hosts, cleaned up together.</summary>
    private sealed class Workers : List<WorkerHost>, IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var worker in this)
            {
                await worker.CleanupAsync(CancellationToken.None).ConfigureAwait(false);
                worker.Dispose();
            }
        }
    }

    /// <summary>An ecs:worker's worker for one execution: started on first use, at most Concurrency messages at once.</summary>
    private sealed class WorkerHost(Type? type, int concurrency) : IDisposable
    {
        private readonly SemaphoreSlim _slots = new(concurrency, concurrency);
        private readonly Lazy<Task<TaskWorker>> _worker = new(() => StartAsync(type));

        public async Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken)
        {
            var worker = await _worker.Value.ConfigureAwait(false);
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await worker.RunAsync(input, context, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _slots.Release();
            }
        }

        public async Task CleanupAsync(CancellationToken cancellationToken)
        {
            if (_worker.IsValueCreated && _worker.Value.IsCompletedSuccessfully)
            {
                await _worker.Value.Result.OnCleanupAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public void Dispose() => _slots.Dispose();

        private static async Task<TaskWorker> StartAsync(Type? type)
        {
            if (type is null || !typeof(TaskWorker).IsAssignableFrom(type))
            {
                throw new StatesTaskException(Rheo.States.ErrorNames.TaskFailed, $"The worker named by Spec is not a TaskWorker of the flow file or a loadable assembly: {type?.FullName ?? "not found"}.");
            }

            var worker = (TaskWorker)Activator.CreateInstance(type)!;
            await worker.OnStartupAsync(CancellationToken.None).ConfigureAwait(false);
            return worker;
        }
    }
}
