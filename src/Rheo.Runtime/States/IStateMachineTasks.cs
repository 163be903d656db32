using Rheo.Runtime.Compute;

namespace Rheo.Runtime.States;

/// <summary>
/// Binds the Task states of a state machine compute target to .NET handlers. Referenced by type, so a persisted
/// topology reloads it; a new instance serves each attempt of an execution.
/// </summary>
public interface IStateMachineTasks
{
    /// <summary>Registers the handlers for one attempt; <paramref name="context"/> is the execution (paths, dimensions).</summary>
    void Register(TaskHandlerRegistry registry, ComputeContext context);
}
