using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace Rheo.Storage.Sqlite;

/// <summary>A SQL text the store runs many times; each session prepares it once and reuses the prepared command.</summary>
internal sealed partial class SqlStatement
{
    private static int _count;

    public SqlStatement(string sql)
    {
        Sql = sql;
        Slot = Interlocked.Increment(ref _count) - 1;
        Parameters = [.. ParameterName().Matches(sql).Select(m => m.Value).Distinct(StringComparer.Ordinal)];
    }

    public string Sql { get; }

    /// <summary>The statement's index in every session's cache (statements are static, so the cache stays small).</summary>
    public int Slot { get; }

    public IReadOnlyList<string> Parameters { get; }

    public static int Count => Volatile.Read(ref _count);

    [GeneratedRegex(@"\$[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex ParameterName();
}

/// <summary>One connection with the commands it has prepared. Not thread-safe: the store gives a session to one caller at a time.</summary>
internal sealed class SqliteSession : IDisposable
{
    private SqliteCommand?[] _commands = new SqliteCommand?[SqlStatement.Count];

    public SqliteSession(SqliteConnection connection)
    {
        Connection = connection;
    }

    public SqliteConnection Connection { get; }

    /// <summary>True while a transaction is open (SQLite may end one by itself after some errors, e.g. a full disk).</summary>
    public bool InTransaction => SQLitePCL.raw.sqlite3_get_autocommit(Connection.Handle) == 0;

    /// <summary>The prepared command of a statement, its parameters created once; callers set every parameter's value before running it.</summary>
    public SqliteCommand Command(SqlStatement statement)
    {
        if (statement.Slot >= _commands.Length)
        {
            Array.Resize(ref _commands, SqlStatement.Count);
        }

        if (_commands[statement.Slot] is { } prepared)
        {
            return prepared;
        }

        var command = Connection.CreateCommand();
        command.CommandText = statement.Sql;
        foreach (var name in statement.Parameters)
        {
            command.Parameters.Add(new SqliteParameter(name, DBNull.Value));
        }

        command.Prepare();
        _commands[statement.Slot] = command;
        return command;
    }

    public int Execute(SqlStatement statement) => Command(statement).ExecuteNonQuery();

    /// <summary>Runs a statement once without keeping it prepared (schema changes, pragmas).</summary>
    public object? ExecuteOnce(string sql)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public void RollbackIfActive()
    {
        if (InTransaction)
        {
            ExecuteOnce("ROLLBACK");
        }
    }

    public void Dispose()
    {
        foreach (var command in _commands)
        {
            command?.Dispose();
        }

        Connection.Dispose();
    }
}

/// <summary>Setting parameter values by name on a prepared command.</summary>
internal static class SqliteCommandExtensions
{
    public static SqliteCommand With(this SqliteCommand command, string name, object? value)
    {
        command.Parameters[name].Value = value ?? DBNull.Value;
        return command;
    }
}
