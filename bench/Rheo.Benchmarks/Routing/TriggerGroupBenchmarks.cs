using BenchmarkDotNet.Attributes;

namespace Rheo.Benchmarks.Routing;

/// <summary>Events matched against pending trigger groups, in memory: cost per event for 10 to 1,000,000 pending groups.</summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class TriggerGroupBenchmarks
{
    private const int StepsPerInvoke = 10_000;
    private TriggerGroupWorkload _workload = null!;

    [Params(10, 10_000, 1_000_000)]
    public int PendingGroups { get; set; }

    [GlobalSetup]
    public void Setup() => _workload = new TriggerGroupWorkload(PendingGroups);

    // Two events per step: reported time and allocation are per 2 events.
    [Benchmark(OperationsPerInvoke = StepsPerInvoke)]
    public int MatchTwoEvents()
    {
        var executions = 0;
        for (var i = 0; i < StepsPerInvoke; i++)
        {
            executions += _workload.Step();
        }

        return executions;
    }
}
