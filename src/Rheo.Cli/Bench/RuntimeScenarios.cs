using System.Collections.Concurrent;
using System.Diagnostics;
using Rheo.Core.Dimensions;
using Rheo.Runtime;
using Rheo.Runtime.Compute;
using Rheo.Runtime.Nodes;
using static Rheo.Cli.Bench.BenchCommands;

namespace Rheo.Cli.Bench;

/// <summary>End-to-end runtime figures on a fresh temporary SQLite store (durable: every step is committed before it acts).</summary>
internal static class RuntimeScenarios
{
    private static readonly DateTime Start = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Events on one input of a two-input route, each opening a pending group: enqueue (durable) + routing + group commits.</summary>
    public static async Task<IReadOnlyList<Figure>> RoutingAsync(int events, CancellationToken cancellationToken)
    {
        using var root = new TempFolder();
        await using var app = Application.Local("bench-routing", root.Path);
        var spec = DimensionSpec.Of(Dimension.String("region"), Dimension.DateTime("day", DatetimeGranularity.Day, "%Y-%m-%d"));
        var orders = app.MarshalExternalData(LocalDataset.Of(Path.Combine(root.Path, "orders"), "{}", "{}"), "orders", spec);
        var prices = app.MarshalExternalData(LocalDataset.Of(Path.Combine(root.Path, "prices"), "{}", "{}"), "prices", spec);
        app.CreateData("joined", inputs: [orders, prices], computeTargets: [ComputeTarget.NoOp]);
        await app.ActivateAsync(cancellationToken).ConfigureAwait(false);
        var signals = Enumerable.Range(0, events).Select(i => orders["r" + (i % 100).ToString(System.Globalization.CultureInfo.InvariantCulture)][Start.AddDays(i / 100)]).ToList();

        var memory = Allocations.Start();
        var watch = Stopwatch.StartNew();
        foreach (var chunk in signals.Chunk(10_000))
        {
            await app.ProcessAsync(chunk, cancellationToken).ConfigureAwait(false);
        }

        await app.WaitForIdleAsync(cancellationToken).ConfigureAwait(false);
        watch.Stop();
        var (allocated, gen0, gen2, paused) = memory.Stop();
        var pending = (await app.GetPendingGroupsAsync("joined", cancellationToken).ConfigureAwait(false)).Count;
        if (pending != events)
        {
            throw new InvalidOperationException($"Expected {events} pending groups, found {pending}.");
        }

        return
        [
            new Figure("routing.events_per_s", events / watch.Elapsed.TotalSeconds, "events/s"),
            new Figure("routing.events", events, "events"),
            new Figure("routing.allocated_per_event", allocated / (double)events, "bytes"),
            new Figure("routing.gc_gen0", gen0, "collections"),
            new Figure("routing.gc_gen2", gen2, "collections"),
            new Figure("routing.gc_pause", paused.TotalMilliseconds, "ms"),
        ];
    }

    /// <summary>A 3-route no-op chain T → A → B → C backfilled for <paramref name="partitions"/> days by timer events.</summary>
    public static async Task<IReadOnlyList<Figure>> BackfillAsync(int partitions, CancellationToken cancellationToken)
    {
        using var root = new TempFolder();
        await using var app = Application.Local("bench-backfill", root.Path);
        var t = app.AddTimer("T", "rate(1 day)", timeDimension: "day");
        var a = app.CreateData("A", inputs: [t], computeTargets: [ComputeTarget.NoOp]);
        var b = app.CreateData("B", inputs: [a], computeTargets: [ComputeTarget.NoOp]);
        var c = app.CreateData("C", inputs: [b], computeTargets: [ComputeTarget.NoOp]);
        await app.ActivateAsync(cancellationToken).ConfigureAwait(false);
        var events = Enumerable.Range(0, partitions).Select(i => t[Start.AddDays(i)]).ToList();

        var memory = Allocations.Start();
        var watch = Stopwatch.StartNew();
        await app.ProcessAsync(events, cancellationToken).ConfigureAwait(false);
        await app.WaitForIdleAsync(cancellationToken).ConfigureAwait(false);
        watch.Stop();
        var (allocated, gen0, _, paused) = memory.Stop();
        var done = (await app.GetExecutionsAsync("C", limit: int.MaxValue, cancellationToken: cancellationToken).ConfigureAwait(false)).Count(e => e.Status == Runtime.Storage.ExecutionStatus.Succeeded);
        if (done != partitions)
        {
            throw new InvalidOperationException($"Expected {partitions} successful executions of C, found {done}.");
        }

        GC.KeepAlive(c);
        return
        [
            new Figure("backfill.executions_per_s", 3.0 * partitions / watch.Elapsed.TotalSeconds, "executions/s"),
            new Figure("backfill.time", watch.Elapsed.TotalSeconds, "s"),
            new Figure("backfill.executions", 3.0 * partitions, "executions"),
            new Figure("backfill.allocated_per_execution", allocated / (3.0 * partitions), "bytes"),
            new Figure("backfill.gc_gen0", gen0, "collections"),
            new Figure("backfill.gc_pause", paused.TotalMilliseconds, "ms"),
        ];
    }

