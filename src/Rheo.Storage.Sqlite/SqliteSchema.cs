using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Rheo.Storage.Sqlite;

/// <summary>The store's schema as an ordered list of migrations; <c>PRAGMA user_version</c> records how many a file has applied.</summary>
/// <remarks>
/// A migration is never edited once released: a change of layout is a new script at the end of the list. Timestamps are
/// UTC ticks (100 ns) in INTEGER columns; enum values are stored as fixed lower-case words (see <see cref="StoredValues"/>),
/// so renaming a C# member cannot change what a file means. There are no foreign keys: every row carries the
/// <c>app_id</c> of its application, the store writes children and parents in one transaction, and a per-row parent
/// lookup would cost the hot commit path for no protection the store's own code does not give.
/// </remarks>
internal static class SqliteSchema
{
    public static IReadOnlyList<string> Migrations { get; } =
    [
        """
        CREATE TABLE applications (
            app_id          INTEGER PRIMARY KEY,
            name            TEXT NOT NULL UNIQUE,
            state           TEXT,
            active_topology INTEGER NOT NULL DEFAULT 0,
            updated_at      INTEGER NOT NULL DEFAULT 0,
            last_sequence   INTEGER NOT NULL DEFAULT 0
        ) STRICT;

        CREATE TABLE topologies (
            app_id  INTEGER NOT NULL,
            version INTEGER NOT NULL,
            json    TEXT NOT NULL,
            PRIMARY KEY (app_id, version)
        ) STRICT;

        CREATE TABLE events (
            app_id           INTEGER NOT NULL,
            sequence         INTEGER NOT NULL,
            node_id          TEXT NOT NULL,
            dimension_values TEXT NOT NULL,
            received_at      INTEGER NOT NULL,
            PRIMARY KEY (app_id, sequence)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE routes (
            app_id        INTEGER NOT NULL,
            route_id      TEXT NOT NULL,
            integrity     TEXT NOT NULL,
            next_group_id INTEGER NOT NULL,
            PRIMARY KEY (app_id, route_id)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE pending_groups (
            app_id   INTEGER NOT NULL,
            route_id TEXT NOT NULL,
            group_id INTEGER NOT NULL,
            json     TEXT NOT NULL,
            PRIMARY KEY (app_id, route_id, group_id)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE executions (
            app_id       INTEGER NOT NULL,
            id           INTEGER NOT NULL,
            route_id     TEXT NOT NULL,
            output_key   TEXT NOT NULL,
            output       TEXT NOT NULL,
            inputs       TEXT NOT NULL,
            status       TEXT NOT NULL,
            created_at   INTEGER NOT NULL,
            started_at   INTEGER,
            ended_at     INTEGER,
            error        TEXT,
            trigger_kind TEXT NOT NULL,
            PRIMARY KEY (app_id, id)
        ) STRICT;
        CREATE INDEX executions_by_output ON executions (app_id, route_id, output_key, id);
        CREATE INDEX executions_active ON executions (app_id, id) WHERE status IN ('pending', 'running');

        CREATE TABLE compute_records (
            app_id       INTEGER NOT NULL,
            execution_id INTEGER NOT NULL,
            target_index INTEGER NOT NULL,
            attempt      INTEGER NOT NULL,
            target       TEXT NOT NULL,
            status       TEXT NOT NULL,
            started_at   INTEGER NOT NULL,
            ended_at     INTEGER NOT NULL,
            error        TEXT,
            log_path     TEXT
        ) STRICT;
        CREATE INDEX compute_records_by_execution ON compute_records (app_id, execution_id, target_index, attempt);

        CREATE TABLE timers (
            app_id        INTEGER NOT NULL,
            timer_id      TEXT NOT NULL,
            last_fired_at INTEGER NOT NULL,
            PRIMARY KEY (app_id, timer_id)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE metrics (
            app_id    INTEGER NOT NULL,
            route_id  TEXT NOT NULL,
            name      TEXT NOT NULL,
            dimension TEXT NOT NULL,
            value     REAL NOT NULL,
            at        INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX metrics_by_route ON metrics (app_id, route_id, name);
        """,

        // 2: executions without rowid, so inserting one writes one b-tree fewer (its primary key is the table).
        """
        CREATE TABLE executions_without_rowid (
            app_id       INTEGER NOT NULL,
            id           INTEGER NOT NULL,
            route_id     TEXT NOT NULL,
            output_key   TEXT NOT NULL,
            output       TEXT NOT NULL,
            inputs       TEXT NOT NULL,
            status       TEXT NOT NULL,
            created_at   INTEGER NOT NULL,
            started_at   INTEGER,
            ended_at     INTEGER,
            error        TEXT,
            trigger_kind TEXT NOT NULL,
            PRIMARY KEY (app_id, id)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO executions_without_rowid
            SELECT app_id, id, route_id, output_key, output, inputs, status, created_at, started_at, ended_at, error, trigger_kind FROM executions;
        DROP TABLE executions;
        ALTER TABLE executions_without_rowid RENAME TO executions;
        CREATE INDEX executions_by_output ON executions (app_id, route_id, output_key, id);
        CREATE INDEX executions_active ON executions (app_id, id) WHERE status IN ('pending', 'running');
        """,

        // 3: state data, store-wide (tasks reach items of other executions and applications by table name). A rowid
        // table, unlike the others: items are large by design (that is what state data is for), and a table without
        // rowid keeps whole rows in its b-tree, which made reading a 100 KB item about four times slower.
        """
        CREATE TABLE state_data (
            table_name    TEXT NOT NULL,
            partition_key TEXT NOT NULL,
            idx           INTEGER NOT NULL,
            json          TEXT NOT NULL,
            PRIMARY KEY (table_name, partition_key, idx)
        ) STRICT;
        """,

        // 4: the hook outbox: a hook call is written with the transition it reports and removed once it ran, so a
        // process that stops (or crashes) before its hooks ran leaves them to the next engine instead of losing them.
        """
        CREATE TABLE hooks (
            app_id     INTEGER NOT NULL,
            id         INTEGER NOT NULL,
            type_name  TEXT NOT NULL,
            context    TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            attempts   INTEGER NOT NULL,
            next_at    INTEGER,
            error      TEXT,
            gave_up    INTEGER NOT NULL,
            PRIMARY KEY (app_id, id)
        ) STRICT, WITHOUT ROWID;
        """,
    ];

