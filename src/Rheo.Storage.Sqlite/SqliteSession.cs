using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Rheo.Storage.Sqlite;

/// <summary>A SQL statement the store runs many times; each session prepares it once, on first use, and reuses it.</summary>
internal sealed class SqlStatement(string sql)
{
    private static int _count;

    public string Sql { get; } = sql;

    /// <summary>The statement's index in every session's cache (statements are static fields, so the cache stays small).</summary>
    public int Slot { get; } = Interlocked.Increment(ref _count) - 1;

    public static int Count => Volatile.Read(ref _count);
}

/// <summary>One connection with the statements it has prepared. Not thread-safe: the store gives a session to one caller at a time.</summary>
/// <remarks>
/// Statements run through SQLitePCLRaw (the native binding under Microsoft.Data.Sqlite) rather than <see cref="SqliteCommand"/>:
/// the command adds 2–3 µs of parameter lookup, reader objects and busy-retry bookkeeping per statement, which is a third of a
/// small commit. Microsoft.Data.Sqlite still opens the connection, runs scripts and pragmas, and builds the exceptions.
/// </remarks>
internal sealed class SqliteSession : IDisposable
{
    private PreparedStatement?[] _statements = new PreparedStatement?[SqlStatement.Count];

    public SqliteSession(SqliteConnection connection)
    {
        Connection = connection;
    }

    public SqliteConnection Connection { get; }

    /// <summary>True while a transaction is open (SQLite ends one by itself after some errors, e.g. a full disk).</summary>
    public bool InTransaction => raw.sqlite3_get_autocommit(Connection.Handle) == 0;

    /// <summary>The prepared form of a statement; every parameter is unbound (NULL) until set with <c>With</c>.</summary>
    public PreparedStatement Statement(SqlStatement statement)
    {
        if (statement.Slot >= _statements.Length)
        {
            Array.Resize(ref _statements, SqlStatement.Count);
        }

        return _statements[statement.Slot] ??= new PreparedStatement(Connection.Handle!, statement.Sql);
    }

    /// <summary>Runs SQL text once without keeping it prepared (scripts of several statements, pragmas).</summary>
    public object? ExecuteOnce(string sql)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    /// <summary>Rolls back the open transaction, if any, keeping quiet about a failure so the error that led here is the one reported.</summary>
    public void RollbackIfActive()
    {
        if (!InTransaction)
        {
            return;
        }

        try
        {
            ExecuteOnce("ROLLBACK");
        }
        catch (SqliteException)
        {
            // SQLite rolls back by itself after the errors that make ROLLBACK fail (I/O, full disk); the next write
            // checks again before it begins.
        }
    }

    public void Dispose()
    {
        // Statements first: a connection closes only once its statements are finalized.
        foreach (var statement in _statements)
        {
            statement?.Dispose();
        }

        Connection.Dispose();
    }
}

