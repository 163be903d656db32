using System.Diagnostics;
using System.Globalization;

namespace Rheo.Benchmarks.Routing;

// `dotnet run -c Release --project bench/Rheo.Benchmarks -- quick-routing`: a fast, repeatable measurement printing one
// JSON line per figure ({"name","value","unit"}), for closing notes and CI-free checks. BenchmarkDotNet gives the
// rigorous numbers (`-- --filter *TriggerGroup*`).
internal static class QuickRoutingMeasure
{
    public static void Run()
    {
        foreach (var pending in new[] { 10, 10_000, 100_000, 1_000_000 })
        {
            var before = Retained();
            var workload = new TriggerGroupWorkload(pending);
            var bytesPerGroup = (Retained() - before) / (double)pending;

            const int steps = 1_000_000;
            for (var i = 0; i < 50_000; i++)
            {
                workload.Step();
            }

            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var gen0 = GC.CollectionCount(0);
            var gen2 = GC.CollectionCount(2);
            var paused = GC.GetTotalPauseDuration();
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < steps; i++)
            {
                workload.Step();
            }

            clock.Stop();
            var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            var events = 2.0 * steps;
            Print($"routing.events_per_second.pending_{pending}", events / clock.Elapsed.TotalSeconds, "events/s");
            Print($"routing.allocated_bytes_per_event.pending_{pending}", allocated / events, "bytes");
            Print($"routing.retained_bytes_per_pending_group.pending_{pending}", bytesPerGroup, "bytes");
            Print($"routing.gc_pause_share.pending_{pending}", 100 * (GC.GetTotalPauseDuration() - paused).TotalSeconds / clock.Elapsed.TotalSeconds, "%");
            Print($"routing.gc_collections.pending_{pending}", GC.CollectionCount(0) - gen0, $"gen0 ({GC.CollectionCount(2) - gen2} gen2)");
            GC.KeepAlive(workload);
        }
    }

    private static long Retained()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static void Print(string name, double value, string unit) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"name\": \"{name}\", \"value\": {value:F1}, \"unit\": \"{unit}\"}}"));
}
