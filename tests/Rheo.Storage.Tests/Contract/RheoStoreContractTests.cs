using Rheo.Runtime.Storage;

namespace Rheo.Storage.Tests.Contract;

/// <summary>
/// The behavior every <see cref="IRheoStore"/> must have. A driver joins by subclassing and creating a fresh, empty store
/// per test; the in-memory store is the reference. Times carry microseconds and a non-UTC offset: a store keeps the
/// instant to the microsecond, not necessarily the offset.
/// </summary>
public abstract partial class RheoStoreContractTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.FromHours(2)).AddTicks(1_234_560);

    private static readonly string[] NoValues = [];

    private IRheoStore? _store;

    protected IRheoStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    protected static CancellationToken Ct => CancellationToken.None;

    public virtual async Task InitializeAsync() => _store = await CreateStoreAsync();

    public virtual async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    /// <summary>Creates a new, empty store for one test.</summary>
    protected abstract Task<IRheoStore> CreateStoreAsync();

    protected static DateTimeOffset At(int minutes) => T0.AddMinutes(minutes);

    protected static EventRecord Event(string nodeId, params string[] values) => new(nodeId, values, At(values.Length));

    protected static ExecutionRecord Execution(long id, string routeId = "r", string outputKey = "NA/2024-05-01", ExecutionStatus status = ExecutionStatus.Pending) =>
        new(id, routeId, outputKey, outputKey.Split('/'), $$"""{"inputs":[{{id}}]}""", status, At((int)id));

    protected static StoreBatch Batch(Action<StoreBatch> fill)
    {
        var batch = new StoreBatch();
        fill(batch);
        return batch;
    }

    protected static RouteChange Route(string routeId, long nextGroupId, IReadOnlyDictionary<long, string>? upserts = null, IEnumerable<long>? deletes = null, bool reset = false, string integrity = "i1")
    {
        var change = new RouteChange(routeId, integrity, nextGroupId) { Reset = reset };
        foreach (var (id, json) in upserts ?? new Dictionary<long, string>())
        {
            change.Upserts[id] = json;
        }

        foreach (var id in deletes ?? [])
        {
            change.Deletes.Add(id);
        }

        return change;
    }

    protected Task CommitAsync(string application, Action<StoreBatch> fill) => Store.CommitAsync(application, Batch(fill), Ct);

    protected async Task<long[]> EnqueueAsync(string application, params EventRecord[] events) => [.. await Store.EnqueueAsync(application, events, Ct)];

    protected async Task<RouteRecord> SingleRouteAsync(string application, string routeId) =>
        Assert.Single(await Store.GetRoutesAsync(application, Ct), r => r.RouteId == routeId);

    protected async Task<ExecutionRecord> ExecutionAsync(string application, long id) =>
        Assert.Single(await Store.GetExecutionsAsync(application, new ExecutionQuery(), Ct), e => e.Id == id);

    protected static void AssertEvent(EventRecord expected, EventRecord actual)
    {
        Assert.Equal(expected with { Values = NoValues }, actual with { Values = NoValues });
        Assert.Equal(expected.Values, actual.Values);
    }

    protected static void AssertExecution(ExecutionRecord expected, ExecutionRecord actual)
    {
        Assert.Equal(expected with { Output = NoValues }, actual with { Output = NoValues });
        Assert.Equal(expected.Output, actual.Output);
    }

    protected static void AssertGroups(IReadOnlyDictionary<long, string> expected, RouteRecord route) =>
        Assert.Equal(expected.OrderBy(g => g.Key), route.Groups.OrderBy(g => g.Key));

    /// <summary>Everything the store holds for an application, to compare before and after a rejected batch.</summary>
    protected async Task<string> SnapshotAsync(string application)
    {
        var parts = new List<string>
        {
            $"app {await Store.GetApplicationAsync(application, Ct)}",
            $"queued {await Store.CountQueuedAsync(application, Ct)}",
            $"max execution {await Store.GetMaxExecutionIdAsync(application, Ct)}",
        };
        parts.AddRange((await Store.ReadQueueAsync(application, int.MaxValue, Ct)).Select(q => $"event {q.Sequence} {q.Event.NodeId} {string.Join('/', q.Event.Values)} {q.Event.ReceivedAt.UtcTicks}"));
        foreach (var route in (await Store.GetRoutesAsync(application, Ct)).OrderBy(r => r.RouteId, StringComparer.Ordinal))
        {
            parts.Add($"route {route.RouteId} {route.Integrity} {route.NextGroupId}");
            parts.AddRange(route.Groups.OrderBy(g => g.Key).Select(g => $"group {route.RouteId} {g.Key} {g.Value}"));
        }

        foreach (var execution in await Store.GetExecutionsAsync(application, new ExecutionQuery(), Ct))
        {
            parts.Add($"execution {execution with { Output = NoValues }} {string.Join('/', execution.Output)}");
            parts.AddRange((await Store.GetComputeRecordsAsync(application, execution.Id, Ct)).Select(c => $"compute {c}"));
        }

        parts.AddRange((await Store.GetTimersAsync(application, Ct)).OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"timer {t.Key} {t.Value.UtcTicks}"));
        parts.AddRange((await Store.GetMetricsAsync(application, null, null, Ct)).Select(m => $"metric {m}"));
        return string.Join('\n', parts);
    }
}
