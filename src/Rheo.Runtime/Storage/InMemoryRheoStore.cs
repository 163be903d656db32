namespace Rheo.Runtime.Storage;

/// <summary>A store held in memory, for tests and throw-away applications; it passes the same contract suite as the durable stores.</summary>
public sealed class InMemoryRheoStore : IRheoStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, AppData> _apps = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Table, string PartitionKey), SortedDictionary<int, string>> _stateData = [];

    /// <inheritdoc />
    public Task<ApplicationRecord?> GetApplicationAsync(string application, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_apps.TryGetValue(application, out var app) ? app.Record : null);
        }
    }

    /// <inheritdoc />
    public Task SaveApplicationAsync(ApplicationRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_lock)
        {
            App(record.Name).Record = record;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<long> AddTopologyAsync(string application, string topologyJson, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var app = App(application);
            app.Topologies.Add(topologyJson);
            return Task.FromResult((long)app.Topologies.Count);
        }
    }

    /// <inheritdoc />
    public Task<string?> GetTopologyAsync(string application, long version, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_apps.TryGetValue(application, out var app) && version >= 1 && version <= app.Topologies.Count ? app.Topologies[(int)version - 1] : null);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<long>> EnqueueAsync(string application, IReadOnlyList<EventRecord> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<long>>(Enqueue(App(application), events));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<QueuedEvent>> ReadQueueAsync(string application, int max, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<QueuedEvent>>(_apps.TryGetValue(application, out var app) ? [.. app.Queue.Take(max)] : []);
        }
    }

    /// <inheritdoc />
    public Task<long> CountQueuedAsync(string application, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_apps.TryGetValue(application, out var app) ? (long)app.Queue.Count : 0);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RouteRecord>> GetRoutesAsync(string application, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<RouteRecord>>(_apps.TryGetValue(application, out var app)
                ? [.. app.Routes.Values.Select(r => r with { Groups = new Dictionary<long, string>(r.Groups) })]
                : []);
        }
    }

    /// <inheritdoc />
    public Task CommitAsync(string application, StoreBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_lock)
        {
            var app = App(application);

            // Validate before mutating, so a rejected batch changes nothing (as a rolled back transaction).
            foreach (var update in batch.ExecutionUpdates)
            {
                if (!app.Executions.ContainsKey(update.Id) && !batch.NewExecutions.Any(e => e.Id == update.Id))
                {
                    throw new InvalidOperationException($"Execution {update.Id} of application '{application}' does not exist.");
                }
            }

            var newIds = new HashSet<long>();
            foreach (var execution in batch.NewExecutions)
            {
                if (app.Executions.ContainsKey(execution.Id) || !newIds.Add(execution.Id))
                {
                    throw new InvalidOperationException($"Execution {execution.Id} of application '{application}' already exists.");
                }
            }

            while (app.Queue.Count > 0 && app.Queue.Peek().Sequence <= batch.ConsumedThrough)
            {
                app.Queue.Dequeue();
            }

            foreach (var id in batch.DeletedRoutes)
            {
                app.Routes.Remove(id);
            }

            foreach (var change in batch.Routes.Values)
            {
                var groups = change.Reset || !app.Routes.TryGetValue(change.RouteId, out var existing) ? new Dictionary<long, string>() : new Dictionary<long, string>(existing.Groups);
                foreach (var id in change.Deletes)
                {
                    groups.Remove(id);
                }

                foreach (var (id, json) in change.Upserts)
                {
                    groups[id] = json;
                }

                app.Routes[change.RouteId] = new RouteRecord(change.RouteId, change.Integrity, change.NextGroupId, groups);
            }

            foreach (var execution in batch.NewExecutions)
            {
                app.Executions.Add(execution.Id, execution);
            }

            foreach (var update in batch.ExecutionUpdates)
            {
                var e = app.Executions[update.Id];
                app.Executions[update.Id] = e with { Status = update.Status, StartedAt = update.StartedAt ?? e.StartedAt, EndedAt = update.EndedAt ?? e.EndedAt, Error = update.Error ?? e.Error };
            }

            app.ComputeRecords.AddRange(batch.ComputeRecords);
            foreach (var (timer, at) in batch.Timers)
            {
                app.Timers[timer] = at;
            }

            app.Metrics.AddRange(batch.Metrics);
            Enqueue(app, batch.NewEvents);
            foreach (var hook in batch.Hooks)
            {
                app.Hooks[hook.Id] = hook;
            }

            foreach (var id in batch.CompletedHooks)
            {
                app.Hooks.Remove(id);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ExecutionRecord>> GetExecutionsAsync(string application, ExecutionQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_lock)
        {
            if (!_apps.TryGetValue(application, out var app))
            {
                return Task.FromResult<IReadOnlyList<ExecutionRecord>>([]);
            }

            return Task.FromResult<IReadOnlyList<ExecutionRecord>>([.. app.Executions.Values
                .Where(e => (query.RouteId is null || e.RouteId == query.RouteId) && (query.OutputKey is null || e.OutputKey == query.OutputKey) && (!query.ActiveOnly || e.IsActive))
                .OrderByDescending(e => e.Id)
                .Take(query.Limit)]);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ComputeRecord>> GetComputeRecordsAsync(string application, long executionId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<ComputeRecord>>(_apps.TryGetValue(application, out var app)
                ? [.. app.ComputeRecords.Where(c => c.ExecutionId == executionId).OrderBy(c => c.TargetIndex).ThenBy(c => c.Attempt)]
                : []);
        }
    }

    /// <inheritdoc />
    public Task<long> GetMaxExecutionIdAsync(string application, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_apps.TryGetValue(application, out var app) && app.Executions.Count > 0 ? app.Executions.Keys.Max() : 0L);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, DateTimeOffset>> GetTimersAsync(string application, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyDictionary<string, DateTimeOffset>>(_apps.TryGetValue(application, out var app)
                ? new Dictionary<string, DateTimeOffset>(app.Timers, StringComparer.Ordinal)
                : new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<MetricPoint>> GetMetricsAsync(string application, string? routeId, string? name, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<MetricPoint>>(_apps.TryGetValue(application, out var app)
                ? [.. app.Metrics.Where(m => (routeId is null || m.RouteId == routeId) && (name is null || m.Name == name))]
                : []);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<HookRecord>> GetHooksAsync(string application, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<HookRecord>>(_apps.TryGetValue(application, out var app) ? [.. app.Hooks.Values] : []);
        }
    }

    /// <inheritdoc />
    public Task DeleteApplicationAsync(string application, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _apps.Remove(application);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task PutStateItemsAsync(string table, string partitionKey, IReadOnlyList<StateItem> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentNullException.ThrowIfNull(items);
        foreach (var item in items)
        {
            ArgumentNullException.ThrowIfNull(item?.Json, nameof(items));
        }

        lock (_lock)
        {
            if (!_stateData.TryGetValue((table, partitionKey), out var stored))
            {
                stored = [];
                _stateData.Add((table, partitionKey), stored);
            }

            foreach (var item in items)
            {
                stored[item.Index] = item.Json;
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<string?> GetStateItemAsync(string table, string partitionKey, int index, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_stateData.TryGetValue((table, partitionKey), out var stored) && stored.TryGetValue(index, out var json) ? json : null);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StateItem>> GetStateItemsAsync(string table, string partitionKey, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<StateItem>>(_stateData.TryGetValue((table, partitionKey), out var stored)
                ? [.. stored.Select(i => new StateItem(i.Key, i.Value))]
                : []);
        }
    }

    /// <inheritdoc />
    public Task<int> DeleteStateItemsAsync(string table, string partitionKey, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_stateData.Remove((table, partitionKey), out var stored) ? stored.Count : 0);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static List<long> Enqueue(AppData app, IEnumerable<EventRecord> events)
    {
        var sequences = new List<long>();
        foreach (var e in events)
        {
            var sequence = ++app.LastSequence;
            app.Queue.Enqueue(new QueuedEvent(sequence, e));
            sequences.Add(sequence);
        }

        return sequences;
    }

    private AppData App(string name)
    {
        if (!_apps.TryGetValue(name, out var app))
        {
            app = new AppData();
            _apps.Add(name, app);
        }

        return app;
    }

    private sealed class AppData
    {
        public ApplicationRecord? Record { get; set; }

        public List<string> Topologies { get; } = [];

        public Queue<QueuedEvent> Queue { get; } = new();

        public long LastSequence { get; set; }

        public Dictionary<string, RouteRecord> Routes { get; } = new(StringComparer.Ordinal);

        public Dictionary<long, ExecutionRecord> Executions { get; } = [];

        public List<ComputeRecord> ComputeRecords { get; } = [];

        public Dictionary<string, DateTimeOffset> Timers { get; } = new(StringComparer.Ordinal);

        public List<MetricPoint> Metrics { get; } = [];

        public SortedDictionary<long, HookRecord> Hooks { get; } = [];
    }
}
