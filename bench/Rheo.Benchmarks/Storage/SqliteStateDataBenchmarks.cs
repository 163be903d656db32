using BenchmarkDotNet.Attributes;
using Rheo.Runtime.Storage;
using Rheo.Storage.Sqlite;

namespace Rheo.Benchmarks.Storage;

/// <summary>
/// State data in the SQLite store, durable (WAL, synchronous=NORMAL): putting one item (its own transaction) and reading
/// it back, for a 1 KB and a 100 KB JSON item. Each reported mean is per put or per get.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 10)]
public class SqliteStateDataBenchmarks
{
    private const int OperationsPerIteration = 200;
    private const int PartitionKeys = 50;

    private string _folder = null!;
    private SqliteRheoStore _store = null!;
    private StateItem[] _item = [];

    /// <summary>The size of the item's JSON text in bytes.</summary>
    [Params(1_000, 100_000)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "rheo-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        _store = SqliteRheoStore.Open(Path.Combine(_folder, "rheo.db"));
        _item = [new StateItem(0, $"\"{new string('x', Size - 2)}\"")];
        for (var i = 0; i < PartitionKeys; i++)
        {
            _store.PutStateItemsAsync("rheo-state-data", Key(i), _item, CancellationToken.None).GetAwaiter().GetResult();
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _store.DisposeAsync().ConfigureAwait(false);
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = OperationsPerIteration)]
    public async Task PutItem()
    {
        for (var i = 0; i < OperationsPerIteration; i++)
        {
            await _store.PutStateItemsAsync("rheo-state-data", Key(i), _item, CancellationToken.None).ConfigureAwait(false);
        }
    }

    [Benchmark(OperationsPerInvoke = OperationsPerIteration)]
    public async Task<int> GetItem()
    {
        var length = 0;
        for (var i = 0; i < OperationsPerIteration; i++)
        {
            length += (await _store.GetStateItemAsync("rheo-state-data", Key(i), 0, CancellationToken.None).ConfigureAwait(false))!.Length;
        }

        return length;
    }

    private static string Key(int i) => $"execution-{i % PartitionKeys}:orders";
}
