using Rheo.Runtime;
using Rheo.Runtime.StepFlows;
using static Rheo.Cli.Bench.BenchCommands;

namespace Rheo.Cli.Bench;

/// <summary>The cost of the four flow modes on a layered flow of identity steps (10 steps per layer, each reading two of the layer before), durable on SQLite.</summary>
internal static class FlowScenarios
{
    public static async Task<IReadOnlyList<Figure>> ModesAsync(int steps, CancellationToken cancellationToken)
    {
        var root = Directory.CreateTempSubdirectory("rheo-bench-flow-").FullName;
        try
        {
            await using var app = Application.Local("bench-flow", root);
            var flow = new StepFlow("bench");
            var all = new List<FlowStep>();
            for (var i = 0; i < steps; i++)
            {
                var layer = i / 10;
                IReadOnlyList<FlowStep> after = layer == 0 ? [] : [all[((layer - 1) * 10) + (i % 10)], all[((layer - 1) * 10) + ((i + 1) % 10)]];
                all.Add(flow.Step($"s{i}", FlowAction.Identity(), after: after));
            }

            var node = app.AddStepFlow(flow);
            await app.ActivateAsync(cancellationToken).ConfigureAwait(false);
            var period = node["2024-05-01"];
            var options = new FlowRunOptions { NominalClusters = 4 };
            var figures = new List<Figure>();

            async Task MeasureAsync(string name, FlowRunMode mode, string? step)
            {
                var result = await app.RunFlowAsync(period, mode, step, options, cancellationToken).ConfigureAwait(false);
                if (!result.Succeeded)
                {
                    throw new InvalidOperationException($"The {name} run did not succeed: {string.Join("; ", result.Steps.Where(s => s.Error is not null).Select(s => s.Error))}");
                }

                figures.Add(new Figure($"flow.{steps}_steps.{name}", result.Elapsed.TotalMilliseconds, "ms"));
                figures.Add(new Figure($"flow.{steps}_steps.{name}.per_step", result.Elapsed.TotalMilliseconds / result.Steps.Count, $"ms/step ({result.Steps.Count} steps, {result.Clusters} clusters)"));
            }

            await MeasureAsync("run_first", FlowRunMode.Run, null).ConfigureAwait(false);
            await MeasureAsync("run_again", FlowRunMode.Run, null).ConfigureAwait(false);
            await MeasureAsync("run_from_middle", FlowRunMode.RunFrom, $"s{steps / 2}").ConfigureAwait(false);
            await MeasureAsync("run_one_last", FlowRunMode.RunOne, $"s{steps - 1}").ConfigureAwait(false);
            var status = System.Diagnostics.Stopwatch.StartNew();
            _ = await app.GetFlowStatusAsync(period, cancellationToken).ConfigureAwait(false);
            figures.Add(new Figure($"flow.{steps}_steps.status", status.Elapsed.TotalMilliseconds, "ms"));
            return figures;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
