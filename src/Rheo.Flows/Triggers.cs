namespace Rheo.Flows;

/// <summary>Starts the state machine on a schedule: <c>rate(1 hour)</c> or <c>cron(0 12 * * ? *)</c>. Exports it.</summary>
/// <param name="expression">A rate or cron expression in the ScheduledEvents format.</param>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ScheduleAttribute(string expression) : Attribute
{
    /// <summary>The rate or cron expression.</summary>
    public string Expression { get; } = expression;
}

/// <summary>
/// Starts the state machine when another project's state machine succeeds or fails, or when a message reaches an
/// explicit topic. Exports it.
/// </summary>
/// <param name="project">The other project.</param>
/// <param name="stateMachine">The other project's state machine method; default <c>Main</c>.</param>
/// <param name="status"><c>success</c> (default) or <c>failure</c>.</param>
/// <param name="topicArnImportValue">Instead of a project: the exported topic ARN (may use <c>${...}</c> substitutions).</param>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class SubscribeAttribute(string? project = null, string stateMachine = "Main", string status = "success", string? topicArnImportValue = null) : Attribute
{
    /// <summary>The other project.</summary>
    public string? Project { get; } = project;

    /// <summary>The other project's state machine.</summary>
    public string StateMachine { get; } = stateMachine;

    /// <summary><c>success</c> or <c>failure</c>.</summary>
    public string Status { get; } = status;

    /// <summary>The explicit topic's import value.</summary>
    public string? TopicArnImportValue { get; } = topicArnImportValue;
}

/// <summary>Exports a state machine that is not <c>Main</c>: it gets its own definition and can be run directly.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ExportAttribute : Attribute
{
}

/// <summary>Sends the machine's ExecutionStarted, ExecutionSucceeded and ExecutionFailed events to an event processor.</summary>
/// <param name="processor">A class of the flow file deriving from <see cref="EventProcessor"/>; default: the built-in processor.</param>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ProcessEventsAttribute(Type? processor = null) : Attribute
{
    /// <summary>The custom processor, if any.</summary>
    public Type? Processor { get; } = processor;
}
