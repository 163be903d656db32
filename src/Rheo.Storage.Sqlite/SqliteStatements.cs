namespace Rheo.Storage.Sqlite;

/// <summary>Every statement the store runs, prepared once per connection. Reads find the application by name in a sub-query, writes by the id resolved in their transaction.</summary>
internal static class SqliteStatements
{
    private const string AppIdOfName = "(SELECT app_id FROM applications WHERE name = $name)";

    // Transactions. IMMEDIATE takes the write lock at BEGIN, so a second process waits there (busy timeout) instead of
    // failing with SQLITE_BUSY when a deferred transaction tries to upgrade from read to write.
    public static readonly SqlStatement Begin = new("BEGIN IMMEDIATE");
    public static readonly SqlStatement Commit = new("COMMIT");

    // Applications.
    public static readonly SqlStatement FindApplication = new("SELECT app_id FROM applications WHERE name = $name");
    public static readonly SqlStatement CreateApplication = new("INSERT INTO applications (name) VALUES ($name) RETURNING app_id");
    public static readonly SqlStatement ReadApplication = new("SELECT state, active_topology, updated_at FROM applications WHERE name = $name AND state IS NOT NULL");
    public static readonly SqlStatement SaveApplication = new("""
        INSERT INTO applications (name, state, active_topology, updated_at) VALUES ($name, $state, $active_topology, $updated_at)
        ON CONFLICT (name) DO UPDATE SET state = excluded.state, active_topology = excluded.active_topology, updated_at = excluded.updated_at
        """);

    public static readonly SqlStatement DeleteApplication = new("DELETE FROM applications WHERE app_id = $app");

    public static readonly IReadOnlyList<SqlStatement> DeleteApplicationData =
    [
        new("DELETE FROM topologies WHERE app_id = $app"),
        new("DELETE FROM events WHERE app_id = $app"),
        new("DELETE FROM routes WHERE app_id = $app"),
        new("DELETE FROM pending_groups WHERE app_id = $app"),
        new("DELETE FROM executions WHERE app_id = $app"),
        new("DELETE FROM compute_records WHERE app_id = $app"),
        new("DELETE FROM timers WHERE app_id = $app"),
        new("DELETE FROM metrics WHERE app_id = $app"),
        new("DELETE FROM hooks WHERE app_id = $app"),
    ];

    // Topologies.
    public static readonly SqlStatement AddTopology = new("""
        INSERT INTO topologies (app_id, version, json)
        SELECT $app, COALESCE(MAX(version), 0) + 1, $json FROM topologies WHERE app_id = $app
        RETURNING version
        """);

    public static readonly SqlStatement ReadTopology = new($"SELECT json FROM topologies WHERE app_id = {AppIdOfName} AND version = $version");

    // The queue. Sequences come from a counter on the application row, so they keep increasing after the queue empties.
    public static readonly SqlStatement ReserveSequences = new("UPDATE applications SET last_sequence = last_sequence + $count WHERE app_id = $app RETURNING last_sequence");
    public static readonly SqlStatement InsertEvent = new("INSERT INTO events (app_id, sequence, node_id, dimension_values, received_at) VALUES ($app, $sequence, $node_id, $dimension_values, $received_at)");
    public static readonly SqlStatement ConsumeEvents = new("DELETE FROM events WHERE app_id = $app AND sequence <= $through");
    public static readonly SqlStatement ReadQueue = new($"SELECT sequence, node_id, dimension_values, received_at FROM events WHERE app_id = {AppIdOfName} ORDER BY sequence LIMIT $max");
    public static readonly SqlStatement CountQueue = new($"SELECT COUNT(*) FROM events WHERE app_id = {AppIdOfName}");

    // Routes and pending groups.
    public static readonly SqlStatement ReadRoutes = new($"""
        SELECT r.route_id, r.integrity, r.next_group_id, g.group_id, g.json
        FROM routes r LEFT JOIN pending_groups g ON g.app_id = r.app_id AND g.route_id = r.route_id
        WHERE r.app_id = {AppIdOfName}
        ORDER BY r.route_id, g.group_id
        """);

    public static readonly SqlStatement UpsertRoute = new("""
        INSERT INTO routes (app_id, route_id, integrity, next_group_id) VALUES ($app, $route, $integrity, $next_group_id)
        ON CONFLICT (app_id, route_id) DO UPDATE SET integrity = excluded.integrity, next_group_id = excluded.next_group_id
        """);

    public static readonly SqlStatement DeleteRoute = new("DELETE FROM routes WHERE app_id = $app AND route_id = $route");
    public static readonly SqlStatement DeleteGroupsOfRoute = new("DELETE FROM pending_groups WHERE app_id = $app AND route_id = $route");
    public static readonly SqlStatement DeleteGroup = new("DELETE FROM pending_groups WHERE app_id = $app AND route_id = $route AND group_id = $group");
    public static readonly SqlStatement UpsertGroup = new("INSERT OR REPLACE INTO pending_groups (app_id, route_id, group_id, json) VALUES ($app, $route, $group, $json)");

    // Executions and compute records.
    public static readonly SqlStatement InsertExecution = new("""
        INSERT INTO executions (app_id, id, route_id, output_key, output, inputs, status, created_at, started_at, ended_at, error, trigger_kind)
        VALUES ($app, $id, $route, $output_key, $output, $inputs, $status, $created_at, $started_at, $ended_at, $error, $trigger)
        """);

