namespace Rheo.Flows;

/// <summary>
/// The Amazon States Language's predefined errors, as exception types for <c>catch</c> and <c>Retry</c>:
/// <c>catch (Exception e) when (e is States.Timeout or KeyNotFoundException)</c>.
/// </summary>
/// <remarks>
/// A nested type's error name is <c>Outer.Name</c> (<c>States.Timeout</c>); declare your own the same way
/// (<c>static class Orders { public sealed class NotFound : Exception; }</c> → <c>Orders.NotFound</c>). A task fails a
/// state with such a name by throwing that type.
/// </remarks>
#pragma warning disable CA1034, CA1032, CA1064, CA1710 // Nested, minimal exception types are the DSL's spelling of ASL error names.
public static class States
{
    /// <summary><c>States.Timeout</c>: a task ran longer than its timeout or missed a heartbeat.</summary>
    public sealed class Timeout : Exception;

    /// <summary><c>States.TaskFailed</c>: any task failure except a timeout.</summary>
    public sealed class TaskFailed : Exception;

    /// <summary><c>States.Permissions</c>: not enough privileges to run the task.</summary>
    public sealed class Permissions : Exception;

    /// <summary><c>States.ResultPathMatchFailure</c>: the result could not be placed in the data.</summary>
    public sealed class ResultPathMatchFailure : Exception;

    /// <summary><c>States.BranchFailed</c>: a Parallel branch failed.</summary>
    public sealed class BranchFailed : Exception;

    /// <summary><c>States.HeartbeatTimeout</c>: a task missed a heartbeat.</summary>
    public sealed class HeartbeatTimeout : Exception;

    /// <summary><c>States.ExceedToleratedFailureThreshold</c>: a Map had more failed items than tolerated.</summary>
    public sealed class ExceedToleratedFailureThreshold : Exception;
}
#pragma warning restore CA1034, CA1032, CA1064, CA1710
