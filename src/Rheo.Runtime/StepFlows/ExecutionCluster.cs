using Rheo.Runtime.Storage;

namespace Rheo.Runtime.StepFlows;

/// <summary>
/// An execution cluster (synergy_flow's EMR / Dataproc / local cluster): where a flow run's steps execute, one step
/// at a time per cluster. A run spawns its clusters, hands each a step when its predecessors are done, and
/// terminates them (disposes) at the end.
/// </summary>
public interface IExecutionCluster : IAsyncDisposable
{
    /// <summary>The cluster's name in logs and progress.</summary>
    string Name { get; }

    /// <summary>Runs one step's execution to its end and returns its final record.</summary>
    Task<ExecutionRecord> RunStepAsync(FlowStepRun step, CancellationToken cancellationToken);
}

/// <summary>Spawns execution clusters for flow runs (the port other cluster types implement).</summary>
public interface IExecutionClusterProvider
{
    /// <summary>Spawns a cluster for a run of a flow.</summary>
    /// <param name="flow">The flow node.</param>
    /// <param name="index">The cluster's number in the run, from 1.</param>
    /// <param name="cancellationToken">Stops spawning.</param>
    Task<IExecutionCluster> SpawnAsync(string flow, int index, CancellationToken cancellationToken);
}

/// <summary>A step to run for a period, as handed to a cluster.</summary>
public sealed class FlowStepRun
{
    private readonly Func<CancellationToken, Task<ExecutionRecord>> _run;

    internal FlowStepRun(string flow, string step, string period, FlowRunMode mode, Func<CancellationToken, Task<ExecutionRecord>> run)
    {
        Flow = flow;
        Step = step;
        Period = period;
        Mode = mode;
        _run = run;
    }

    /// <summary>The flow node.</summary>
    public string Flow { get; }

    /// <summary>The step (node id).</summary>
    public string Step { get; }

    /// <summary>The period.</summary>
    public string Period { get; }

    /// <summary>The run's mode.</summary>
    public FlowRunMode Mode { get; }

    /// <summary>Runs the step's execution on this machine's engine (actions in-process or as child processes) and waits for its end.</summary>
    public Task<ExecutionRecord> RunLocallyAsync(CancellationToken cancellationToken) => _run(cancellationToken);
}

/// <summary>Spawns local clusters: each runs steps through this process's engine.</summary>
public sealed class LocalClusterProvider : IExecutionClusterProvider
{
    private LocalClusterProvider()
    {
    }

    /// <summary>The provider.</summary>
    public static LocalClusterProvider Instance { get; } = new();

    /// <inheritdoc />
    public Task<IExecutionCluster> SpawnAsync(string flow, int index, CancellationToken cancellationToken) => Task.FromResult<IExecutionCluster>(new LocalCluster($"local-{index}"));

    private sealed class LocalCluster(string name) : IExecutionCluster
    {
        public string Name => name;

        public Task<ExecutionRecord> RunStepAsync(FlowStepRun step, CancellationToken cancellationToken) => step.RunLocallyAsync(cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