    /// <summary>Upstream compute end → downstream compute start over a two-route chain, one partition at a time.</summary>
    public static async Task<IReadOnlyList<Figure>> LatencyAsync(int samples, CancellationToken cancellationToken)
    {
        using var root = new TempFolder();
        await using var app = Application.Local("bench-latency", root.Path);
        var t = app.AddTimer("T", "rate(1 day)", timeDimension: "day");
        var a = app.CreateData("A", inputs: [t], computeTargets: [ComputeTarget.Inlined<UpstreamProbe>()]);
        app.CreateData("B", inputs: [a], computeTargets: [ComputeTarget.Inlined<DownstreamProbe>()]);
        await app.ActivateAsync(cancellationToken).ConfigureAwait(false);
        Probes.Clear();

        var latencies = new List<double>(samples);
        for (var i = 0; i < samples + 50; i++)
        {
            await app.ProcessAsync(t[Start.AddDays(i)], cancellationToken).ConfigureAwait(false);
            await app.WaitForIdleAsync(cancellationToken).ConfigureAwait(false);
            var key = Start.AddDays(i).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            if (i >= 50 && Probes.TryGetValue(("A", key), out var up) && Probes.TryGetValue(("B", key), out var down))
            {
                latencies.Add(Stopwatch.GetElapsedTime(up, down).TotalMilliseconds);
            }
        }

        latencies.Sort();
        double Percentile(double p) => latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(p * latencies.Count) - 1)];
        return
        [
            new Figure("latency.p50_ms", Percentile(0.50), "ms"),
            new Figure("latency.p99_ms", Percentile(0.99), "ms"),
            new Figure("latency.max_ms", latencies[^1], "ms"),
            new Figure("latency.samples", latencies.Count, "samples"),
        ];
    }

    private static readonly ConcurrentDictionary<(string Node, string Day), long> Probes = new();

    /// <summary>Records when the upstream compute ends.</summary>
    internal sealed class UpstreamProbe : IInlinedCompute
    {
        public Task ComputeAsync(ComputeContext context, CancellationToken cancellationToken)
        {
            Probes[("A", context.Dimensions["day"])] = Stopwatch.GetTimestamp();
            return Task.CompletedTask;
        }
    }

    /// <summary>Records when the downstream compute starts.</summary>
    internal sealed class DownstreamProbe : IInlinedCompute
    {
        public Task ComputeAsync(ComputeContext context, CancellationToken cancellationToken)
        {
            Probes[("B", context.Dimensions["day"])] = Stopwatch.GetTimestamp();
            return Task.CompletedTask;
        }
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("rheo-bench-").FullName;

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Bytes allocated (all threads) and collections over a measured region: steadier than time on a busy machine.</summary>
    private readonly record struct Allocations(long Bytes, int Gen0, int Gen2, TimeSpan Paused)
    {
        public static Allocations Start() => new(GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0), GC.CollectionCount(2), GC.GetTotalPauseDuration());

        public (long Bytes, int Gen0, int Gen2, TimeSpan Paused) Stop() =>
            (GC.GetTotalAllocatedBytes(precise: true) - Bytes, GC.CollectionCount(0) - Gen0, GC.CollectionCount(2) - Gen2, GC.GetTotalPauseDuration() - Paused);
    }
}
