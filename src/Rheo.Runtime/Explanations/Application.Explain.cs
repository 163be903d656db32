using Rheo.Core.Dimensions;
using Rheo.Core.Filters;
using Rheo.Core.Signals;
using Rheo.Runtime.Engine;
using Rheo.Runtime.Explanations;
using Rheo.Runtime.Nodes;

// A partial of Application, kept beside the feature it serves: why a partition is (not) there, walking upstream.
namespace Rheo.Runtime;

public sealed partial class Application
{
    /// <summary>
    /// Why an output partition is where it stands: its own state, and for a partition that is not produced, each input
    /// partition it needs, walking upstream through missing internal partitions to the external data, timer or
    /// failure at the root of it (the command line's <c>rheo why</c>).
    /// </summary>
    /// <param name="target">The output partition: <c>app["weekly"]["NA"]["2024-05-05"]</c>.</param>
    /// <param name="maxDepth">How many levels upstream to walk at most.</param>
    /// <param name="cancellationToken">Stops the walk.</param>
    /// <exception cref="ArgumentException">The target is not a material partition of a data node.</exception>
    public async Task<PartitionExplanation> ExplainAsync(Signal target, int maxDepth = 8, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var active = await RequireActiveTopologyAsync(cancellationToken).ConfigureAwait(false);
        var (route, output, _) = Target(active, target);
        return await ExplainDataAsync(active, AvailabilityOf(active), route.Id, output, maxDepth, [], cancellationToken).ConfigureAwait(false);
    }

    private async Task<PartitionExplanation> ExplainDataAsync(ActiveTopology active, InputAvailability availability, string nodeId, Partition output, int depth, HashSet<string> seen, CancellationToken cancellationToken)
    {
        var route = active.Routes[nodeId];
        var values = route.OutputSpec.Render(output);
        var signal = active.Nodes[nodeId].Signal.Where(DimensionFilter.Of(route.OutputSpec, [.. values]));
        var poll = await PollAsync(signal, cancellationToken).ConfigureAwait(false);
        var (state, detail) = poll.Status switch
        {
            PollStatus.Succeeded => (ExplanationState.There, $"succeeded (execution {poll.Execution!.Id}) -> {poll.OutputPath}"),
            PollStatus.Running => (ExplanationState.Running, $"{poll.Execution!.Status.ToString().ToLowerInvariant()} (execution {poll.Execution.Id})"),
            PollStatus.Failed => (ExplanationState.Failed, $"{poll.Execution!.Status.ToString().ToLowerInvariant()} (execution {poll.Execution.Id}): {poll.Execution.Error}"),
            PollStatus.Lost => (ExplanationState.Missing, "lost: " + poll.Reason),
            PollStatus.Waiting => (ExplanationState.Missing, "waiting: " + poll.Reason),
            PollStatus.Reset => (ExplanationState.Missing, $"reset by a graph operation (execution {poll.Execution!.Id}) and not run since"),
            _ => (ExplanationState.Missing, "never attempted"),
        };
        var key = nodeId + "/" + string.Join('/', values);
        if (state != ExplanationState.Missing || depth <= 0 || !seen.Add(key))
        {
            return new PartitionExplanation(nodeId, values, state, detail, []);
        }

        var resolution = route.ResolveInputs(output);
        if (!resolution.Succeeded)
        {
            return new PartitionExplanation(nodeId, values, ExplanationState.CannotRun, $"{detail}; its inputs cannot be inferred: {string.Join(" ", resolution.Problems)}", []);
        }

        var inputs = new List<PartitionExplanation>();
        var missing = 0;
        foreach (var input in resolution.Inputs)
        {
            if (input.Input.IsReference && !input.Input.IsRangeCheck)
            {
                continue;
            }

            var node = active.Nodes[input.Input.NodeId];
            var needed = input.Input.IsRangeCheck ? input.Partitions : [input.Datum];
            var there = 0;
            foreach (var partition in needed)
            {
                var rendered = input.Input.Spec.Render(partition);
                if (availability.IsAvailable(node.Id, partition))
                {
                    there++;
                    continue;
                }

                missing++;
                inputs.Add(node is DataNode
                    ? await ExplainDataAsync(active, availability, node.Id, partition, depth - 1, seen, cancellationToken).ConfigureAwait(false) with { Flags = Flags(input.Input) }
                    : new PartitionExplanation(node.Id, rendered, node is TimerNode ? ExplanationState.CannotRun : ExplanationState.Missing, availability.Reason(input.Input, partition, rendered), [], Flags(input.Input)));
            }

            if (there > 0)
            {
                inputs.Add(new PartitionExplanation(node.Id, input.Input.Spec.Render(input.Datum), ExplanationState.There,
                    node is TimerNode timer ? $"the timer fires for it ({timer.Schedule})"
                    : needed.Count == 1 ? $"at {availability.PathOf(node.Id, input.Datum, input.Input.Spec.Render(input.Datum))}" : $"{there} of {needed.Count} partitions there", [], Flags(input.Input)));
            }
        }

        return new PartitionExplanation(nodeId, values, missing == 0 ? ExplanationState.CanRun : ExplanationState.Missing,
            missing == 0 ? $"{detail}; every input it needs is there: `execute` runs it" : detail, inputs);
    }

    private static string Flags(Core.Routing.RouteInput input) =>
        string.Join(", ", new[] { input.IsReference ? "reference" : null, input.IsRangeCheck ? "range check" : null, input.Filter.HasRanges ? "range" : null }.OfType<string>());
}
