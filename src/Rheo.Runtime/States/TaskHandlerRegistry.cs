using System.Text.Json.Nodes;
using Rheo.States;

namespace Rheo.Runtime.States;

/// <summary>What a task handler knows about the call.</summary>
/// <param name="StateName">The Task state.</param>
/// <param name="Resource">The state's <c>Resource</c>.</param>
/// <param name="Attempt">0 for the first attempt, 1, 2, ... for retries.</param>
/// <param name="ExecutionArn">The execution's ARN.</param>
public sealed record TaskContext(string StateName, string Resource, int Attempt, string ExecutionArn)
{
    internal Action<string?, string?>? Stop { get; init; }

    /// <summary>
    /// Stops the whole execution, as Step Functions' <c>StopExecution</c> does: it ends with status ABORTED, and
    /// <paramref name="error"/> and <paramref name="cause"/> appear in the result and in the <c>ExecutionAborted</c>
    /// history event. Running tasks are cancelled; the first stop wins.
    /// </summary>
    public void StopExecution(string? error, string? cause) => Stop?.Invoke(error, cause);
}

/// <summary>A .NET function behind a Task state: takes the effective input, returns the task's result.</summary>
/// <remarks>Throw <see cref="StatesTaskException"/> to fail with a chosen error name; any other exception fails with its type name.</remarks>
public delegate ValueTask<JsonNode?> TaskHandler(JsonNode? input, TaskContext context, CancellationToken cancellationToken);

/// <summary>Binds Task state resources to .NET handlers: by exact resource ARN or name, and Lambda functions by function name.</summary>
/// <remarks>Register everything before running; lookups are thread-safe once registration is done.</remarks>
public sealed class TaskHandlerRegistry
{
    private const string LambdaInvoke = "arn:aws:states:::lambda:invoke";

    private readonly Dictionary<string, TaskHandler> _resources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskHandler> _functions = new(StringComparer.Ordinal);

    /// <summary>Registers a handler for a resource ARN or name used verbatim in <c>Resource</c>.</summary>
    public TaskHandlerRegistry AddResource(string resource, TaskHandler handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        _resources[resource] = handler;
        return this;
    }

    /// <summary>
    /// Registers a handler as the Lambda function <paramref name="functionName"/>: reached through
    /// <c>arn:aws:states:::lambda:invoke</c> (with <c>FunctionName</c>) or a Lambda function ARN.
    /// </summary>
    public TaskHandlerRegistry AddFunction(string functionName, TaskHandler handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(functionName);
        _functions[functionName] = handler;
        return this;
    }

    /// <summary>Resolves the call for a Task state: the handler, its input, and how to shape its result.</summary>
    internal TaskBinding Resolve(string resource, JsonNode? input, string region, string account)
    {
        if (_resources.TryGetValue(resource, out var direct))
        {
            return TaskBinding.Found(direct, input, wrapLambdaResult: false);
        }

        var baseResource = resource.EndsWith(".waitForTaskToken", StringComparison.Ordinal) ? resource[..^".waitForTaskToken".Length] : resource;
        if (baseResource == LambdaInvoke)
        {
            var functionName = (input as JsonObject)?["FunctionName"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
            if (string.IsNullOrEmpty(functionName))
            {
                return TaskBinding.Missing(ErrorNames.Runtime, "The lambda:invoke Task needs Parameters.FunctionName: the name or ARN of a function, as a string.");
            }

            var payload = (input as JsonObject)?.TryGetPropertyValue("Payload", out var p) == true ? p : null;
            return Function(FunctionName(functionName), functionName, payload, wrapLambdaResult: true, region, account);
        }

        if (resource.StartsWith("arn:aws:lambda:", StringComparison.Ordinal))
        {
            return Function(FunctionName(resource), resource, input, wrapLambdaResult: false, region, account);
        }

        var known = _resources.Keys.Concat(_functions.Keys.Select(f => $"lambda function '{f}'")).ToList();
        return TaskBinding.Missing(ErrorNames.TaskFailed, $"No handler is registered for the resource '{resource}'. Registered: {(known.Count == 0 ? "none" : string.Join(", ", known))}.");
    }

    private TaskBinding Function(string name, string requested, JsonNode? payload, bool wrapLambdaResult, string region, string account)
    {
        if (_functions.TryGetValue(name, out var handler))
        {
            return TaskBinding.Found(handler, payload, wrapLambdaResult);
        }

        var arn = requested.StartsWith("arn:", StringComparison.Ordinal) ? requested : $"arn:aws:lambda:{region}:{account}:function:{name}";
        return TaskBinding.Missing(
            ErrorNames.LambdaResourceNotFound,
            $"Function not found: {arn} (Service: Lambda, Status Code: 404, Request ID: 00000000-0000-0000-0000-000000000000)");
    }

    /// <summary>The function name out of a name, <c>name:alias</c>, <c>ACCOUNT:function:name</c> or a full Lambda ARN.</summary>
    internal static string FunctionName(string reference)
    {
        var parts = reference.Split(':');
        var index = Array.IndexOf(parts, "function");
        if (index >= 0 && index + 1 < parts.Length)
        {
            return parts[index + 1];
        }

        return parts[0];
    }
}

/// <summary>The outcome of resolving a resource: a handler with its input, or the error AWS would report.</summary>
internal sealed record TaskBinding(TaskHandler? Handler, JsonNode? Input, bool WrapLambdaResult, string? Error, string? Cause)
{
    public static TaskBinding Found(TaskHandler handler, JsonNode? input, bool wrapLambdaResult) => new(handler, input, wrapLambdaResult, null, null);

    public static TaskBinding Missing(string error, string cause) => new(null, null, false, error, cause);
}
