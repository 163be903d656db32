using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Rheo.Runtime.Storage;
using static Rheo.Storage.Sqlite.SqliteStatements;

namespace Rheo.Storage.Sqlite;

/// <summary>The embedded default store: every application of a root in one SQLite file in WAL mode.</summary>
/// <remarks>
/// Thread-safe. Writes (saves, enqueues, commits, deletes) go through one connection, one transaction at a time, because
/// SQLite has one writer; reads use a pool of other connections and see the last committed state without waiting for a
/// write in progress. A write method returns once its transaction is committed: with <see cref="SqliteSynchronous.Normal"/>
/// it then survives a crash of the process, with <see cref="SqliteSynchronous.Full"/> also a crash of the operating system.
/// Cancellation is observed until a transaction starts; a started transaction runs to its end. Failures of the file are
/// reported as <see cref="SqliteStoreException"/> (transient when another process held the write lock past
/// <see cref="SqliteStoreOptions.BusyTimeout"/>); a batch that names an existing new execution or an unknown updated one is
/// rolled back and reported as <see cref="InvalidOperationException"/>.
/// </remarks>
public sealed class SqliteRheoStore : IRheoStore
{
    private readonly string _connectionString;
    private readonly SqliteStoreOptions _options;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly SqliteSession _writer;
    private readonly ConcurrentBag<SqliteSession> _readers = [];
    private readonly SqliteCheckpointer _checkpointer;
    private int _disposing;
    private volatile bool _disposed;

    private SqliteRheoStore(string path, SqliteStoreOptions options, SqliteSession writer, string connectionString)
    {
        Path = path;
        _options = options;
        _writer = writer;
        _connectionString = connectionString;
        _checkpointer = new SqliteCheckpointer(OpenSession(connectionString, options), _writeLock);
    }

    /// <summary>The store file.</summary>
    public string Path { get; }

    /// <summary>The schema version of the file (<c>PRAGMA user_version</c>), the last one this version of Rheo knows.</summary>
    public int SchemaVersion { get; private init; }

    /// <summary>Opens the store file at <paramref name="path"/>, creating it and its schema when missing and migrating an older schema.</summary>
    /// <param name="path">The database file, e.g. <c>.rheo/rheo.db</c>; its folder must exist.</param>
    /// <param name="options">Durability and lock waits; the defaults when null.</param>
    /// <exception cref="SqliteStoreException">The file cannot be opened, is not a database, or was written by a newer Rheo (a schema version this one does not know).</exception>
    public static SqliteRheoStore Open(string path, SqliteStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new SqliteStoreOptions();
        options.Validate();
        path = System.IO.Path.GetFullPath(path);

        // Pooling is off: the store keeps its own connections, each with its prepared statements.
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = options.BusyTimeoutSeconds,
        };

        SqliteSession? writer = null;
        try
        {
            writer = OpenSession(builder.ConnectionString, options);

            // WAL lets readers work beside the writer and makes a commit one append to the log. The mode is stored in the file.
            var mode = writer.ExecuteOnce("PRAGMA journal_mode = WAL") as string;
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new SqliteStoreException($"The store file '{path}' cannot use write-ahead logging (journal mode is '{mode}'); the file system may not support shared memory.", 0, null);
            }