/// <summary>A prepared native statement: bind by parameter name, run, read columns; reset and unbound after every run.</summary>
internal sealed class PreparedStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly string[] _parameters;

    public PreparedStatement(sqlite3 db, string sql)
    {
        _db = db;
        var rc = raw.sqlite3_prepare_v3(db, sql, raw.SQLITE_PREPARE_PERSISTENT, out _statement, out string tail);
        SqliteException.ThrowExceptionForRC(rc, db);
        if (!string.IsNullOrWhiteSpace(tail))
        {
            _statement.Dispose();
            throw new ArgumentException($"A prepared statement holds one SQL statement; this text continues with '{tail.Trim()}'.", nameof(sql));
        }

        _parameters = new string[raw.sqlite3_bind_parameter_count(_statement)];
        for (var i = 0; i < _parameters.Length; i++)
        {
            _parameters[i] = raw.sqlite3_bind_parameter_name(_statement, i + 1).utf8_to_string();
        }
    }

    public IReadOnlyList<string> Parameters => _parameters;

    public PreparedStatement With(string name, long value) => Bound(raw.sqlite3_bind_int64(_statement, Index(name), value));

    public PreparedStatement With(string name, double value) => Bound(raw.sqlite3_bind_double(_statement, Index(name), value));

    public PreparedStatement With(string name, string? value) =>
        Bound(value is null ? raw.sqlite3_bind_null(_statement, Index(name)) : raw.sqlite3_bind_text(_statement, Index(name), value));

    public PreparedStatement With(string name, DateTimeOffset value) => With(name, StoredValues.Ticks(value));

    public PreparedStatement With(string name, DateTimeOffset? value) =>
        value is { } at ? With(name, StoredValues.Ticks(at)) : Bound(raw.sqlite3_bind_null(_statement, Index(name)));

    /// <summary>Binds a filter's value when it is given; a statement chosen for the filters that are given has no parameter for the others.</summary>
    public PreparedStatement WithGiven(string name, string? value) => value is null ? this : With(name, value);

    /// <summary>Runs the statement and maps every row it returns.</summary>
    public List<T> ReadAll<T>(Func<Rows, T> map)
    {
        var results = new List<T>();
        using var rows = Query();
        while (rows.Read())
        {
            results.Add(map(rows));
        }

        return results;
    }

    /// <summary>Runs the statement to its end and returns the number of rows it changed.</summary>
    public int Execute()
    {
        try
        {
            while (Step())
            {
            }

            return raw.sqlite3_changes(_db);
        }
        finally
        {
            Reset();
        }
    }

    /// <summary>The first column of the first row as an integer, or null when there is no row or the value is NULL.</summary>
    public long? Int64Scalar()
    {
        try
        {
            return Step() && raw.sqlite3_column_type(_statement, 0) != raw.SQLITE_NULL ? raw.sqlite3_column_int64(_statement, 0) : null;
        }
        finally
        {
            Reset();
        }
    }

    /// <summary>The first column of the first row as text, or null when there is no row or the value is NULL.</summary>
    public string? TextScalar()
    {
        try
        {
            return Step() && raw.sqlite3_column_type(_statement, 0) != raw.SQLITE_NULL ? Text(0) : null;
        }
        finally
        {
            Reset();
        }
    }

    /// <summary>Starts reading rows; dispose the result to reset the statement.</summary>
    public Rows Query() => new(this);

    public void Dispose() => _statement.Dispose();

    internal bool Step()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        return false;
    }

    internal void Reset()
    {
        // The error of a failed step was already thrown; reset repeats it, so its result is ignored. Clearing the
        // bindings makes a parameter a caller forgot NULL (a visible constraint error), not the previous run's value.
        raw.sqlite3_reset(_statement);
        raw.sqlite3_clear_bindings(_statement);
    }

    internal bool IsNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

    internal long Int64(int column) => raw.sqlite3_column_int64(_statement, column);

    internal double Double(int column) => raw.sqlite3_column_double(_statement, column);

    internal string Text(int column) => raw.sqlite3_column_text(_statement, column).utf8_to_string();

    private PreparedStatement Bound(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        return this;
    }

    private int Index(string name)
    {
        for (var i = 0; i < _parameters.Length; i++)
        {
            if (string.Equals(_parameters[i], name, StringComparison.Ordinal))
            {
                return i + 1;
            }
        }

        throw new ArgumentException($"The statement has no parameter '{name}'; it has {string.Join(", ", _parameters)}.", nameof(name));
    }
}

/// <summary>The rows of a running statement; disposing resets the statement for its next run.</summary>
internal readonly struct Rows(PreparedStatement statement) : IDisposable
{
    public bool Read() => statement.Step();

    public bool IsNull(int column) => statement.IsNull(column);

    public long Int64(int column) => statement.Int64(column);

    public int Int32(int column) => checked((int)statement.Int64(column));

    public double Double(int column) => statement.Double(column);

    public string Text(int column) => statement.Text(column);

    public string? NullableText(int column) => statement.IsNull(column) ? null : statement.Text(column);

    public DateTimeOffset Instant(int column) => StoredValues.Instant(statement.Int64(column));

    public DateTimeOffset? NullableInstant(int column) => statement.IsNull(column) ? null : StoredValues.Instant(statement.Int64(column));

    public void Dispose() => statement.Reset();
}
