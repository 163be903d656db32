using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
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
        if (target.TasksTypeName is { } tasks)
        {
            TypeNames.Create<IStateMachineTasks>(tasks, "state machine tasks").Register(handlers, context);
        }

        var runner = new StateMachineRunner(handlers, new StateMachineRunnerOptions { TimeProvider = time });
        var options = new ExecutionOptions
        {
            StateMachineName = target.Name ?? context.Output.NodeId,
            ExecutionName = string.Create(CultureInfo.InvariantCulture, $"{context.Application}-{context.ExecutionId}-{context.Attempt}"),
            RecordHistory = true,
        };
        var result = await runner.RunAsync(definition, ExecutionJson.From(context), options, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        await File.WriteAllTextAsync(logPath, result.ToJsonLine(includeHistory: true) + "\n", CancellationToken.None).ConfigureAwait(false);
        if (result.Status != ExecutionResult.Succeeded)
        {
            throw new ComputeTargetFailedException($"the state machine ended {result.Status}: {result.Error}: {result.Cause}", logPath);
        }

        if (result.Output is { } output)
        {
            await File.WriteAllTextAsync(Path.Combine(context.Output.Path, "output.json"), output.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), CancellationToken.None).ConfigureAwait(false);
        }
    }
}
