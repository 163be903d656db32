using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Rheo.Core.Dimensions;
using Rheo.Core.Signals;
using Rheo.Runtime;
using Rheo.Runtime.Compute;
using Rheo.Runtime.States;

namespace Rheo.CSharp.Flows;

/// <summary>
/// Puts a flow file's exported state machines into an <see cref="Application"/> as routes: <c>[Schedule]</c> becomes a
/// timer input, <c>[Subscribe]</c> an input on the other machine's success (its node) or failure (its failure
/// signal), and <c>[ProcessEvents]</c> sends the machine's execution events to its processor.
/// </summary>
/// <remarks>
/// Each route is a data node named after the machine with one compute target, the machine's definition run on the
/// Rheo.States interpreter; the flow's source text travels in the node's metadata, so an application attached in
/// another process compiles the tasks again (once per process and text) without the original file.
/// </remarks>
public static class FlowRoutes
{
    /// <summary>The metadata key holding the flow's C# source.</summary>
    public const string SourceKey = "rheo.flow.source";

    /// <summary>The metadata key holding the flow file's path (for diagnostics).</summary>
    public const string PathKey = "rheo.flow.path";

    /// <summary>The metadata key holding the machine's event processor (<c>default</c> or a class name), with <c>[ProcessEvents]</c>.</summary>
    public const string EventsKey = "rheo.flow.events";

    /// <summary>The time dimension of a scheduled machine's timer: minutes, so every firing is its own partition.</summary>
    public const string TimeDimension = "time";

    /// <summary>Compiles the flow file and adds a route for every exported machine that has a trigger.</summary>
    /// <param name="application">The application.</param>
    /// <param name="path">The flow file.</param>
    /// <returns>The routes added, in dependency order.</returns>
    /// <exception cref="FlowRouteException">The flow does not compile, or a trigger cannot become a route; nothing is added.</exception>
    public static IReadOnlyList<Signal> AddFlow(this Application application, string path) =>
        AddFlowSource(application, File.ReadAllText(path), path);

    /// <inheritdoc cref="AddFlow"/>
    /// <param name="application">The application.</param>
    /// <param name="source">The flow's C# text.</param>
    /// <param name="path">The path used in diagnostics.</param>
    public static IReadOnlyList<Signal> AddFlowSource(this Application application, string source, string path)
    {
        ArgumentNullException.ThrowIfNull(application);
        ArgumentNullException.ThrowIfNull(source);
        var compilation = FlowCompiler.Compile(source, path);
        if (compilation.HasErrors)
        {
            throw new FlowRouteException($"The flow '{path}' has errors:{Environment.NewLine}{string.Join(Environment.NewLine, compilation.Diagnostics)}");
        }

        var machines = compilation.StateMachines.Where(m => m.Triggers.Count > 0).ToDictionary(m => m.Name, StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var machine in machines.Values)
        {
            if (machine.Triggers.Count > 1)
            {
                problems.Add($"{machine.Name}: a route takes one trigger, and the machine has {machine.Triggers.Count}; split it into one exported machine per trigger.");
            }

            var trigger = machine.Triggers[0];
            if ((string?)trigger["type"] == "subscribe")
            {
                if (trigger["topicArnImportValue"] is not null)
                {
                    problems.Add($"{machine.Name}: a subscription to an explicit topic has no local counterpart; subscribe to a state machine of this application instead.");
                }
                else if ((string?)trigger["project"] is { } project && project != application.Name)
                {
                    problems.Add($"{machine.Name}: it subscribes to project '{project}', but routes run in the application '{application.Name}'; add both flows to one application (project: \"{application.Name}\").");
                }
                else if ((string)trigger["stateMachine"]! is var upstream && !machines.ContainsKey(upstream) && application.Nodes.All(n => n.Id != upstream))
                {
                    problems.Add($"{machine.Name}: it subscribes to '{upstream}', which is neither a triggered machine of this flow nor a node of the application.");
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new FlowRouteException($"The flow '{path}' cannot become routes:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
        }

        var added = new List<Signal>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var machine in machines.Values)
        {
            Add(machine);
        }

        return added;

        Signal Add(FlowStateMachine machine)
        {
            if (!done.Add(machine.Name))
            {
                return application[machine.Name];
            }

            var trigger = machine.Triggers[0];
            Signal input;
            if ((string?)trigger["type"] == "schedule")
            {
                input = application.AddTimer(machine.Name + ".schedule", (string)trigger["expression"]!, TimeDimension, "%Y-%m-%dT%H:%M", DatetimeGranularity.Minute);
            }
            else
            {
                var name = (string)trigger["stateMachine"]!;
                var upstream = machines.TryGetValue(name, out var other) ? Add(other) : application[name];
                input = (string?)trigger["status"] == "failure" ? application.FailuresOf(upstream) : upstream;
            }

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { [SourceKey] = source, [PathKey] = path };
            if (machine.EventProcessor is { } processor)
            {
                metadata[EventsKey] = processor;
            }

            var route = application.CreateData(machine.Name, inputs: [input], metadata: metadata,
                computeTargets: [ComputeTarget.StateMachine<FlowStateMachineTasks>(machine.DefinitionJson, name: machine.Name)]);
            added.Add(route);
            return route;
        }
    }
}

/// <summary>A flow cannot become routes; the message lists every problem.</summary>
public sealed class FlowRouteException(string message) : Exception(message);

/// <summary>
/// The task handlers of a flow route: compiles the flow text from the node's metadata (once per process and text),
/// binds its tasks for the attempt, and gives the machine's execution events to its <c>[ProcessEvents]</c> processor.
/// </summary>
public sealed class FlowStateMachineTasks : IStateMachineTasks, IStateMachineObserver
{
    private static readonly ConcurrentDictionary<string, Lazy<FlowProgram>> Programs = new(StringComparer.Ordinal);

    private FlowProgram? _program;
    private IAsyncDisposable? _binding;
    private string? _processor;
    private string _executionName = string.Empty;
    private Func<string, Rheo.Flows.IStateDataClient>? _stateData;

    /// <inheritdoc />
    public void Register(TaskHandlerRegistry registry, ComputeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var source = context.Params.GetValueOrDefault(FlowRoutes.SourceKey) as string
            ?? throw new InvalidOperationException($"Node '{context.Output.NodeId}' has no flow source in its metadata ('{FlowRoutes.SourceKey}'); add flows with Application.AddFlow.");
        var path = context.Params.GetValueOrDefault(FlowRoutes.PathKey) as string ?? "flow.cs";
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(path + "\n" + source)));
        _program = Programs.GetOrAdd(hash, _ => new Lazy<FlowProgram>(() => FlowProgram.Load(FlowCompiler.Compile(source, path)))).Value;
        _stateData = context.StateData is { } store ? new StoreStateData(store).ClientFor : null;
        _binding = _program.Bind(registry, _stateData);
        _processor = context.Params.GetValueOrDefault(FlowRoutes.EventsKey) as string;
        _executionName = context.AttemptName;
    }

    /// <inheritdoc />
    public async ValueTask<JsonObject?> OnExecutionEventAsync(JsonObject message, JsonNode? input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if ((string?)message["type"] != "ExecutionStarted" && _binding is { } binding)
        {
            _binding = null;
            await binding.DisposeAsync().ConfigureAwait(false);
        }

        return _processor is null || _program is null
            ? null
            : await _program.EventTagsAsync(_processor, message, input, _executionName, _stateData, cancellationToken).ConfigureAwait(false);
    }
}
