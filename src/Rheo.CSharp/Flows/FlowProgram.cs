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
        var workers = new List<WorkerHost>();
        foreach (var task in _compilation.Tasks)
        {
            if (task.Service == TaskService.EcsWorker)
            {
                var worker = new WorkerHost(WorkerType(task), task.Concurrency);
                workers.Add(worker);
                handlers.AddResource(task.Resource, Handler((data, context, ct) => worker.RunAsync(data, context, ct)));
            }
            else
            {
                var type = _assembly.GetType(task.TypeName, throwOnError: true)!;
                handlers.AddResource(task.Resource, Handler((data, context, ct) => ((FlowTask)Activator.CreateInstance(type)!).RunAsync(data, context, ct)));
            }
        }

        try
        {
            var runner = new StateMachineRunner(handlers, new StateMachineRunnerOptions { TimeProvider = _options.TimeProvider });
            return await runner.RunAsync(definition, input, options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.CleanupAsync(CancellationToken.None).ConfigureAwait(false);
                worker.Dispose();
            }
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

    private TaskHandler Handler(Func<JsonNode?, TaskContext, CancellationToken, Task<JsonNode?>> body) => async (input, call, cancellationToken) =>
    {
        var meta = input?["meta"];
        var context = new FlowTaskContext(
            Text(meta, "execution_name") ?? call.ExecutionArn,
            Text(meta, "state_machine_name") ?? string.Empty,
            Text(meta, "state_name") ?? call.StateName,
            call.Attempt,
            call,
            _stateData);
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
