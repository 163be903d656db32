namespace Rheo.Flows;

/// <summary>
/// The states a state machine method can use: <c>using static Rheo.Flows.Flow;</c> brings <see cref="Run{TTask}"/>,
/// <see cref="Map"/>, <see cref="Parallel"/>, <see cref="Wait"/>, <see cref="Retry"/> and <see cref="Json"/> into scope.
/// </summary>
/// <remarks>
/// These methods describe states; <c>rheo states compile</c> reads them from the source and never runs them. Arguments
/// must be data references (<c>data["key"]</c>), constants or method names, as each method documents.
/// </remarks>
public static class Flow
{
    /// <summary>A Task state running <typeparamref name="TTask"/>; assign it to <c>data["key"]</c> to keep the result.</summary>
    /// <param name="input">The part of the data the task gets (default: all of it).</param>
    /// <param name="key">The state's name (default: the task's class name).</param>
    /// <param name="timeout">Seconds for this state, overriding the task's <see cref="TaskSettingsAttribute.Timeout"/>.</param>
    public static FlowValue Run<TTask>(FlowValue? input = null, string? key = null, int? timeout = null)
        where TTask : FlowTask => throw NotRun();

    /// <summary>A Map state: runs <paramref name="iterator"/> once per item of a pointer from <see cref="IStateDataClient.PutItemsAsync"/>.</summary>
    /// <param name="items">The pointer <c>{"table_name", "partition_key", "key", "items"}</c> in the data.</param>
    /// <param name="iterator">A static method of the flow file taking <see cref="FlowData"/>; each iteration gets
    /// <c>{"items_result_table_name", "items_result_partition_key", "items_result_key", "context_index", "context_value"}</c>.</param>
    /// <param name="maxConcurrency">Iterations at once; 0 (default) for no limit.</param>
    /// <param name="key">The state's name.</param>
    public static FlowValue Map(FlowValue items, Action<FlowData> iterator, int maxConcurrency = 0, string? key = null) => throw NotRun();

    /// <summary>A Parallel state: runs every branch (static methods of the flow file taking <see cref="FlowData"/>) on the data.</summary>
    /// <returns>The branches' results, in order, when assigned to <c>data["key"]</c>.</returns>
    public static FlowValue Parallel(params Action<FlowData>[] branches) => throw NotRun();

    /// <summary>A Wait state: for <paramref name="seconds"/>, or until <paramref name="timestamp"/> (ISO 8601); constants or data references.</summary>
    /// <param name="seconds">Seconds to wait: a non-negative integer or <c>data["key"]</c>.</param>
    /// <param name="timestamp">When to continue, such as <c>"2020-08-18T17:33:00Z"</c>, or <c>data["key"]</c>.</param>
    /// <param name="key">The state's name.</param>
    public static void Wait(FlowValue? seconds = null, FlowValue? timestamp = null, string? key = null) => throw NotRun();

    /// <summary>A retrier for the one task (or Map, Parallel) inside <c>using (Retry(...)) { ... }</c>.</summary>
    /// <param name="onExceptions">The errors to retry (exception types; default: all).</param>
    /// <param name="interval">Seconds before the first retry; default 1.</param>
    /// <param name="maxAttempts">Retries at most; default 3.</param>
    /// <param name="backoffRate">Multiplier of the interval per retry; default 2.0.</param>
    public static IDisposable Retry(Type[]? onExceptions = null, int interval = 1, int maxAttempts = 3, double backoffRate = 2.0) => throw NotRun();

    /// <summary>A static JSON value written as JSON text: <c>data["debug"] = Json("""{"level": "INFO"}""")</c>.</summary>
    public static FlowValue Json(string json) => throw NotRun();

    internal static NotSupportedException NotRun() => new(
        "A flow's state machine methods describe states and are never run: compile the file with 'rheo states compile' or run it with 'rheo states run'.");
}
