using Rheo.Core.Signals;
using Rheo.Runtime.StepFlows;

// A partial of Application, kept beside the feature it serves: the graph operations every application gets.
namespace Rheo.Runtime;

public sealed partial class Application
{
    /// <summary>
    /// Runs a flow node for a period in one of synergy_flow's four modes: <see cref="FlowRunMode.Run"/>,
    /// <see cref="FlowRunMode.Recover"/>, <see cref="FlowRunMode.RunOne"/> or <see cref="FlowRunMode.RunFrom"/>. The
    /// flow's steps are the node and every data node upstream of it with the same dimensions; any application's node
    /// can be run this way, not only those of <see cref="FlowApplicationExtensions.AddStepFlow"/>.
    /// </summary>
    /// <param name="flow">The flow node and period: <c>app["daily"]["2024-05-01"]</c>.</param>
    /// <param name="mode">The mode.</param>
    /// <param name="step">The step of run_one and run_from.</param>
    /// <param name="options">Clusters and progress.</param>
    /// <param name="cancellationToken">Stops waiting and starting steps (started executions go on).</param>
    /// <returns>What ran and how it ended; a failed step is a result, not an exception.</returns>
    /// <exception cref="ArgumentException">The signal is not a material data node, or the step is not one of the flow's.</exception>
    /// <exception cref="InvalidOperationException">The mode refuses: recover when the flow has not failed, run_one/run_from when a predecessor has not completed, any mode when a step to reset is running.</exception>
    public async Task<FlowRunResult> RunFlowAsync(Signal flow, FlowRunMode mode, string? step = null, FlowRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(flow);
        options ??= new FlowRunOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.NominalClusters, 1, nameof(options));
        var active = await RequireRunningAsync(cancellationToken, implicitActivation: true).ConfigureAwait(false);
        var processor = _processor ?? throw new InvalidOperationException($"Another process runs application '{Name}' (it holds {EngineLockPath}); run the flow there, or stop it.");
        var (route, output, _) = Target(active, flow);
        var runner = new FlowRunner(Name, Root, _store, active, processor);
        return await runner.RunAsync(route.Id, route.OutputSpec.Render(output), mode, step, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A flow node's state for a period (as managed runs and events left it) and where each of its steps and their actions stand.</summary>
    /// <exception cref="ArgumentException">The signal is not a material data node of the active topology.</exception>
    public async Task<FlowStatus> GetFlowStatusAsync(Signal flow, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var active = await RequireActiveTopologyAsync(cancellationToken).ConfigureAwait(false);
        var (route, output, _) = Target(active, flow);
        return await new FlowRunner(Name, Root, _store, active, _processor).StatusAsync(route.Id, route.OutputSpec.Render(output), cancellationToken).ConfigureAwait(false);
    }
}
