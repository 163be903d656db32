namespace Rheo.Runtime;

/// <summary>An application's lifecycle state (the guide's INACTIVE, ACTIVE, PAUSED, DELETED).</summary>
public enum ApplicationState
{
    /// <summary>Defined but not activated, or terminated: nothing is processed.</summary>
    Inactive,

    /// <summary>Routes are live: events are processed and executions run.</summary>
    Active,

    /// <summary>Events are accepted and kept, but processed only after <c>ResumeAsync</c>.</summary>
    Paused,

    /// <summary>Deleted: the store holds nothing more of it.</summary>
    Deleted,
}
