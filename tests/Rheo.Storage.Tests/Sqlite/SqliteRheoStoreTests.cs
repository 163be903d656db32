using System.Reflection;
using Microsoft.Data.Sqlite;
using Rheo.Runtime.Storage;
using Rheo.Storage.Sqlite;
using Rheo.Storage.Tests.Contract;

namespace Rheo.Storage.Tests.Sqlite;

/// <summary>The SQLite store against the contract, and what only a file can show: durability, migrations, pragmas, locks.</summary>
public sealed class SqliteRheoStoreTests : RheoStoreContractTests
{
    private readonly TemporaryFolder _folder = new();

    private string DatabasePath => Path.Combine(_folder.Path, SqliteLocalStoreFactory.FileName);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Delete();
    }

    [Fact]
    public async Task A_new_file_gets_the_latest_schema_version()
    {
        await using var store = SqliteRheoStore.Open(Path.Combine(_folder.Path, "new.db"));

        Assert.Equal(SqliteSchema.Migrations.Count, store.SchemaVersion);
        Assert.Equal(SqliteSchema.Migrations.Count, UserVersion(store.Path));
    }

    [Fact]
    public async Task The_store_uses_write_ahead_logging_synchronous_normal_and_a_busy_timeout_by_default()
    {
        await using var store = SqliteRheoStore.Open(Path.Combine(_folder.Path, "defaults.db"));

        Assert.Equal("wal", store.ReadWriterPragma("journal_mode"));
        Assert.Equal(1L, store.ReadWriterPragma("synchronous"));
        Assert.Equal(5000L, store.ReadWriterPragma("busy_timeout"));
    }

    [Fact]
    public async Task Synchronous_full_is_applied_when_asked_for()
    {
        await using var store = SqliteRheoStore.Open(Path.Combine(_folder.Path, "full.db"), new SqliteStoreOptions { Synchronous = SqliteSynchronous.Full, BusyTimeout = TimeSpan.FromSeconds(2) });

        Assert.Equal(2L, store.ReadWriterPragma("synchronous"));
        Assert.Equal(2000L, store.ReadWriterPragma("busy_timeout"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_busy_timeout_that_is_not_positive_is_refused(int milliseconds)
    {
        var options = new SqliteStoreOptions { BusyTimeout = TimeSpan.FromMilliseconds(milliseconds) };

        var error = Assert.Throws<ArgumentException>(() => SqliteRheoStore.Open(Path.Combine(_folder.Path, "refused.db"), options));

        Assert.Contains("BusyTimeout", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder.Path, "refused.db")));
    }

    [Fact]
    public async Task Reopening_a_file_keeps_its_data_and_schema_version()
    {
        var sequences = await EnqueueAsync("app", Event("a", "1"));
        await CommitAsync("app", b => b.NewExecutions.Add(Execution(1)));
        await Store.DisposeAsync();

        await using var reopened = SqliteRheoStore.Open(DatabasePath);

        Assert.Equal(SqliteSchema.Migrations.Count, reopened.SchemaVersion);
        Assert.Equal(sequences, (await reopened.ReadQueueAsync("app", 10, Ct)).Select(q => q.Sequence));
        Assert.Equal(1, await reopened.GetMaxExecutionIdAsync("app", Ct));
        Assert.True((await reopened.EnqueueAsync("app", [Event("a", "2")], Ct))[0] > sequences[0]);
    }

    [Fact]
    public async Task A_file_at_the_previous_schema_version_is_migrated_and_keeps_its_data()
    {
        var path = Path.Combine(_folder.Path, "previous.db");
        var previous = SqliteSchema.Migrations.Count - 1;
        using (var connection = OpenConnection(path))
        {
            using var session = new SqliteSession(connection);
            SqliteSchema.Migrate(session, path, [.. SqliteSchema.Migrations.Take(previous)]);
            Run(connection, $"""
                INSERT INTO applications (app_id, name, state, active_topology, updated_at, last_sequence) VALUES (1, 'app', 'active', 1, {At(0).UtcTicks}, 1);
                INSERT INTO events VALUES (1, 1, 'a', '["x"]', {At(1).UtcTicks});
                INSERT INTO executions (app_id, id, route_id, output_key, output, inputs, status, created_at, trigger_kind)
                    VALUES (1, 7, 'r', 'NA', '["NA"]', '{"{}"}', 'running', {At(2).UtcTicks}, 'event');
                """);
        }

        await using var store = SqliteRheoStore.Open(path);
        await store.CommitAsync("app", Batch(b => b.NewExecutions.Add(Execution(8, "r", "EU"))), Ct);
        await store.PutStateItemsAsync("t", "ex-1:k", [new StateItem(0, "\"kept\"")], Ct);

        Assert.Equal(SqliteSchema.Migrations.Count, store.SchemaVersion);
        Assert.Equal("\"kept\"", await store.GetStateItemAsync("t", "ex-1:k", 0, Ct));
        AssertEvent(new EventRecord("a", ["x"], At(1)), Assert.Single(await store.ReadQueueAsync("app", 10, Ct)).Event);
        var executions = await store.GetExecutionsAsync("app", new ExecutionQuery(RouteId: "r"), Ct);
        Assert.Equal([8L, 7L], executions.Select(e => e.Id));
        AssertExecution(new ExecutionRecord(7, "r", "NA", ["NA"], "{}", ExecutionStatus.Running, At(2)), executions[1]);
        Assert.Equal([8L, 7L], (await store.GetExecutionsAsync("app", new ExecutionQuery(ActiveOnly: true), Ct)).Select(e => e.Id));
    }

    [Fact]
    public async Task State_items_survive_reopening_the_file()
    {
        await Store.PutStateItemsAsync("t", "ex-1:k", [new StateItem(0, "{\"a\":1}"), new StateItem(1, "[2]")], Ct);
        await Store.DisposeAsync();

        await using var reopened = SqliteRheoStore.Open(DatabasePath);

        Assert.Equal([new StateItem(0, "{\"a\":1}"), new StateItem(1, "[2]")], await reopened.GetStateItemsAsync("t", "ex-1:k", Ct));
    }

    [Fact]
    public async Task A_second_store_on_the_same_file_reads_the_state_items_the_first_put()
    {
        await using var second = SqliteRheoStore.Open(DatabasePath);

        await Store.PutStateItemsAsync("t", "p", [new StateItem(0, "1")], Ct);

        Assert.Equal("1", await second.GetStateItemAsync("t", "p", 0, Ct));
    }

    [Fact]
    public async Task Reading_state_items_uses_the_primary_key_without_sorting()
    {
        await Store.PutStateItemsAsync("t", "p", [new StateItem(0, "1")], Ct);
        using var connection = OpenConnection(DatabasePath);
        using var explain = new PreparedStatement(connection.Handle!, "EXPLAIN QUERY PLAN " + SqliteStatements.ReadStateItems.Sql);
        explain.With("$table", "t").With("$partition_key", "p");

        var plan = new List<string>();
        using (var rows = explain.Query())
        {
            while (rows.Read())
            {
                plan.Add(rows.Text(3));
            }
        }

        Assert.Contains(plan, step => step.Contains("INDEX sqlite_autoindex_state_data_1 (table_name=? AND partition_key=?)", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_file_with_a_newer_schema_version_is_refused_with_a_clear_error()
    {
        var path = Path.Combine(_folder.Path, "newer.db");
        var newer = SqliteSchema.Migrations.Count + 1;
        Run(path, $"PRAGMA user_version = {newer}");

        var error = Assert.Throws<SqliteStoreException>(() => SqliteRheoStore.Open(path));

        Assert.Contains($"schema version {newer}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"up to {SqliteSchema.Migrations.Count}", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
        Assert.Equal(newer, UserVersion(path));
        await Task.CompletedTask;
    }

    [Fact]
    public void A_file_that_is_not_a_database_is_refused_with_a_clear_error()
    {
        var path = Path.Combine(_folder.Path, "notes.txt");
        File.WriteAllText(path, new string('x', 4096));

        var error = Assert.Throws<SqliteStoreException>(() => SqliteRheoStore.Open(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("not a database", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public async Task Two_stores_writing_to_one_file_lose_no_event_and_share_one_sequence()
    {
        await using var second = SqliteRheoStore.Open(DatabasePath);

        var written = await Task.WhenAll(new[] { Store, second }.Select(store => Task.Run(async () =>
        {
            var mine = new List<long>();
            for (var i = 0; i < 50; i++)
            {
                mine.AddRange(await store.EnqueueAsync("app", [Event("a", $"{i}"), Event("b", $"{i}")], Ct));
            }

            return mine;
        })));

        var all = written.SelectMany(w => w).ToList();
        Assert.Equal(200, all.Distinct().Count());
        Assert.Equal(all.Order(), (await second.ReadQueueAsync("app", int.MaxValue, Ct)).Select(q => q.Sequence));
    }

    [Fact]
    public async Task A_committed_batch_survives_a_crash_of_the_process()
    {
        var sequences = await EnqueueAsync("app", Event("a", "1"), Event("a", "2"));
        await CommitAsync("app", b =>
        {
            b.ConsumedThrough = sequences[0];
            b.Routes["r"] = Route("r", 2, new Dictionary<long, string> { [1] = "g1" });
            b.NewExecutions.Add(Execution(1));
        });

        // What a killed process leaves is its files as the OS has them: copy them while the store is still open,
        // without disposing it or flushing anything, and open the copy.
        var crashed = Path.Combine(_folder.Path, "crashed");
        Directory.CreateDirectory(crashed);
        File.Copy(DatabasePath, Path.Combine(crashed, SqliteLocalStoreFactory.FileName));
        File.Copy(DatabasePath + "-wal", Path.Combine(crashed, SqliteLocalStoreFactory.FileName + "-wal"));
        await using var recovered = SqliteRheoStore.Open(Path.Combine(crashed, SqliteLocalStoreFactory.FileName));

        Assert.Equal([sequences[1]], (await recovered.ReadQueueAsync("app", 10, Ct)).Select(q => q.Sequence));
        AssertGroups(new Dictionary<long, string> { [1] = "g1" }, Assert.Single(await recovered.GetRoutesAsync("app", Ct)));
        AssertExecution(Execution(1), Assert.Single(await recovered.GetExecutionsAsync("app", new ExecutionQuery(), Ct)));
    }

    [Fact]
    public async Task A_checkpoint_copies_committed_data_into_the_database_file()
    {
        var sequences = await EnqueueAsync("app", Event("a", "1"), Event("a", "2"));
        var store = Assert.IsType<SqliteRheoStore>(Store);

        await store.CheckpointAsync();

        // Without its log, the database file alone must hold the commit.
        var copy = Path.Combine(_folder.Path, "copy.db");
        File.Copy(DatabasePath, copy);
        await using var reopened = SqliteRheoStore.Open(copy);
        Assert.Equal(sequences, (await reopened.ReadQueueAsync("app", 10, Ct)).Select(q => q.Sequence));
    }

    [Fact]
    public async Task Writing_a_checkpoint_worth_of_pages_starts_a_background_checkpoint()
    {
        var store = Assert.IsType<SqliteRheoStore>(Store);
        var checkpoint = store.NextCheckpoint;
        var sizeBefore = new FileInfo(DatabasePath).Length;

        for (var i = 0; !checkpoint.IsCompleted && i < 200; i++)
        {
            await EnqueueAsync("app", [.. Enumerable.Range(0, 1000).Select(e => Event("node", $"{i}", $"{e}"))]);
        }

        await checkpoint.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.True(new FileInfo(DatabasePath).Length > sizeBefore, "the database file did not grow");
    }

    [Fact]
    public async Task A_second_store_on_the_same_file_sees_what_the_first_committed()
    {
        await using var second = SqliteRheoStore.Open(DatabasePath);

        var sequences = await EnqueueAsync("app", Event("a", "1"));
        await CommitAsync("app", b => b.Timers["t"] = At(1));

        Assert.Equal(sequences, (await second.ReadQueueAsync("app", 10, Ct)).Select(q => q.Sequence));
        Assert.Equal(At(1), (await second.GetTimersAsync("app", Ct))["t"]);
    }

    [Fact]
    public async Task Reads_do_not_wait_for_a_write_lock_held_by_another_connection()
    {
        var sequences = await EnqueueAsync("app", Event("a", "1"));
        using var other = OpenConnection(DatabasePath);
        Run(other, "BEGIN IMMEDIATE");
        Run(other, "DELETE FROM events");

        var queued = await Store.ReadQueueAsync("app", 10, Ct);

        Assert.Equal(sequences, queued.Select(q => q.Sequence));
        Run(other, "ROLLBACK");
    }

    [Fact]
    public async Task A_write_blocked_past_the_busy_timeout_fails_as_transient_and_changes_nothing()
    {
        await Store.DisposeAsync();
        await using var store = SqliteRheoStore.Open(DatabasePath, new SqliteStoreOptions { BusyTimeout = TimeSpan.FromMilliseconds(1) });
        await store.EnqueueAsync("app", [Event("a", "1")], Ct);
        using var other = OpenConnection(DatabasePath);
        Run(other, "BEGIN IMMEDIATE");

        var error = await Assert.ThrowsAsync<SqliteStoreException>(() => store.EnqueueAsync("app", [Event("a", "2")], Ct));

        Assert.True(error.IsTransient);
        Assert.Contains("enqueue events of application 'app'", error.Message, StringComparison.Ordinal);
        Run(other, "ROLLBACK");
        Assert.Equal(1, await store.CountQueuedAsync("app", Ct));
        Assert.Single(await store.EnqueueAsync("app", [Event("a", "2")], Ct));
    }

    [Fact]
    public async Task A_write_with_a_cancelled_token_is_not_applied()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.EnqueueAsync("app", [Event("a", "1")], cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.CommitAsync("app", Batch(b => b.Timers["t"] = At(1)), cancelled.Token));

        Assert.Equal(0, await Store.CountQueuedAsync("app", Ct));
        Assert.Empty(await Store.GetTimersAsync("app", Ct));
    }

    [Fact]
    public async Task A_disposed_store_refuses_reads_and_writes()
    {
        await Store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => Store.CountQueuedAsync("app", Ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => Store.EnqueueAsync("app", [Event("a", "1")], Ct));
    }

    [Theory]
    [InlineData(1, "executions_by_output")]
    [InlineData(3, "executions_by_output")]
    [InlineData(4, "executions_active")]
    [InlineData(5, "executions_active")]
    [InlineData(6, "executions_active")]
    [InlineData(7, "executions_by_output")]
    public async Task Execution_queries_use_their_index(int filters, string index)
    {
        await EnqueueAsync("app", Event("a", "1"));
        using var connection = OpenConnection(DatabasePath);
        using var explain = new PreparedStatement(connection.Handle!, "EXPLAIN QUERY PLAN " + SqliteStatements.ReadExecutions[filters].Sql);
        foreach (var name in explain.Parameters)
        {
            explain.With(name, "x");
        }

        var plan = new List<string>();
        using (var rows = explain.Query())
        {
            while (rows.Read())
            {
                plan.Add(rows.Text(3));
            }
        }

        Assert.Contains(plan, step => step.Contains($"INDEX {index}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_local_factory_opens_rheo_db_under_the_root_and_creates_the_root()
    {
        var root = Path.Combine(_folder.Path, "nested", ".rheo");

        await using var store = new SqliteLocalStoreFactory().Open(root);
        await store.EnqueueAsync("app", [Event("a", "1")], Ct);

        Assert.True(File.Exists(Path.Combine(root, "rheo.db")));
        Assert.Equal(Path.Combine(root, "rheo.db"), Assert.IsType<SqliteRheoStore>(store).Path);
    }

    [Fact]
    public void The_adapter_assembly_names_its_local_factory_and_loads_by_name()
    {
        var assembly = Assembly.Load(new AssemblyName("Rheo.Storage.Sqlite"));

        var attribute = assembly.GetCustomAttribute<LocalStoreFactoryAttribute>();

        Assert.Equal(typeof(SqliteLocalStoreFactory), attribute?.FactoryType);
        Assert.IsAssignableFrom<ILocalStoreFactory>(Activator.CreateInstance(attribute!.FactoryType));
    }

    protected override Task<IRheoStore> CreateStoreAsync() => Task.FromResult<IRheoStore>(SqliteRheoStore.Open(DatabasePath));

    private static SqliteConnection OpenConnection(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 1 }.ConnectionString);
        connection.Open();
        return connection;
    }

    private static void Run(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static void Run(string path, string sql)
    {
        using var connection = OpenConnection(path);
        Run(connection, sql);
    }

    private static int UserVersion(string path)
    {
        using var connection = OpenConnection(path);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