    public static readonly SqlStatement UpdateExecution = new("""
        UPDATE executions SET status = $status, started_at = COALESCE($started_at, started_at), ended_at = COALESCE($ended_at, ended_at), error = COALESCE($error, error)
        WHERE app_id = $app AND id = $id
        """);

    public static readonly SqlStatement MaxExecutionId = new($"SELECT COALESCE(MAX(id), 0) FROM executions WHERE app_id = {AppIdOfName}");

    /// <summary>One query per combination of filters (route, output key, active only: bit 0, 1, 2), each prepared once with the index it should use.</summary>
    /// <remarks>
    /// The index is named because without statistics SQLite prefers walking the primary key backwards (it yields newest first
    /// without sorting) and filtering, which reads every execution of the application to find a few. The active ones are few,
    /// and a route's or an output's are a small share of all.
    /// </remarks>
    public static readonly IReadOnlyList<SqlStatement> ReadExecutions = [.. Enumerable.Range(0, 8).Select(filters => new SqlStatement(
        "SELECT id, route_id, output_key, output, inputs, status, created_at, started_at, ended_at, error, trigger_kind FROM executions"
        + filters switch
        {
            0 or 2 => "",
            1 or 3 or 7 => " INDEXED BY executions_by_output",
            _ => " INDEXED BY executions_active",
        }
        + $" WHERE app_id = {AppIdOfName}"
        + ((filters & 1) != 0 ? " AND route_id = $route" : "")
        + ((filters & 2) != 0 ? " AND output_key = $output_key" : "")
        + ((filters & 4) != 0 ? " AND status IN ('pending', 'running')" : "")
        + " ORDER BY id DESC LIMIT $limit"))];

    public static readonly SqlStatement InsertComputeRecord = new("""
        INSERT INTO compute_records (app_id, execution_id, target_index, attempt, target, status, started_at, ended_at, error, log_path)
        VALUES ($app, $execution_id, $target_index, $attempt, $target, $status, $started_at, $ended_at, $error, $log_path)
        """);

    public static readonly SqlStatement ReadComputeRecords = new($"""
        SELECT execution_id, target_index, attempt, target, status, started_at, ended_at, error, log_path FROM compute_records
        WHERE app_id = {AppIdOfName} AND execution_id = $execution_id ORDER BY target_index, attempt, rowid
        """);

    // Timers and metrics.
    public static readonly SqlStatement UpsertTimer = new("""
        INSERT INTO timers (app_id, timer_id, last_fired_at) VALUES ($app, $timer, $at)
        ON CONFLICT (app_id, timer_id) DO UPDATE SET last_fired_at = excluded.last_fired_at
        """);

    public static readonly SqlStatement ReadTimers = new($"SELECT timer_id, last_fired_at FROM timers WHERE app_id = {AppIdOfName}");
    public static readonly SqlStatement InsertMetric = new("INSERT INTO metrics (app_id, route_id, name, dimension, value, at) VALUES ($app, $route, $name, $dimension, $value, $at)");

    /// <summary>One query per combination of filters (route: bit 0, name: bit 1), oldest (first inserted) first.</summary>
    public static readonly IReadOnlyList<SqlStatement> ReadMetrics = [.. Enumerable.Range(0, 4).Select(filters => new SqlStatement(
        $"SELECT route_id, name, dimension, value, at FROM metrics WHERE app_id = {AppIdOfName}"
        + ((filters & 1) != 0 ? " AND route_id = $route" : "")
        + ((filters & 2) != 0 ? " AND name = $metric" : "")
        + " ORDER BY rowid"))];

    // The hook outbox.
    public static readonly SqlStatement UpsertHook = new("""
        INSERT INTO hooks (app_id, id, type_name, context, created_at, attempts, next_at, error, gave_up)
        VALUES ($app, $id, $type_name, $context, $created_at, $attempts, $next_at, $error, $gave_up)
        ON CONFLICT (app_id, id) DO UPDATE SET attempts = excluded.attempts, next_at = excluded.next_at, error = excluded.error, gave_up = excluded.gave_up
        """);

    public static readonly SqlStatement DeleteHook = new("DELETE FROM hooks WHERE app_id = $app AND id = $id");
    public static readonly SqlStatement ReadHooks = new($"SELECT id, type_name, context, created_at, attempts, next_at, error, gave_up FROM hooks WHERE app_id = {AppIdOfName} ORDER BY id");

    // State data: store-wide, keyed by table name, partition key and index.
    public static readonly SqlStatement UpsertStateItem = new("""
        INSERT INTO state_data (table_name, partition_key, idx, json) VALUES ($table, $partition_key, $idx, $json)
        ON CONFLICT (table_name, partition_key, idx) DO UPDATE SET json = excluded.json
        """);

    public static readonly SqlStatement ReadStateItem = new("SELECT json FROM state_data WHERE table_name = $table AND partition_key = $partition_key AND idx = $idx");
    public static readonly SqlStatement ReadStateItems = new("SELECT idx, json FROM state_data WHERE table_name = $table AND partition_key = $partition_key ORDER BY idx");
    public static readonly SqlStatement DeleteStateItems = new("DELETE FROM state_data WHERE table_name = $table AND partition_key = $partition_key");
}
