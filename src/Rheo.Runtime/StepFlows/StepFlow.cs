using Rheo.Core.Dimensions;
using Rheo.Core.Signals;
using Rheo.Runtime.Compute;
using Rheo.Runtime.Nodes;

namespace Rheo.Runtime.StepFlows;

/// <summary>
/// A flow definition (synergy_flow's workflow): a DAG of steps, each with pre actions, one main action and post
/// actions, run for one period at a time. <see cref="FlowApplicationExtensions.AddStepFlow"/> turns it into nodes of an
/// application: a period source, one data node per step and a node named after the flow that completes when every
/// step did.
/// </summary>
/// <remarks>Steps are added in dependency order (a step names steps already added), so a flow cannot have a cycle.</remarks>
/// <param name="name">The flow's name; also the id of its flow node.</param>
public sealed class StepFlow(string name)
{
    private readonly List<FlowStep> _steps = [];

    /// <summary>The flow's name.</summary>
    public string Name { get; } = !string.IsNullOrWhiteSpace(name) ? name : throw new ArgumentException("A flow needs a name.", nameof(name));

    /// <summary>The name of the period dimension every step shares.</summary>
    public string PeriodDimension { get; init; } = "period";

    /// <summary>The period's granularity.</summary>
    public DatetimeGranularity PeriodGranularity { get; init; } = DatetimeGranularity.Day;

    /// <summary>The period's format.</summary>
    public string PeriodFormat { get; init; } = "%Y-%m-%d";

    /// <summary>An EventBridge schedule (<c>rate(1 day)</c>) that starts the flow for each period through the engine's events; null runs it only on request (<c>RunFlowAsync</c>, <c>rheo flow run</c>).</summary>
    public string? Schedule { get; init; }

    /// <summary>Environment-specific settings handed to every action (the seed's context); <c>log_directory</c> moves the logs.</summary>
    public Dictionary<string, string> Settings { get; } = new(StringComparer.Ordinal);

    /// <summary>Credentials handed to every action: name → the environment variable holding the value (values are never stored).</summary>
    public Dictionary<string, string> Credentials { get; } = new(StringComparer.Ordinal);

    /// <summary>The steps in the order added.</summary>
    public IReadOnlyList<FlowStep> Steps => _steps;

    /// <summary>The id of the node that feeds the period to the flow's first steps.</summary>
    public string PeriodNodeId => Name + ".period";

    /// <summary>Adds a step.</summary>
    /// <param name="name">The step's name; also its node id.</param>
    /// <param name="main">The main action.</param>
    /// <param name="pre">Actions run before the main action; if one fails, main and post are skipped and the step fails.</param>
    /// <param name="post">Actions run after the main action succeeded.</param>
    /// <param name="after">The steps this one depends on (added before it).</param>
    /// <exception cref="ArgumentException">The name is taken, or a dependency is not a step of this flow.</exception>
    public FlowStep Step(string name, FlowAction main, IReadOnlyList<FlowAction>? pre = null, IReadOnlyList<FlowAction>? post = null, IReadOnlyList<FlowStep>? after = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(main);
        if (name == Name || name == PeriodNodeId || _steps.Any(s => s.Name == name))
        {
            throw new ArgumentException($"Flow '{Name}' already has a node named '{name}'; step names must differ from each other, from the flow's name and from '{PeriodNodeId}'.", nameof(name));
        }

        foreach (var dependency in after ?? [])
        {
            if (!_steps.Contains(dependency))
            {
                throw new ArgumentException($"Step '{name}' depends on '{dependency.Name}', which is not a step of flow '{Name}' added before it; its steps are: {string.Join(", ", _steps.Select(s => s.Name).DefaultIfEmpty("none"))}.", nameof(after));
            }
        }

        var step = new FlowStep(name, pre ?? [], main, post ?? [], [.. (after ?? []).Select(s => s.Name).Distinct()]);
        _steps.Add(step);
        return step;
    }
}

