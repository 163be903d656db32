using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rheo.Runtime.Compute;
using Rheo.States;

namespace Rheo.Runtime.States;

/// <summary>Runs a <see cref="StateMachineComputeTarget"/> for one attempt of an execution.</summary>
internal static class StateMachineTarget
{
    private static readonly ConditionalWeakTable<StateMachineComputeTarget, StateMachineDefinition> Definitions = [];

    /// <summary>Runs the machine; writes its result (with history) to <paramref name="logPath"/> and its output to the partition.</summary>
    /// <exception cref="ComputeTargetFailedException">The machine did not succeed.</exception>
    public static async Task RunAsync(StateMachineComputeTarget target, ComputeContext context, string logPath, TimeProvider time, CancellationToken cancellationToken)
    {
        var definition = Definitions.GetValue(target, t => StateMachineDefinition.Parse(t.Definition));
        var handlers = new TaskHandlerRegistry();
        var tasks = target.TasksTypeName is { } typeName ? TypeNames.Create<IStateMachineTasks>(typeName, "state machine tasks") : null;
        tasks?.Register(handlers, context);
        var observer = tasks as IStateMachineObserver;
        var runner = new StateMachineRunner(handlers, new StateMachineRunnerOptions { TimeProvider = time });
        var options = new ExecutionOptions
        {
            StateMachineName = target.Name ?? context.Output.NodeId,
            ExecutionName = context.AttemptName,
            RecordHistory = true,
        };
        var input = ExecutionJson.From(context);
        var arn = $"arn:aws:states:{options.Region}:{options.Account}:execution:{options.StateMachineName}:{options.ExecutionName}";
        var events = new JsonArray();
        if (observer is not null)
        {
            events.Add(await observer.OnExecutionEventAsync(Message(1, "ExecutionStarted", new JsonObject { ["input"] = input.DeepClone() }, time, arn), input, cancellationToken).ConfigureAwait(false));
        }

        ExecutionResult result;
        try
        {
            result = await runner.RunAsync(definition, input, options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (observer is not null && cancellationToken.IsCancellationRequested)
            {
                await observer.OnExecutionEventAsync(Message(2, "ExecutionAborted", new JsonObject { ["cause"] = "killed" }, time, arn), input, CancellationToken.None).ConfigureAwait(false);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (observer is not null)
        {
            var type = result.Status switch
            {
                ExecutionResult.Succeeded => "ExecutionSucceeded",
                ExecutionResult.Failed => "ExecutionFailed",
                ExecutionResult.TimedOut => "ExecutionTimedOut",
                _ => "ExecutionAborted",
            };
            var details = new JsonObject { ["output"] = result.Output?.DeepClone(), ["error"] = result.Error, ["cause"] = result.Cause };
            events.Add(await observer.OnExecutionEventAsync(Message(2, type, details, time, arn), input, CancellationToken.None).ConfigureAwait(false));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        var log = result.ToJsonObject(includeHistory: true);
        if (observer is not null)
        {
            log["events"] = events;
        }

        await File.WriteAllTextAsync(logPath, log.ToJsonString() + "\n", CancellationToken.None).ConfigureAwait(false);
        if (result.Status != ExecutionResult.Succeeded)
        {
            throw new ComputeTargetFailedException($"the state machine ended {result.Status}: {result.Error}: {result.Cause}", logPath);
        }

        if (result.Output is { } output)
        {
            await File.WriteAllTextAsync(Path.Combine(context.Output.Path, "output.json"), output.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static JsonObject Message(long id, string type, JsonObject details, TimeProvider time, string arn) => new()
    {
        ["id"] = id,
        ["type"] = type,
        ["details"] = details,
        ["previous_event_id"] = id - 1,
        ["event_timestamp"] = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
        ["execution_arn"] = arn,
    };
}
