using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Rheo.Runtime.States;
using Rheo.States;
using Rheo.States.Execution;

namespace Rheo.Cli.Bench;

/// <summary><c>rheo bench states</c>: quick measurements of the ASL interpreter and runner (BenchmarkDotNet suites live in bench/).</summary>
internal static class BenchCommands
{
    public static Command Create(TextWriter output)
    {
        var bench = new Command("bench", "Measure Rheo's performance figures.");
        var json = new Option<bool>("--json") { Description = "Print one JSON object per figure." };
        var seconds = new Option<double>("--seconds") { Description = "How long to repeat each throughput figure.", DefaultValueFactory = _ => 2.0 };
        var states = new Command("states", "State transitions per second and memory of the ASL interpreter.") { json, seconds };
        states.SetAction(async (parse, cancellationToken) =>
        {
            foreach (var figure in await MeasureAsync(parse.GetValue(seconds), cancellationToken).ConfigureAwait(false))
            {
                await output.WriteLineAsync(parse.GetValue(json) ? figure.ToJson() : figure.ToString()).ConfigureAwait(false);
            }

            return 0;
        });
        bench.Subcommands.Add(states);
        bench.Subcommands.Add(Runtime(output, json, "routing", "Events routed per second into pending groups, durable on SQLite.", "--events", 100_000, RuntimeScenarios.RoutingAsync));
        bench.Subcommands.Add(Runtime(output, json, "backfill", "No-op executions per second over a 3-route chain backfilled by timer events, durable on SQLite.", "--partitions", 10_000, RuntimeScenarios.BackfillAsync));
        bench.Subcommands.Add(Runtime(output, json, "flow", "Wall time of run, run again, run_from the middle and run_one on a layered flow of identity steps, durable on SQLite.", "--steps", 100, FlowScenarios.ModesAsync));
        bench.Subcommands.Add(Runtime(output, json, "latency", "Upstream success to downstream compute start (p50, p99), durable on SQLite.", "--samples", 1_000, RuntimeScenarios.LatencyAsync));
        var all = new Command("all", "Every figure: states, routing, backfill and latency, with their default sizes.") { json, seconds };
        all.SetAction(async (parse, cancellationToken) =>
        {
            var figures = new List<Figure>(await MeasureAsync(parse.GetValue(seconds), cancellationToken).ConfigureAwait(false));
            figures.AddRange(StatesAliases(figures));
            figures.AddRange(await RuntimeScenarios.RoutingAsync(100_000, cancellationToken).ConfigureAwait(false));
            figures.AddRange(await RuntimeScenarios.BackfillAsync(10_000, cancellationToken).ConfigureAwait(false));
            figures.AddRange(await RuntimeScenarios.LatencyAsync(1_000, cancellationToken).ConfigureAwait(false));
            foreach (var figure in figures)
            {
                await output.WriteLineAsync(parse.GetValue(json) ? figure.ToJson() : figure.ToString()).ConfigureAwait(false);
            }

            return 0;
        });
        bench.Subcommands.Add(all);
        return bench;
    }