/// <summary>A step of a flow: pre actions, the main action, post actions, and the steps it depends on.</summary>
/// <param name="Name">The step's name (its node id).</param>
/// <param name="Pre">Actions before the main action.</param>
/// <param name="Main">The main action.</param>
/// <param name="Post">Actions after the main action.</param>
/// <param name="After">The names of the steps it depends on.</param>
public sealed record FlowStep(string Name, IReadOnlyList<FlowAction> Pre, FlowAction Main, IReadOnlyList<FlowAction> Post, IReadOnlyList<string> After)
{
    /// <summary>The step's actions as the ordered compute targets of its node (pre, main, post), each named uniquely within the step.</summary>
    public IReadOnlyList<FlowActionTarget> Targets()
    {
        List<(FlowActionPhase Phase, FlowAction Action)> all = [.. Pre.Select(a => (FlowActionPhase.Pre, a)), (FlowActionPhase.Main, Main), .. Post.Select(a => (FlowActionPhase.Post, a))];
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        return [.. all.Select((p, i) =>
        {
            var count = seen[p.Action.Name] = seen.GetValueOrDefault(p.Action.Name) + 1;
            var action = count == 1 ? p.Action : p.Action with { Name = $"{p.Action.Name}-{count}" };
            return new FlowActionTarget(Name, p.Phase, action, i, all.Count);
        })];
    }
}

/// <summary>Adds step flows to applications.</summary>
public static class FlowApplicationExtensions
{
    /// <summary>
    /// Adds a flow's nodes to the application's development context: the period source (<c>&lt;flow&gt;.period</c>: a
    /// timer when the flow has a schedule, else an external node that only explicit events feed), a data node per step
    /// whose compute targets are its actions, and the flow node (named after the flow) that reads every last step.
    /// </summary>
    /// <returns>The flow node's signal: index it with a period (<c>flow["2024-05-01"]</c>) to run or poll the flow.</returns>
    /// <exception cref="ArgumentException">The flow has no steps, or a node id is taken.</exception>
    public static Signal AddStepFlow(this Application application, StepFlow flow)
    {
        ArgumentNullException.ThrowIfNull(application);
        ArgumentNullException.ThrowIfNull(flow);
        if (flow.Steps.Count == 0)
        {
            throw new ArgumentException($"Flow '{flow.Name}' has no steps; add at least one with Step(...).", nameof(flow));
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [FlowMetadata.Flow] = flow.Name,
            [FlowMetadata.SettingsKey] = FlowMetadata.Write(flow.Settings),
            [FlowMetadata.CredentialsKey] = FlowMetadata.Write(flow.Credentials),
        };
        var spec = DimensionSpec.Of(Dimension.DateTime(flow.PeriodDimension, flow.PeriodGranularity, flow.PeriodFormat));
        var period = flow.Schedule is { } schedule
            ? application.AddTimer(flow.PeriodNodeId, schedule, flow.PeriodDimension, flow.PeriodFormat, flow.PeriodGranularity)
            : application.MarshalExternalData(LocalDataset.Of(Path.Combine(application.Root, "flows", flow.Name, "period"), "{}"), flow.PeriodNodeId, spec);
        var signals = new Dictionary<string, Signal>(StringComparer.Ordinal);
        foreach (var step in flow.Steps)
        {
            var inputs = step.After.Count == 0 ? [period] : step.After.Select(a => signals[a]).ToList();
            signals[step.Name] = application.CreateData(step.Name, inputs: inputs, computeTargets: step.Targets(), metadata: metadata);
        }

        var last = flow.Steps.Where(s => !flow.Steps.Any(o => o.After.Contains(s.Name))).Select(s => signals[s.Name]).ToList();
        return application.CreateData(flow.Name, inputs: last, computeTargets: [ComputeTarget.NoOp], metadata: metadata);
    }
}
