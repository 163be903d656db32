using BenchmarkDotNet.Attributes;
using Rheo.Runtime.Storage;
using Rheo.Storage.Sqlite;

namespace Rheo.Benchmarks.Storage;

/// <summary>
/// The SQLite store on the engine's hot paths, durable (WAL, synchronous=NORMAL) on a file under the temp folder: a small
/// commit (1 consumed event, 1 pending-group upsert, 1 execution insert) and enqueueing events in batches of 1,000.
/// Each reported mean is per commit or per event: commits/s and events/s are 1 / mean.
/// </summary>
[MemoryDiagnoser]
// One invocation per iteration (BenchmarkDotNet's default with [IterationSetup]): each runs thousands of operations.
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 10)]
public class SqliteStoreBenchmarks
{
    private const string Application = "bench";
    private const int CommitsPerIteration = 10_000;
    private const int EventsPerEnqueue = 1_000;
    private const int EnqueuesPerIteration = 100;
    private static readonly DateTimeOffset Now = new(2024, 5, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Partition = ["NA", "2024-05-01"];

    private string _folder = null!;
    private SqliteRheoStore _store = null!;
    private EventRecord[] _events = [];
    private StoreBatch[] _batches = [];
    private long _nextId = 1;
    private long _lastSequence;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "rheo-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        _store = SqliteRheoStore.Open(Path.Combine(_folder, "rheo.db"));
        _events = [.. Enumerable.Range(0, EventsPerEnqueue).Select(i => new EventRecord("upstream", Partition, Now.AddSeconds(i)))];
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _store.DisposeAsync().ConfigureAwait(false);
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Queues the events the next iteration's commits consume and builds the batches, outside the measurement.</summary>
    [IterationSetup(Target = nameof(CommitSmallBatch))]
    public void PrepareCommits()
    {
        var sequences = new List<long>(CommitsPerIteration);
        for (var i = 0; i < CommitsPerIteration / EventsPerEnqueue; i++)
        {
            sequences.AddRange(_store.EnqueueAsync(Application, _events, CancellationToken.None).GetAwaiter().GetResult());
        }

        _batches = [.. sequences.Select(sequence =>
        {
            var id = _nextId++;
            var batch = new StoreBatch { ConsumedThrough = sequence };
            var route = new RouteChange("route", "integrity", id + 1);
            route.Upserts[id] = """{"inputs":{"upstream":[["NA","2024-05-01"]]},"created":"2024-05-01T00:00:00Z"}""";
            batch.Routes["route"] = route;
            batch.NewExecutions.Add(new ExecutionRecord(id, "route", "NA/2024-05-01", Partition, """{"upstream":["/data/upstream/NA/2024-05-01"]}""", ExecutionStatus.Pending, Now));
            return batch;
        })];
    }

    [Benchmark(OperationsPerInvoke = CommitsPerIteration)]
    public async Task CommitSmallBatch()
    {
        foreach (var batch in _batches)
        {
            await _store.CommitAsync(Application, batch, CancellationToken.None).ConfigureAwait(false);
        }
    }

    [Benchmark(OperationsPerInvoke = EventsPerEnqueue * EnqueuesPerIteration)]
    public async Task EnqueueEventsInBatchesOf1000()
    {
        for (var i = 0; i < EnqueuesPerIteration; i++)
        {
            var sequences = await _store.EnqueueAsync(Application, _events, CancellationToken.None).ConfigureAwait(false);
            _lastSequence = sequences[^1];
        }
    }

    /// <summary>Consumes what the iteration queued, so every iteration starts from the same queue length.</summary>
    [IterationCleanup(Target = nameof(EnqueueEventsInBatchesOf1000))]
    public void ConsumeQueue() =>
        _store.CommitAsync(Application, new StoreBatch { ConsumedThrough = _lastSequence }, CancellationToken.None).GetAwaiter().GetResult();
}
