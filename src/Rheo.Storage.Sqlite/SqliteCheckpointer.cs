using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Rheo.Storage.Sqlite;

/// <summary>Copies the write-ahead log into the database file on a thread and connection of its own, so a commit never waits for a checkpoint's disk syncs.</summary>
/// <remarks>
/// SQLite's automatic checkpoint runs inside the commit that crosses <c>wal_autocheckpoint</c> pages: that commit syncs the log,
/// copies every page and syncs the database, milliseconds during which no commit can run (on the development machine small
/// commits were 10–30% slower on average with it, and one in a few hundred waited for the syncs). Here the writer only counts
/// the pages it wrote; every <see cref="PagesPerCheckpoint"/> pages this thread
/// checkpoints in two passes. The first runs beside the writer and does the slow part. The second holds the store's write lock
/// and copies only what was appended meanwhile: a log that is fully copied is restarted from its beginning by the next commit,
/// while one that never catches up would grow without bound under a steady load.
/// </remarks>
internal sealed class SqliteCheckpointer : IDisposable
{
    /// <summary>Pages written between checkpoints: SQLite's default <c>wal_autocheckpoint</c> (4 MiB of 4 KiB pages).</summary>
    public const int PagesPerCheckpoint = 1000;

    private readonly SqliteSession _session;
    private readonly SemaphoreSlim _writeLock;
    private readonly SemaphoreSlim _due = new(0, 1);
    private readonly Thread _thread;
    // Guards _completed and every check-then-release of _due (whose count must stay at most one).
    private readonly Lock _completedLock = new();
    private TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _pagesWritten;
    private volatile bool _stopping;

    public SqliteCheckpointer(SqliteSession session, SemaphoreSlim writeLock)
    {
        _session = session;
        _writeLock = writeLock;
        _thread = new Thread(Run) { IsBackground = true, Name = "Rheo SQLite checkpoint" };
        _thread.Start();
    }

    /// <summary>Completes when a checkpoint that starts after this call has finished (tests await it instead of sleeping).</summary>
    internal Task NextCheckpoint
    {
        get
        {
            lock (_completedLock)
            {
                return _completed.Task;
            }
        }
    }

    /// <summary>Starts a checkpoint now; the task completes when it has finished.</summary>
    internal Task CheckpointAsync()
    {
        var next = NextCheckpoint;
        lock (_completedLock)
        {
            if (_due.CurrentCount == 0)
            {
                _due.Release();
            }
        }

        return next;
    }

    /// <summary>Counts the pages the writer connection wrote to the log since the last call; called after each write transaction, under the write lock.</summary>
    public void CountPagesWritten(sqlite3 writer)
    {
        raw.sqlite3_db_status(writer, raw.SQLITE_DBSTATUS_CACHE_WRITE, out var pages, out _, 1);
        _pagesWritten += pages;
        if (_pagesWritten >= PagesPerCheckpoint && !_stopping)
        {
            _pagesWritten = 0;
            lock (_completedLock)
            {
                if (_due.CurrentCount == 0)
                {
                    _due.Release();
                }
            }
        }
    }

    /// <summary>Stops the thread after the checkpoint in progress, if any, and closes its connection.</summary>
    /// <remarks>Must not be called while holding the store's write lock: the second pass waits for it.</remarks>
    public void Dispose()
    {
        _stopping = true;
        lock (_completedLock)
        {
            if (_due.CurrentCount == 0)
            {
                _due.Release();
            }
        }

        _thread.Join();
        _session.Dispose();
    }

    private void Run()
    {
        while (true)
        {
            _due.Wait();
            if (_stopping)
            {
                return;
            }

            // Whoever asked for a checkpoint before this point has written what it wants copied, so this one counts for it.
            TaskCompletionSource completed;
            lock (_completedLock)
            {
                completed = _completed;
                _completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            try
            {
                Checkpoint();
                _writeLock.Wait();
                try
                {
                    Checkpoint();
                }
                finally
                {
                    _writeLock.Release();
                }
            }
            catch (SqliteException)
            {
                // A failed checkpoint (a disk error, another process checkpointing) loses nothing: the pages stay in the
                // log, readers still see them, and the next checkpoint copies them. A disk that stays broken fails the
                // commits themselves, which is where the caller hears about it.
            }

            completed.SetResult();
        }
    }

    private void Checkpoint()
    {
        var rc = raw.sqlite3_wal_checkpoint_v2(_session.Connection.Handle, "main", raw.SQLITE_CHECKPOINT_PASSIVE, out _, out _);
        SqliteException.ThrowExceptionForRC(rc, _session.Connection.Handle);
    }
}
