using Microsoft.Data.Sqlite;
using Rheo.Core;

namespace Rheo.Storage.Sqlite;

/// <summary>The SQLite store could not read or write its file; nothing of the failed operation was committed.</summary>
public sealed class SqliteStoreException : RheoException
{
    /// <summary>Creates the exception with a message, SQLite's result code (0 when the failure is not SQLite's) and the cause.</summary>
    public SqliteStoreException(string message, int sqliteErrorCode, Exception? innerException)
        : base(message, innerException)
    {
        SqliteErrorCode = sqliteErrorCode;
    }

    /// <summary>SQLite's primary result code (see https://sqlite.org/rescode.html), 0 when the failure did not come from SQLite.</summary>
    public int SqliteErrorCode { get; }

    /// <summary>True when another connection held a lock for longer than <see cref="SqliteStoreOptions.BusyTimeout"/> (<c>SQLITE_BUSY</c>, <c>SQLITE_LOCKED</c>): the same operation may succeed later.</summary>
    public override bool IsTransient => SqliteErrorCode is SqliteResultCodes.Busy or SqliteResultCodes.Locked;

    internal static SqliteStoreException From(SqliteException cause, string path, string operation) =>
        new($"SQLite could not {operation} in '{path}': {cause.Message}", SqliteResultCodes.Primary(cause.SqliteErrorCode), cause);
}

internal static class SqliteResultCodes
{
    public const int Busy = 5;
    public const int Locked = 6;
    public const int Constraint = 19;

    /// <summary>The primary code of a result code: extended codes (e.g. 517, SQLITE_BUSY_SNAPSHOT) keep it in their low byte.</summary>
    public static int Primary(int code) => code & 0xFF;
}
