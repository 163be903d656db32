using Microsoft.Data.Sqlite;
using Rheo.Storage.Sqlite;

namespace Rheo.Storage.Tests.Sqlite;

/// <summary>Migrations: applied in order, once, all or nothing.</summary>
public sealed class SqliteSchemaTests : IDisposable
{
    private const string CreateA = "CREATE TABLE a (x INTEGER)";
    private const string CreateB = "CREATE TABLE b (y INTEGER)";

    private readonly TemporaryFolder _folder = new();
    private readonly SqliteSession _session;

    public SqliteSchemaTests()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder.Path, "schema.db"), Pooling = false }.ConnectionString);
        connection.Open();
        _session = new SqliteSession(connection);
    }

    public void Dispose()
    {
        _session.Dispose();
        _folder.Delete();
    }

    [Fact]
    public void A_new_file_gets_every_migration()
    {
        var version = SqliteSchema.Migrate(_session, "schema.db", [CreateA, CreateB]);

        Assert.Equal(2, version);
        Assert.Equal(["a", "b"], Tables());
    }

    [Fact]
    public void A_file_at_the_previous_version_gets_only_the_new_migration()
    {
        SqliteSchema.Migrate(_session, "schema.db", [CreateA]);

        // Running CreateA again would fail: the table exists.
        var version = SqliteSchema.Migrate(_session, "schema.db", [CreateA, CreateB]);

        Assert.Equal(2, version);
        Assert.Equal(["a", "b"], Tables());
    }

    [Fact]
    public void A_file_at_the_latest_version_is_left_alone()
    {
        SqliteSchema.Migrate(_session, "schema.db", [CreateA, CreateB]);

        var version = SqliteSchema.Migrate(_session, "schema.db", [CreateA, CreateB]);

        Assert.Equal(2, version);
        Assert.Equal(2L, _session.ExecuteOnce("PRAGMA user_version"));
    }

    [Fact]
    public void A_failing_migration_leaves_the_file_at_its_previous_version_without_partial_changes()
    {
        SqliteSchema.Migrate(_session, "schema.db", [CreateA]);

        var error = Assert.Throws<SqliteStoreException>(() => SqliteSchema.Migrate(_session, "schema.db", [CreateA, CreateB, "CREATE TABLE c (z INTEGER); SELECT * FROM missing"]));

        Assert.Contains("schema version 3", error.Message, StringComparison.Ordinal);
        Assert.Equal(1L, _session.ExecuteOnce("PRAGMA user_version"));
        Assert.Equal(["a"], Tables());
        Assert.False(_session.InTransaction);
    }

    [Fact]
    public void The_released_schema_creates_every_table_of_the_store()
    {
        SqliteSchema.Migrate(_session, "schema.db", SqliteSchema.Migrations);

        Assert.Equal(["applications", "compute_records", "events", "executions", "hooks", "metrics", "pending_groups", "routes", "state_data", "timers", "topologies"], Tables());
    }

    private List<string> Tables()
    {
        using var command = _session.Connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name";
        using var reader = command.ExecuteReader();
        var tables = new List<string>();
        while (reader.Read())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }
}