    private static Command Runtime(TextWriter output, Option<bool> json, string name, string description, string sizeName, int size, Func<int, CancellationToken, Task<IReadOnlyList<Figure>>> measure)
    {
        var sizeOption = new Option<int>(sizeName) { Description = "How much work to measure.", DefaultValueFactory = _ => size };
        var command = new Command(name, description) { json, sizeOption };
        command.SetAction(async (parse, cancellationToken) =>
        {
            foreach (var figure in await measure(parse.GetValue(sizeOption), cancellationToken).ConfigureAwait(false))
            {
                await output.WriteLineAsync(parse.GetValue(json) ? figure.ToJson() : figure.ToString()).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }

    internal static async Task<IReadOnlyList<Figure>> MeasureAsync(double seconds, CancellationToken cancellationToken)
    {
        var figures = new List<Figure>();
        var now = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var start = ExecutionStart.Create(new JsonObject { ["a"] = 1 }, "bench", "bench", "123456789012", "us-east-1");

        // 1. One execution of a 200-state Pass chain, repeated: the pure interpreter, then through the runner.
        var chain = StateMachineDefinition.Parse(StatesScenarios.PassChain(200));
        var quiet = new StateMachineInterpreter(chain, new InterpreterOptions { RecordHistory = false });
        var runs = Repeat(seconds, () => quiet.Start(start, now));
        figures.Add(new Figure("states.pass_chain_200.interpreter", runs.PerSecond * 200, "transitions/s"));
        var recording = new StateMachineInterpreter(chain);
        runs = Repeat(seconds, () => recording.Start(start, now));
        figures.Add(new Figure("states.pass_chain_200.interpreter_with_history", runs.PerSecond * 200, "transitions/s"));
        var runner = new StateMachineRunner();
        var options = new ExecutionOptions { StateMachineName = "bench", ExecutionName = "bench" };
        runs = await RepeatAsync(seconds, () => runner.RunAsync(chain, start.Input, options, cancellationToken)).ConfigureAwait(false);
        figures.Add(new Figure("states.pass_chain_200.runner", runs.PerSecond * 200, "transitions/s"));

        // 2. A Map over 1,000 items of 3 Pass states each (1 Map state + 3,000 iteration transitions).
        var map = StateMachineDefinition.Parse(StatesScenarios.MapOfThreePasses());
        var items = StatesScenarios.Items(1_000);
        runs = await RepeatAsync(seconds, () => runner.RunAsync(map, items, options, cancellationToken)).ConfigureAwait(false);
        figures.Add(new Figure("states.map_1000x3_pass.runner", runs.PerSecond * 3_001, "transitions/s"));
        figures.Add(new Figure("states.map_1000x3_pass.runner_time", runs.MillisecondsPerRun, "ms/execution"));

        // 3. 100 sequential executions of a 10-state machine.
        var ten = StateMachineDefinition.Parse(StatesScenarios.TenStates());
        var hundred = await RepeatAsync(seconds, async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                await runner.RunAsync(ten, start.Input, options, cancellationToken).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        figures.Add(new Figure("states.sequential_100x10.runner_time", hundred.MillisecondsPerRun, "ms/100 executions"));
        figures.Add(new Figure("states.sequential_100x10.runner", hundred.PerSecond * 100 * 9, "transitions/s"));

        // 4. Memory for a Map over 100,000 items (3 Pass states each).
        var bigItems = StatesScenarios.Items(100_000);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        var result = await runner.RunAsync(map, bigItems, options, cancellationToken).ConfigureAwait(false);
        watch.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        using var process = Process.GetCurrentProcess();
        var peak = process.PeakWorkingSet64;
        var retained = GC.GetTotalMemory(forceFullCollection: true) - before;
        GC.KeepAlive(result);
        figures.Add(new Figure("states.map_100000x3_pass.time", watch.Elapsed.TotalMilliseconds, "ms"));
        figures.Add(new Figure("states.map_100000x3_pass.allocated", allocated / 1_048_576.0, "MiB"));
        figures.Add(new Figure("states.map_100000x3_pass.retained_output", retained / 1_048_576.0, "MiB"));
        figures.Add(new Figure("states.map_100000x3_pass.peak_working_set", peak / 1_048_576.0, "MiB"));
        return figures;
    }

    private static Runs Repeat(double seconds, Action action)
    {
        // Long enough for tiered compilation to settle on optimized code before measuring.
        var warmup = Stopwatch.StartNew();
        while (warmup.Elapsed.TotalSeconds < Math.Min(0.5, seconds / 2))
        {
            action();
        }

        var watch = Stopwatch.StartNew();
        long count = 0;
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            action();
            count++;
        }

        return new Runs(count, watch.Elapsed);
    }

    private static async Task<Runs> RepeatAsync(double seconds, Func<Task> action)
    {
        var warmup = Stopwatch.StartNew();
        do
        {
            await action().ConfigureAwait(false);
        }
        while (warmup.Elapsed.TotalSeconds < Math.Min(0.5, seconds / 2));

        var watch = Stopwatch.StartNew();
        long count = 0;
        while (watch.Elapsed.TotalSeconds < seconds || count == 0)
        {
            await action().ConfigureAwait(false);
            count++;
        }

        return new Runs(count, watch.Elapsed);
    }

    internal readonly record struct Runs(long Count, TimeSpan Elapsed)
    {
        public double PerSecond => Count / Elapsed.TotalSeconds;

        public double MillisecondsPerRun => Elapsed.TotalMilliseconds / Count;
    }

    /// <summary>The names the CLI issue fixes for the States figures, as copies of the figures measured under their historical names.</summary>
    internal static IEnumerable<Figure> StatesAliases(IReadOnlyList<Figure> figures)
    {
        (string From, string To)[] aliases =
        [
            ("states.pass_chain_200.interpreter", "states.pass_chain.transitions_per_s"),
            ("states.map_1000x3_pass.runner", "states.map_1000x3.transitions_per_s"),
            ("states.sequential_100x10.runner", "states.sequential_100x10.transitions_per_s"),
        ];
        foreach (var (from, to) in aliases)
        {
            if (figures.FirstOrDefault(f => f.Name == from) is { } figure)
            {
                yield return figure with { Name = to };
            }
        }
    }

    internal sealed record Figure(string Name, double Value, string Unit)
    {
        public string ToJson() => new JsonObject { ["name"] = Name, ["value"] = Math.Round(Value, 2), ["unit"] = Unit }.ToJsonString();

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name,-50} {Value,16:N2} {Unit}");
    }
}