    /// <summary>Brings a file to the last version of <paramref name="migrations"/> in one transaction, or refuses a file written by a newer Rheo.</summary>
    /// <returns>The schema version of the file afterwards.</returns>
    public static int Migrate(SqliteSession session, string path, IReadOnlyList<string> migrations)
    {
        var known = migrations.Count;
        var version = UserVersion(session);
        ThrowIfNewer(version, known, path);
        if (version == known)
        {
            return version;
        }

        // IMMEDIATE takes the write lock first, so two processes opening a new file do not both migrate it.
        session.ExecuteOnce("BEGIN IMMEDIATE");
        try
        {
            version = UserVersion(session);
            ThrowIfNewer(version, known, path);
            for (var next = version; next < known; next++)
            {
                try
                {
                    session.ExecuteOnce(migrations[next]);
                }
                catch (SqliteException e)
                {
                    throw SqliteStoreException.From(e, path, $"migrate the store to schema version {next + 1} (nothing was changed)");
                }
            }

            session.ExecuteOnce(string.Create(CultureInfo.InvariantCulture, $"PRAGMA user_version = {known}"));
            session.ExecuteOnce("COMMIT");
            return known;
        }
        catch
        {
            session.RollbackIfActive();
            throw;
        }
    }

    private static int UserVersion(SqliteSession session) => Convert.ToInt32(session.ExecuteOnce("PRAGMA user_version"), CultureInfo.InvariantCulture);

    private static void ThrowIfNewer(int version, int known, string path)
    {
        if (version > known)
        {
            throw new SqliteStoreException(
                $"The store file '{path}' has schema version {version}, but this version of Rheo knows schema versions up to {known}. "
                + "Open it with the newer Rheo that wrote it, or use another application root.",
                0,
                null);
        }
    }
}
