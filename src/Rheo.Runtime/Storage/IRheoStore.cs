namespace Rheo.Runtime.Storage;

/// <summary>
/// The durable state of applications: topologies, the event queue, route state with pending groups, executions and
/// compute records, timers, route metrics and the hook outbox; and the state data of state machine tasks. One port, because routing an event must commit atomically what it
/// consumed and what it produced (see docs/decisions/0012-one-transactional-store-port.md).
/// </summary>
/// <remarks>
/// Implementations are thread-safe. Route state is stored as opaque JSON owned by the engine, so a store persists
/// and returns it without interpreting it. Every implementation passes the contract suite in
/// <c>tests/Rheo.Storage.Tests</c>.
/// </remarks>
public interface IRheoStore : IAsyncDisposable
{
    /// <summary>Reads an application's record, or null when the store does not know it.</summary>
    Task<ApplicationRecord?> GetApplicationAsync(string application, CancellationToken cancellationToken);

    /// <summary>Creates or replaces an application's record (its state and active topology version).</summary>
    Task SaveApplicationAsync(ApplicationRecord record, CancellationToken cancellationToken);

    /// <summary>Stores a new topology version (JSON) and returns its number (1, 2, ...).</summary>
    Task<long> AddTopologyAsync(string application, string topologyJson, CancellationToken cancellationToken);

    /// <summary>Reads a topology version, or null when it does not exist.</summary>
    Task<string?> GetTopologyAsync(string application, long version, CancellationToken cancellationToken);

    /// <summary>Durably appends events to the application's queue; when this returns they are committed.</summary>
    /// <returns>The sequence number given to each event, in order.</returns>
    Task<IReadOnlyList<long>> EnqueueAsync(string application, IReadOnlyList<EventRecord> events, CancellationToken cancellationToken);

    /// <summary>Reads up to <paramref name="max"/> queued events in sequence order (they stay queued until a commit consumes them).</summary>
    Task<IReadOnlyList<QueuedEvent>> ReadQueueAsync(string application, int max, CancellationToken cancellationToken);

    /// <summary>The number of queued events.</summary>
    Task<long> CountQueuedAsync(string application, CancellationToken cancellationToken);

    /// <summary>Reads every route's persisted state.</summary>
    Task<IReadOnlyList<RouteRecord>> GetRoutesAsync(string application, CancellationToken cancellationToken);

    /// <summary>Atomically applies a batch: consumed events, route and group changes, executions, compute records, timers and metrics.</summary>
    /// <remarks>All or nothing: after a crash either the whole batch is visible or none of it.</remarks>
    Task CommitAsync(string application, StoreBatch batch, CancellationToken cancellationToken);

    /// <summary>Reads executions matching a query, newest first.</summary>
    Task<IReadOnlyList<ExecutionRecord>> GetExecutionsAsync(string application, ExecutionQuery query, CancellationToken cancellationToken);

    /// <summary>Reads the compute records of an execution, in order of target and attempt.</summary>
    Task<IReadOnlyList<ComputeRecord>> GetComputeRecordsAsync(string application, long executionId, CancellationToken cancellationToken);

    /// <summary>The highest execution id the application has used (0 when none).</summary>
    Task<long> GetMaxExecutionIdAsync(string application, CancellationToken cancellationToken);

    /// <summary>Reads the last fire time of every timer of an application.</summary>
    Task<IReadOnlyDictionary<string, DateTimeOffset>> GetTimersAsync(string application, CancellationToken cancellationToken);

    /// <summary>Reads route metric points, oldest first, optionally for one route and metric name.</summary>
    Task<IReadOnlyList<MetricPoint>> GetMetricsAsync(string application, string? routeId, string? name, CancellationToken cancellationToken);

    /// <summary>Reads the application's hook outbox (calls not yet run, and those that gave up), in id order.</summary>
    Task<IReadOnlyList<HookRecord>> GetHooksAsync(string application, CancellationToken cancellationToken);

    /// <summary>Removes everything the store holds for an application.</summary>
    Task DeleteApplicationAsync(string application, CancellationToken cancellationToken);

    /// <summary>Creates or replaces state data items under a table name and partition key, in one transaction.</summary>
    /// <remarks>
    /// State data belongs to the store, not to an application: a task reaches items another execution, application or
    /// project stored by naming their table and partition key. All or nothing; an item whose index is already stored
    /// replaces it, others under the same key stay.
    /// </remarks>
    Task PutStateItemsAsync(string table, string partitionKey, IReadOnlyList<StateItem> items, CancellationToken cancellationToken);

    /// <summary>Reads the JSON of one state data item, or null when none is stored at that index.</summary>
    Task<string?> GetStateItemAsync(string table, string partitionKey, int index, CancellationToken cancellationToken);

    /// <summary>Reads every state data item under a table name and partition key, in index order (none: empty).</summary>
    Task<IReadOnlyList<StateItem>> GetStateItemsAsync(string table, string partitionKey, CancellationToken cancellationToken);

    /// <summary>Removes every state data item under a table name and partition key and returns how many there were.</summary>
    Task<int> DeleteStateItemsAsync(string table, string partitionKey, CancellationToken cancellationToken);
}

/// <summary>Creates the store of a local application root; the SQLite adapter registers one (see <c>Application.Local</c>).</summary>
public interface ILocalStoreFactory
{
    /// <summary>Opens (creating if needed) the store under an application root folder.</summary>
    IRheoStore Open(string root);
}

/// <summary>Names the <see cref="ILocalStoreFactory"/> of an adapter assembly so <c>Application.Local</c> can find it without a compile-time reference.</summary>
/// <param name="factoryType">A type implementing <see cref="ILocalStoreFactory"/> with a public parameterless constructor.</param>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class LocalStoreFactoryAttribute(Type factoryType) : Attribute
{
    /// <summary>The factory type.</summary>
    public Type FactoryType { get; } = factoryType;
}
