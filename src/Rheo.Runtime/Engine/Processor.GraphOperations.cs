using Rheo.Core.Dimensions;
using Rheo.Runtime.Data;
using Rheo.Runtime.Storage;

namespace Rheo.Runtime.Engine;

/// <summary>The triggers of executions started by graph operations (run, recover, run_one, run_from).</summary>
internal static class GraphTriggers
{
    public const string Run = "run";

    public const string Recover = "recover";

    public const string RunOne = "run_one";

    public const string RunFrom = "run_from";

    /// <summary>Whether an execution with this trigger was started by a graph operation, which runs the successors itself instead of propagating.</summary>
    public static bool IsGraphOperation(string trigger) => trigger is Run or Recover or RunOne or RunFrom;

    /// <summary>Whether a trigger is a freerun mode, whose executions do not count towards a flow's state.</summary>
    public static bool IsFreerun(string trigger) => trigger is RunOne or RunFrom;
}

internal sealed partial class Processor
{
    /// <summary>Writes a <c>Reset</c> execution for each output partition and then removes their completion markers.</summary>
    /// <returns>The ids of the reset records, in order.</returns>
    /// <exception cref="InvalidOperationException">One of the partitions has an active execution; nothing was reset.</exception>
    public async Task<IReadOnlyList<long>> ResetAsync(IReadOnlyList<(string RouteId, Partition Output)> outputs, string trigger, CancellationToken cancellationToken)
    {
        var result = new TaskCompletionSource<IReadOnlyList<long>>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(new ResetCommand(outputs, trigger, result));
        return await result.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private void Reset(ResetCommand reset, StoreBatch batch, DateTimeOffset now)
    {
        var rendered = new List<(RouteRuntime Route, string[] Values, string Key)>(reset.Outputs.Count);
        foreach (var (routeId, output) in reset.Outputs)
        {
            if (!_routes.TryGetValue(routeId, out var rr))
            {
                reset.Result.TrySetException(new InvalidOperationException($"Node '{routeId}' has no route in the active topology of application '{_app}'."));
                return;
            }

            var values = rr.Route.OutputSpec.Render(output);
            rendered.Add((rr, values, string.Join('/', values)));
        }

        var busy = rendered.Where(r => _activeByOutput.ContainsKey((r.Route.Id, r.Key))).Select(r => $"'{r.Route.Id}' [{r.Key}]").ToList();
        if (busy.Count > 0)
        {
            reset.Result.TrySetException(new InvalidOperationException($"Cannot reset while an execution is active for {string.Join(", ", busy)}; wait for it to end or kill it."));
            return;
        }

        var ids = new List<long>(rendered.Count);
        foreach (var (rr, values, key) in rendered)
        {
            var id = ++_lastExecutionId;
            ids.Add(id);
            batch.NewExecutions.Add(new ExecutionRecord(id, rr.Id, key, values, StateJson.WriteInputs([]), ExecutionStatus.Reset, now, EndedAt: now, Trigger: reset.Trigger));
        }

        // After the commit: a crash in between leaves a marker behind a Reset record, which the operation's run replaces anyway.
        _afterCommit.Add(() =>
        {
            try
            {
                foreach (var (rr, values, _) in rendered)
                {
                    var folder = _data.PartitionPath(rr.Id, values);
                    if (Directory.Exists(folder))
                    {
                        File.Delete(Path.Combine(folder, LocalDataStorage.CompletionFile));
                    }
                }

                reset.Result.TrySetResult(ids);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                reset.Result.TrySetException(new InvalidOperationException($"The partitions were reset but a completion marker could not be removed: {e.Message}", e));
            }
        });
    }
}