            // After a checkpoint, shrink the log back to 64 MiB, so a burst does not leave a large file behind. Checkpoints
            // run in the background (SqliteCheckpointer), not inside the commit that fills the log.
            writer.ExecuteOnce("PRAGMA journal_size_limit = 67108864");
            writer.ExecuteOnce("PRAGMA wal_autocheckpoint = 0");
            var version = SqliteSchema.Migrate(writer, path, SqliteSchema.Migrations);
            builder.Mode = SqliteOpenMode.ReadWrite;
            return new SqliteRheoStore(path, options, writer, builder.ConnectionString) { SchemaVersion = version };
        }
        catch (SqliteException e)
        {
            writer?.Dispose();
            throw SqliteStoreException.From(e, path, "open the store");
        }
        catch
        {
            writer?.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public Task<ApplicationRecord?> GetApplicationAsync(string application, CancellationToken cancellationToken) =>
        ReadAsync(application, 0, static (s, application, _) =>
        {
            using var rows = s.Statement(ReadApplication).With("$name", application).Query();
            return rows.Read()
                ? new ApplicationRecord(application, StoredValues.ApplicationStates.Parse(rows.Text(0)), rows.Int64(1), rows.Instant(2))
                : null;
        }, "read the application", cancellationToken);

    /// <inheritdoc />
    public Task SaveApplicationAsync(ApplicationRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        return WriteAsync(record.Name, record, static (s, application, record) => s.Statement(SaveApplication)
            .With("$name", application)
            .With("$state", StoredValues.ApplicationStates.Word(record.State))
            .With("$active_topology", record.ActiveTopologyVersion)
            .With("$updated_at", record.UpdatedAt)
            .Execute(), "save the application", cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> AddTopologyAsync(string application, string topologyJson, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topologyJson);
        return WriteAsync(application, topologyJson, static (s, application, json) => s.Statement(AddTopology)
            .With("$app", ApplicationId(s, application, create: true))
            .With("$json", json)
            .Int64Scalar()!.Value, "add a topology", cancellationToken);
    }

    /// <inheritdoc />
    public Task<string?> GetTopologyAsync(string application, long version, CancellationToken cancellationToken) =>
        ReadAsync(application, version, static (s, application, version) =>
            s.Statement(ReadTopology).With("$name", application).With("$version", version).TextScalar(), "read a topology", cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<long>> EnqueueAsync(string application, IReadOnlyList<EventRecord> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        return events.Count == 0
            ? Task.FromResult<IReadOnlyList<long>>([])
            : WriteAsync<IReadOnlyList<EventRecord>, IReadOnlyList<long>>(application, events, static (s, application, events) =>
                Append(s, ApplicationId(s, application, create: true), events), "enqueue events", cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<QueuedEvent>> ReadQueueAsync(string application, int max, CancellationToken cancellationToken) =>
        max <= 0
            ? Task.FromResult<IReadOnlyList<QueuedEvent>>([])
            : ReadAsync<int, IReadOnlyList<QueuedEvent>>(application, max, static (s, application, max) => s.Statement(ReadQueue)
                .With("$name", application)
                .With("$max", max)
                .ReadAll(static rows => new QueuedEvent(rows.Int64(0), new EventRecord(rows.Text(1), StoredValues.Values(rows.Text(2)), rows.Instant(3)))),
                "read the queue", cancellationToken);

    /// <inheritdoc />
    public Task<long> CountQueuedAsync(string application, CancellationToken cancellationToken) =>
        ReadAsync(application, 0, static (s, application, _) => s.Statement(CountQueue).With("$name", application).Int64Scalar() ?? 0, "count the queue", cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<RouteRecord>> GetRoutesAsync(string application, CancellationToken cancellationToken) =>
        ReadAsync<int, IReadOnlyList<RouteRecord>>(application, 0, static (s, application, _) =>
        {
            // One statement, so routes and their groups come from the same snapshot.
            var routes = new List<RouteRecord>();
            using var rows = s.Statement(ReadRoutes).With("$name", application).Query();
            Dictionary<long, string>? groups = null;
            while (rows.Read())
            {
                var routeId = rows.Text(0);
                if (routes.Count == 0 || !string.Equals(routes[^1].RouteId, routeId, StringComparison.Ordinal))
                {
                    groups = [];
                    routes.Add(new RouteRecord(routeId, rows.Text(1), rows.Int64(2), groups));
                }

                if (!rows.IsNull(3))
                {
                    groups![rows.Int64(3)] = rows.Text(4);
                }
            }

            return routes;
        }, "read the routes", cancellationToken);

    /// <inheritdoc />
    public Task CommitAsync(string application, StoreBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return batch.IsEmpty
            ? Task.CompletedTask
            : WriteAsync(application, batch, static (s, application, batch) => Apply(s, application, batch), "commit a batch", cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ExecutionRecord>> GetExecutionsAsync(string application, ExecutionQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query.Limit <= 0
            ? Task.FromResult<IReadOnlyList<ExecutionRecord>>([])
            : ReadAsync<ExecutionQuery, IReadOnlyList<ExecutionRecord>>(application, query, static (s, application, query) =>
            {
                var filters = (query.RouteId is null ? 0 : 1) | (query.OutputKey is null ? 0 : 2) | (query.ActiveOnly ? 4 : 0);
                return s.Statement(ReadExecutions[filters])
                    .With("$name", application)
                    .With("$limit", query.Limit)
                    .WithGiven("$route", query.RouteId)
                    .WithGiven("$output_key", query.OutputKey)
                    .ReadAll(static rows => new ExecutionRecord(
                        rows.Int64(0),
                        rows.Text(1),
                        rows.Text(2),
                        StoredValues.Values(rows.Text(3)),
                        rows.Text(4),
                        StoredValues.ExecutionStatuses.Parse(rows.Text(5)),
                        rows.Instant(6),
                        rows.NullableInstant(7),
                        rows.NullableInstant(8),
                        rows.NullableText(9),
                        rows.Text(10)));
            }, "read executions", cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ComputeRecord>> GetComputeRecordsAsync(string application, long executionId, CancellationToken cancellationToken) =>
        ReadAsync<long, IReadOnlyList<ComputeRecord>>(application, executionId, static (s, application, executionId) => s.Statement(ReadComputeRecords)
            .With("$name", application)
            .With("$execution_id", executionId)
            .ReadAll(static rows => new ComputeRecord(
                rows.Int64(0),
                rows.Int32(1),
                rows.Int32(2),
                rows.Text(3),
                StoredValues.ComputeStatuses.Parse(rows.Text(4)),
                rows.Instant(5),
                rows.Instant(6),
                rows.NullableText(7),
                rows.NullableText(8))),
            "read compute records", cancellationToken);

    /// <inheritdoc />
    public Task<long> GetMaxExecutionIdAsync(string application, CancellationToken cancellationToken) =>
        ReadAsync(application, 0, static (s, application, _) => s.Statement(MaxExecutionId).With("$name", application).Int64Scalar() ?? 0, "read the highest execution id", cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, DateTimeOffset>> GetTimersAsync(string application, CancellationToken cancellationToken) =>
        ReadAsync<int, IReadOnlyDictionary<string, DateTimeOffset>>(application, 0, static (s, application, _) =>
        {
            var timers = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            using var rows = s.Statement(ReadTimers).With("$name", application).Query();
            while (rows.Read())
            {
                timers[rows.Text(0)] = rows.Instant(1);
            }

            return timers;
        }, "read timers", cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<MetricPoint>> GetMetricsAsync(string application, string? routeId, string? name, CancellationToken cancellationToken) =>
        ReadAsync<(string? RouteId, string? Name), IReadOnlyList<MetricPoint>>(application, (routeId, name), static (s, application, filter) => s
            .Statement(ReadMetrics[(filter.RouteId is null ? 0 : 1) | (filter.Name is null ? 0 : 2)])
            .With("$name", application)
            .WithGiven("$route", filter.RouteId)
            .WithGiven("$metric", filter.Name)
            .ReadAll(static rows => new MetricPoint(rows.Text(0), rows.Text(1), rows.Text(2), rows.Double(3), rows.Instant(4))),
            "read metrics", cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<HookRecord>> GetHooksAsync(string application, CancellationToken cancellationToken) =>
        ReadAsync<int, IReadOnlyList<HookRecord>>(application, 0, static (s, application, _) => s
            .Statement(ReadHooks)
            .With("$name", application)
            .ReadAll(static rows => new HookRecord(rows.Int64(0), rows.Text(1), rows.Text(2), rows.Instant(3), (int)rows.Int64(4), rows.NullableInstant(5), rows.NullableText(6), rows.Int64(7) != 0)),
            "read the hook outbox", cancellationToken);

    /// <inheritdoc />
    public Task DeleteApplicationAsync(string application, CancellationToken cancellationToken) =>
        WriteAsync(application, 0, static (s, application, _) =>
        {
            var app = ApplicationId(s, application, create: false);
            if (app == 0)
            {
                return 0;
            }

            foreach (var delete in DeleteApplicationData)
            {
                s.Statement(delete).With("$app", app).Execute();
            }

            return s.Statement(DeleteApplication).With("$app", app).Execute();
        }, "delete the application", cancellationToken);

    /// <inheritdoc />
    public Task PutStateItemsAsync(string table, string partitionKey, IReadOnlyList<StateItem> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentNullException.ThrowIfNull(items);
        foreach (var item in items)
        {
            ArgumentNullException.ThrowIfNull(item?.Json, nameof(items));
        }

        return items.Count == 0
            ? Task.CompletedTask
            : WriteAsync((table, partitionKey, items), static (s, x) =>
            {
                var upsert = s.Statement(UpsertStateItem);
                foreach (var item in x.items)
                {
                    upsert.With("$table", x.table).With("$partition_key", x.partitionKey).With("$idx", item.Index).With("$json", item.Json).Execute();
                }

                return 0;
            }, "table", table, "put state data items", cancellationToken);
    }

    /// <inheritdoc />
    public Task<string?> GetStateItemAsync(string table, string partitionKey, int index, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        return ReadAsync((table, partitionKey, index), static (s, x) => s.Statement(ReadStateItem)
            .With("$table", x.table)
            .With("$partition_key", x.partitionKey)
            .With("$idx", x.index)
            .TextScalar(), "table", table, "read a state data item", cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StateItem>> GetStateItemsAsync(string table, string partitionKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        return ReadAsync<(string Table, string PartitionKey), IReadOnlyList<StateItem>>((table, partitionKey), static (s, x) => s.Statement(ReadStateItems)
            .With("$table", x.Table)
            .With("$partition_key", x.PartitionKey)
            .ReadAll(static rows => new StateItem(rows.Int32(0), rows.Text(1))), "table", table, "read state data items", cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> DeleteStateItemsAsync(string table, string partitionKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        return WriteAsync((table, partitionKey), static (s, x) => s.Statement(DeleteStateItems)
            .With("$table", x.table)
            .With("$partition_key", x.partitionKey)
            .Execute(), "table", table, "delete state data items", cancellationToken);
    }

    /// <summary>Closes the store's connections after the write in progress, if any, has finished.</summary>
    /// <remarks>Nothing needs flushing: every write method has committed before it returned.</remarks>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposing, 1) == 1)
        {
            return;
        }

        // Before taking the write lock: the checkpointer's second pass waits for that lock.
        _checkpointer.Dispose();
        await _writeLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            _disposed = true;
            _writer.Dispose();
            DisposeIdleReaders();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Completes when a background checkpoint that starts after this call has finished.</summary>
    internal Task NextCheckpoint => _checkpointer.NextCheckpoint;

    /// <summary>Starts a background checkpoint now; completes when it has finished.</summary>
    internal Task CheckpointAsync() => _checkpointer.CheckpointAsync();

    /// <summary>Reads a pragma on the writer connection (tests check the settings the store applied).</summary>
    internal object? ReadWriterPragma(string name)
    {
        _writeLock.Wait();
        try
        {
            return _writer.ExecuteOnce($"PRAGMA {name}");
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static SqliteSession OpenSession(string connectionString, SqliteStoreOptions options)
    {
        var connection = new SqliteConnection(connectionString);
        var session = new SqliteSession(connection);
        try
        {
            connection.Open();
            var synchronous = options.Synchronous == SqliteSynchronous.Full ? "FULL" : "NORMAL";
            session.ExecuteOnce($"PRAGMA synchronous = {synchronous}");
            session.ExecuteOnce($"PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds}");
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static long ApplicationId(SqliteSession s, string application, bool create)
    {
        return s.Statement(FindApplication).With("$name", application).Int64Scalar()
            ?? (create ? s.Statement(CreateApplication).With("$name", application).Int64Scalar()!.Value : 0);
    }

    private static long[] Append(SqliteSession s, long app, IReadOnlyList<EventRecord> events)
    {
        var sequences = new long[events.Count];
        if (events.Count == 0)
        {
            return sequences;
        }

        var last = s.Statement(ReserveSequences).With("$app", app).With("$count", events.Count).Int64Scalar()!.Value;
        var insert = s.Statement(InsertEvent);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            sequences[i] = last - events.Count + 1 + i;
            insert.With("$app", app)
                .With("$sequence", sequences[i])
                .With("$node_id", e.NodeId)
                .With("$dimension_values", StoredValues.Json(e.Values))
                .With("$received_at", e.ReceivedAt)
                .Execute();
        }

        return sequences;
    }

    // The order is the in-memory store's: consume, delete routes, change routes, insert then update executions, records,
    // timers, metrics, new events. Any failure propagates to WriteAsync, which rolls the whole transaction back.
    private static int Apply(SqliteSession s, string application, StoreBatch batch)
    {
        var app = ApplicationId(s, application, create: true);
        if (batch.ConsumedThrough > 0)
        {
            s.Statement(ConsumeEvents).With("$app", app).With("$through", batch.ConsumedThrough).Execute();
        }

        foreach (var routeId in batch.DeletedRoutes)
        {
            s.Statement(DeleteGroupsOfRoute).With("$app", app).With("$route", routeId).Execute();
            s.Statement(DeleteRoute).With("$app", app).With("$route", routeId).Execute();
        }

        foreach (var change in batch.Routes.Values)
        {
            ApplyRouteChange(s, app, change);
        }

        foreach (var execution in batch.NewExecutions)
        {
            InsertNewExecution(s, app, application, execution);
        }

        foreach (var update in batch.ExecutionUpdates)
        {
            var changed = s.Statement(UpdateExecution)
                .With("$app", app)
                .With("$id", update.Id)
                .With("$status", StoredValues.ExecutionStatuses.Word(update.Status))
                .With("$started_at", update.StartedAt)
                .With("$ended_at", update.EndedAt)
                .With("$error", update.Error)
                .Execute();
            if (changed == 0)
            {
                throw new InvalidOperationException($"Execution {update.Id} of application '{application}' does not exist.");
            }
        }

        foreach (var record in batch.ComputeRecords)
        {
            s.Statement(InsertComputeRecord)
                .With("$app", app)
                .With("$execution_id", record.ExecutionId)
                .With("$target_index", record.TargetIndex)
                .With("$attempt", record.Attempt)
                .With("$target", record.Target)
                .With("$status", StoredValues.ComputeStatuses.Word(record.Status))
                .With("$started_at", record.StartedAt)
                .With("$ended_at", record.EndedAt)
                .With("$error", record.Error)
                .With("$log_path", record.LogPath)
                .Execute();
        }

        foreach (var (timer, at) in batch.Timers)
        {
            s.Statement(UpsertTimer).With("$app", app).With("$timer", timer).With("$at", at).Execute();
        }

        foreach (var point in batch.Metrics)
        {
            s.Statement(InsertMetric)
                .With("$app", app)
                .With("$route", point.RouteId)
                .With("$name", point.Name)
                .With("$dimension", point.Dimension)
                .With("$value", point.Value)
                .With("$at", point.At)
                .Execute();
        }

        Append(s, app, batch.NewEvents);
        foreach (var hook in batch.Hooks)
        {
            s.Statement(UpsertHook)
                .With("$app", app)
                .With("$id", hook.Id)
                .With("$type_name", hook.TypeName)
                .With("$context", hook.ContextJson)
                .With("$created_at", hook.CreatedAt)
                .With("$attempts", hook.Attempts)
                .With("$next_at", hook.NextAttemptAt)
                .With("$error", hook.Error)
                .With("$gave_up", hook.GaveUp ? 1 : 0)
                .Execute();
        }

        foreach (var id in batch.CompletedHooks)
        {
            s.Statement(DeleteHook).With("$app", app).With("$id", id).Execute();
        }

        return 0;
    }

    private static void ApplyRouteChange(SqliteSession s, long app, RouteChange change)
    {
        s.Statement(UpsertRoute)
            .With("$app", app)
            .With("$route", change.RouteId)
            .With("$integrity", change.Integrity)
            .With("$next_group_id", change.NextGroupId)
            .Execute();
        if (change.Reset)
        {
            s.Statement(DeleteGroupsOfRoute).With("$app", app).With("$route", change.RouteId).Execute();
        }

        foreach (var id in change.Deletes)
        {
            s.Statement(DeleteGroup).With("$app", app).With("$route", change.RouteId).With("$group", id).Execute();
        }

        foreach (var (id, json) in change.Upserts)
        {
            s.Statement(UpsertGroup).With("$app", app).With("$route", change.RouteId).With("$group", id).With("$json", json).Execute();
        }
    }

    private static void InsertNewExecution(SqliteSession s, long app, string application, ExecutionRecord execution)
    {
        try
        {
            s.Statement(InsertExecution)
                .With("$app", app)
                .With("$id", execution.Id)
                .With("$route", execution.RouteId)
                .With("$output_key", execution.OutputKey)
                .With("$output", StoredValues.Json(execution.Output))
                .With("$inputs", execution.InputsJson)
                .With("$status", StoredValues.ExecutionStatuses.Word(execution.Status))
                .With("$created_at", execution.CreatedAt)
                .With("$started_at", execution.StartedAt)
                .With("$ended_at", execution.EndedAt)
                .With("$error", execution.Error)
                .With("$trigger", execution.Trigger)
                .Execute();
        }
        catch (SqliteException e) when (SqliteResultCodes.Primary(e.SqliteErrorCode) == SqliteResultCodes.Constraint)
        {
            throw new InvalidOperationException($"Execution {execution.Id} of application '{application}' already exists.", e);
        }
    }

    private Task<TResult> WriteAsync<TState, TResult>(string application, TState state, Func<SqliteSession, string, TState, TResult> write, string operation, CancellationToken cancellationToken) =>
        WriteAsync((application, state, write), static (s, x) => x.write(s, x.application, x.state), "application", application, operation, cancellationToken);

    /// <summary>Runs <paramref name="write"/> in one transaction on the writer; <paramref name="kind"/> and <paramref name="name"/> say in an error what was written (an application, a state data table).</summary>
    private async Task<TResult> WriteAsync<TState, TResult>(TState state, Func<SqliteSession, TState, TResult> write, string kind, string name, string operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            cancellationToken.ThrowIfCancellationRequested();

            // A rollback that failed after an earlier error may have left a transaction open; BEGIN would then fail forever.
            _writer.RollbackIfActive();
            _writer.Statement(Begin).Execute();
            try
            {
                var result = write(_writer, state);
                _writer.Statement(Commit).Execute();
                _checkpointer.CountPagesWritten(_writer.Connection.Handle!);
                return result;
            }
            catch
            {
                _writer.RollbackIfActive();
                throw;
            }
        }
        catch (SqliteException e)
        {
            throw SqliteStoreException.From(e, Path, $"{operation} of {kind} '{name}'");
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private Task<TResult> ReadAsync<TState, TResult>(string application, TState state, Func<SqliteSession, string, TState, TResult> read, string operation, CancellationToken cancellationToken) =>
        ReadAsync((application, state, read), static (s, x) => x.read(s, x.application, x.state), "application", application, operation, cancellationToken);

    /// <summary>Runs <paramref name="read"/> on a pooled reader; <paramref name="kind"/> and <paramref name="name"/> say in an error what was read.</summary>
    private Task<TResult> ReadAsync<TState, TResult>(TState state, Func<SqliteSession, TState, TResult> read, string kind, string name, string operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TResult>(cancellationToken);
        }

        // Microsoft.Data.Sqlite has no truly asynchronous I/O; a read is short and runs on the caller's thread.
        SqliteSession? session = null;
        try
        {
            session = RentReader();
            return Task.FromResult(read(session, state));
        }
        catch (SqliteException e)
        {
            return Task.FromException<TResult>(SqliteStoreException.From(e, Path, $"{operation} of {kind} '{name}'"));
        }
        finally
        {
            if (session is not null)
            {
                ReturnReader(session);
            }
        }
    }

    private SqliteSession RentReader()
    {
        if (_readers.TryTake(out var session))
        {
            return session;
        }

        session = OpenSession(_connectionString, _options);
        try
        {
            // A reader never writes; this turns a mistake into an error instead of a second writer.
            session.ExecuteOnce("PRAGMA query_only = ON");
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private void ReturnReader(SqliteSession session)
    {
        _readers.Add(session);

        // DisposeAsync may have drained the pool between the caller's check and this return.
        if (_disposed)
        {
            DisposeIdleReaders();
        }
    }

    private void DisposeIdleReaders()
    {
        while (_readers.TryTake(out var session))
        {
            session.Dispose();
        }
    }
}
