namespace Rheo.Storage.Sqlite;

/// <summary>How a <see cref="SqliteRheoStore"/> trades durability for speed and how long it waits for another process's write lock.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>When a committed transaction reaches the disk (SQLite's <c>synchronous</c> pragma); <see cref="SqliteSynchronous.Normal"/> by default.</summary>
    public SqliteSynchronous Synchronous { get; init; } = SqliteSynchronous.Normal;

    /// <summary>How long an operation waits for a lock held by another connection to the same file before it fails with a transient <see cref="SqliteStoreException"/>; 5 seconds by default.</summary>
    /// <remarks>Must be positive. The wait is rounded up to whole seconds (the driver's command timeout has that granularity).</remarks>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    internal int BusyTimeoutSeconds => (int)Math.Ceiling(BusyTimeout.TotalSeconds);

    internal void Validate()
    {
        if (!Enum.IsDefined(Synchronous))
        {
            throw new ArgumentException($"Synchronous is {(int)Synchronous}; valid values are {string.Join(", ", Enum.GetNames<SqliteSynchronous>())}.", nameof(Synchronous));
        }

        if (BusyTimeout <= TimeSpan.Zero || BusyTimeout > TimeSpan.FromDays(1))
        {
            throw new ArgumentException($"BusyTimeout is {BusyTimeout}; it must be more than zero and at most one day.", nameof(BusyTimeout));
        }
    }
}

/// <summary>When SQLite makes a committed transaction durable in WAL mode.</summary>
public enum SqliteSynchronous
{
    /// <summary>
    /// The write-ahead log is synced to disk at checkpoints, not at every commit. A commit that returned survives a crash
    /// of the process; a crash of the operating system or a power loss may roll back the last commits (never corrupt the file).
    /// </summary>
    Normal,

    /// <summary>The write-ahead log is synced at every commit: a commit that returned also survives an operating-system crash or a power loss, at the cost of one disk sync per commit.</summary>
    Full,
}
