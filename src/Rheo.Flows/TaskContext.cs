namespace Rheo.Flows;

/// <summary>What a running task knows and can do: its execution, the state data client, and stopping the execution.</summary>
public abstract class TaskContext
{
    /// <summary>The execution's name (its id): the namespace of its local state data.</summary>
    public abstract string ExecutionName { get; }

    /// <summary>The state machine's name.</summary>
    public abstract string StateMachineName { get; }

    /// <summary>The Task state's name.</summary>
    public abstract string StateName { get; }

    /// <summary>0 for the first attempt, then 1, 2, ... for retries.</summary>
    public abstract int Attempt { get; }

    /// <summary>Stores and loads data too large to travel in the state data; items are keyed by execution.</summary>
    public abstract IStateDataClient StateData { get; }

    /// <summary>Stops the whole execution with status ABORTED, like the Step Functions StopExecution call.</summary>
    /// <param name="error">A short code, such as <c>FeatureDisabled</c>.</param>
    /// <param name="cause">A longer description.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><see langword="null"/>, so that a task can <c>return await context.StopExecutionAsync(...)</c>.</returns>
    public abstract Task<System.Text.Json.Nodes.JsonNode?> StopExecutionAsync(string? error, string? cause, CancellationToken cancellationToken);
}
