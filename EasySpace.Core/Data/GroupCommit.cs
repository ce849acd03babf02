using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace EasySpace.Core.Data;

/// <summary>
/// Group commit for SQLite (decision 0014). With synchronous=FULL, SQLite syncs the WAL inside the commit, holding its
/// one write lock for the fsync, so every other writer waits a whole fsync per commit. Here connections commit with
/// synchronous=NORMAL, and a WAL hook (which SQLite runs after the commit, with the lock released, before the commit's
/// statement returns) syncs the WAL file. Commits that end while a sync is under way share the next one. A save still
/// returns only once it is on disk; what changes is that the lock is free meanwhile. The engine's own rounds skip the
/// sync (<see cref="Relax"/>, decision 0006). A writer of this process waiting for the lock is woken by the commit
/// that frees it (<see cref="WalFile.AwaitLock"/>, decision 0005) instead of finding it free at its next poll.
/// </summary>
internal static class GroupCommit
{
    /// <summary>SQLite's own default: the hook replaces SQLite's, which is what checkpointed at this many WAL frames.</summary>
    public const int AutoCheckpointFrames = 1000;

    /// <summary>A WAL this long is started over by the checkpoint (<see cref="WalFile.CheckpointSoon"/>): 16 MiB of 4-KiB pages.</summary>
    public const int RestartFrames = 4 * AutoCheckpointFrames;

    /// <summary>
    /// A WAL this long is started over by the commit that finds it so, on its own thread (<see cref="WalFile.CheckpointNow"/>):
    /// the checkpoint off the commits fell behind (a thread pool short of threads, writers that never left the lock free).
    /// </summary>
    public const int MostFrames = 2 * RestartFrames;

    private const int SqliteOk = 0;
    private const int SqliteIoErrFsync = 10 | (4 << 8); // SQLITE_IOERR_FSYNC

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int WalHook(IntPtr file, IntPtr db, IntPtr schema, int frames);

    private static readonly WalHook OnCommit = Committed;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int BusyHandler(IntPtr file, int count);

    // Kept in static fields: SQLite calls them from native code for as long as the process runs.
    private static readonly BusyHandler OnBusy = (file, count) => ((WalFile)GCHandle.FromIntPtr(file).Target!).AwaitLock(count) ? 1 : 0;

    [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl)]
    private static extern IntPtr sqlite3_wal_hook(IntPtr db, WalHook hook, IntPtr state);

    [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_busy_handler(IntPtr db, BusyHandler handler, IntPtr state);

    [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_file_control(IntPtr db, string schema, int op, ref int value);

    private const int SqliteFcntlPersistWal = 10;

    [DllImport("libc", SetLastError = true)]
    private static extern int fdatasync(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc")]
    private static extern int close(int fd);

    private const int OpenReadWrite = 2; // O_RDWR
    private const int OpenCloseOnExec = 0x80000; // O_CLOEXEC (Linux)
    private const int NoSuchFile = 2; // ENOENT

    private static readonly ConcurrentDictionary<string, WalFile> Files = new();
    private static readonly ConditionalWeakTable<SQLitePCL.sqlite3, WalFile> Installed = new();
    private static readonly ConcurrentDictionary<IntPtr, byte> Relaxed = new();
    private static long checkpointTicks;
    private static long lastFrames, framesWritten, commits;

    /// <summary>Stopwatch ticks spent checkpointing, every database (for the bench).</summary>
    public static long CheckpointTicks => Interlocked.Read(ref checkpointTicks);

    /// <summary>Checkpoints begun and ended, every database (for the bench: whether one ran beside a commit).</summary>
    public static (long Begun, long Ended) CheckpointsUnderWay => (Interlocked.Read(ref checkpointsBegun), Interlocked.Read(ref checkpointsEnded));
    private static long checkpointsBegun, checkpointsEnded;

    /// <summary>Checkpoints the commits asked for, every database (for the bench).</summary>
    public static long Checkpoints => Files.Values.Sum(f => f.Checkpoints);

    /// <summary>Of those, the ones a commit ran itself, the WAL being past <see cref="MostFrames"/> (for the bench).</summary>
    public static long CheckpointsInCommits => Interlocked.Read(ref checkpointsInCommits);
    private static long checkpointsInCommits;

    /// <summary>WAL frames (pages) the commits wrote and the commits, for the bench: counted from the WAL's frame count
    /// after each commit, so right for one database at a time.</summary>
    public static (long Frames, long Commits) FrameCounts => (Interlocked.Read(ref framesWritten), Interlocked.Read(ref commits));

    /// <summary>WAL syncs made and the commits they covered, every database (for the bench).</summary>
    public static (long Syncs, long Commits) Syncs =>
        Files.Values.Select(f => f.Counts).Aggregate((0L, 0L), (sum, c) => (sum.Item1 + c.Syncs, sum.Item2 + c.Commits));

    /// <summary>Waits of writers for the write lock, and how many of them a commit ended, every database (for the bench).</summary>
    public static (long Waits, long Woken) LockWaits =>
        Files.Values.Select(f => f.LockWaits).Aggregate((0L, 0L), (sum, w) => (sum.Item1 + w.Waits, sum.Item2 + w.Woken));

    /// <summary>This connection's transaction ended without writing to the WAL (a commit of nothing, a rollback): no commit
    /// hook runs, so the writers waiting for the lock are told here.</summary>
    public static void LockFreed(SqliteConnection connection)
    {
        if (connection.Handle is { } handle && Installed.TryGetValue(handle, out var file)) file.Released();
    }

    /// <summary>Whether <see cref="Install"/> has run on this native connection (it then handles the connection's busy waits).</summary>
    public static bool IsInstalled(SQLitePCL.sqlite3 handle) => Installed.TryGetValue(handle, out _);

    /// <summary>On a connection SQLite opened in WAL mode: commits sync after the lock is released. Once per native connection.</summary>
    public static void Install(SqliteConnection connection)
    {
        if (connection.Handle is not { } handle || Installed.TryGetValue(handle, out _)) return;
        if (!IsWal(handle)) return; // a rollback journal has no WAL to sync: it keeps SQLite's own FULL
        var file = Files.GetOrAdd(Path.GetFullPath(connection.DataSource) + "-wal", path => new WalFile(path));
        sqlite3_wal_hook(handle.DangerousGetHandle(), OnCommit, file.Handle);
        sqlite3_busy_handler(handle.DangerousGetHandle(), OnBusy, file.Handle);
        Check(handle, SQLitePCL.raw.sqlite3_exec(handle, "PRAGMA synchronous=NORMAL"));
        Installed.AddOrUpdate(handle, file);
    }

    /// <summary>The WAL file's state, for the tests: how many syncs it has had.</summary>
    public static WalFile? FileOf(string databasePath) => Files.GetValueOrDefault(Path.GetFullPath(databasePath) + "-wal");

    /// <summary>Whether this connection's commits return only once they are on disk, by a sync of ours or SQLite's own.</summary>
    public static bool WaitsForDisk(SqliteConnection connection) =>
        connection.Handle is { } handle && (Installed.TryGetValue(handle, out _)
            ? !Relaxed.ContainsKey(handle.DangerousGetHandle())
            : SynchronousIsFull(handle));

    private static bool SynchronousIsFull(SQLitePCL.sqlite3 handle)
    {
        Check(handle, SQLitePCL.raw.sqlite3_prepare_v2(handle, "PRAGMA synchronous", out var statement));
        using (statement) return SQLitePCL.raw.sqlite3_step(statement) == SQLitePCL.raw.SQLITE_ROW && SQLitePCL.raw.sqlite3_column_int(statement, 0) >= 2;
    }

    /// <summary>
    /// Until disposed, this connection's commits do not wait for the disk: for writes whose loss in a power cut would
    /// repeat a delivery but never lose one (a claim's lease, an attempt's record; decision 0006). The next commit that
    /// does wait syncs every frame written before it.
    /// </summary>
    public static IAsyncDisposable Relax(SqliteConnection connection)
    {
        var db = connection.Handle!.DangerousGetHandle();
        Relaxed[db] = 0;
        return new Scope(db);
    }

    private sealed class Scope(IntPtr db) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            Relaxed.TryRemove(db, out _);
            return ValueTask.CompletedTask;
        }
    }

    private static int Committed(IntPtr file, IntPtr db, IntPtr schema, int frames)
    {
        try
        {
            var wal = (WalFile)GCHandle.FromIntPtr(file).Target!;
            wal.Released(); // the lock is free already: a writer waiting for it goes now, not at its next poll
            var before = Interlocked.Exchange(ref lastFrames, frames);
            Interlocked.Add(ref framesWritten, frames > before ? frames - before : frames); // fewer: the WAL restarted
            Interlocked.Increment(ref commits);
            if (!Relaxed.ContainsKey(db)) wal.Sync();
            // What SQLite's default hook did, a passive checkpoint, but not at every commit while the WAL stays long
            // (WalFile.CheckpointDue), and not in the commit (SQLite ran it before the commit's statement returned) unless
            // the checkpoints off the commits have let the WAL grow to twice the length that starts it over.
            if (wal.CheckpointDue(frames))
            {
                if (frames >= MostFrames) wal.CheckpointNow();
                else wal.CheckpointSoon();
            }
            return SqliteOk;
        }
        catch
        {
            // The commit has happened but may not be on disk: the statement reports it, as a failed fsync does in FULL.
            return SqliteIoErrFsync;
        }
    }

    private static bool IsWal(SQLitePCL.sqlite3 handle)
    {
        Check(handle, SQLitePCL.raw.sqlite3_prepare_v2(handle, "PRAGMA journal_mode", out var statement));
        using (statement)
            return SQLitePCL.raw.sqlite3_step(statement) == SQLitePCL.raw.SQLITE_ROW
                && string.Equals(SQLitePCL.raw.sqlite3_column_text(statement, 0).utf8_to_string(), "wal", StringComparison.OrdinalIgnoreCase);
    }

    private static void Check(SQLitePCL.sqlite3 handle, int rc)
    {
        if (rc != SQLitePCL.raw.SQLITE_OK) throw new SqliteException(SQLitePCL.raw.sqlite3_errmsg(handle).utf8_to_string(), rc);
    }

    /// <summary>One database's WAL file: each commit takes a ticket, and one sync covers every ticket taken before it began.</summary>
    internal sealed class WalFile
    {
        private readonly string path;
        private readonly object gate = new();
        private long asked, synced;
        private bool syncing;

        // The lock's turns: commits so far, and what the thread waiting on this file saw when its wait began (a busy
        // handler runs on the thread whose statement wants the lock, one wait at a time).
        private readonly object released = new();
        private long commitsSoFar, waits, woken;
        [ThreadStatic] private static long seen;
        [ThreadStatic] private static long waitBegan;

        public WalFile(string path)
        {
            this.path = path;
            Handle = GCHandle.ToIntPtr(GCHandle.Alloc(this)); // one per database file, for the process's life
        }

        public IntPtr Handle { get; }

        /// <summary>
        /// How long a waiting writer waits for a commit before it tries the lock again anyway: a rollback, or a writer
        /// in another process (the command-line verbs), frees the lock without a commit of ours to say so.
        /// </summary>
        internal TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(1);

        /// <summary>
        /// A passive checkpoint cannot copy the frames a reader still needs, so the WAL can stay past the threshold; SQLite's
        /// own hook then checkpointed at every commit, each copying a few frames and syncing the database file: 2,457
        /// checkpoints in 1.7 s of the bench's end-to-end phase once every save ran the hook (docs/performance.md, session
        /// 20). Here the next one waits until a quarter of the threshold more has been written, or the WAL has restarted.
        /// </summary>
        internal bool CheckpointDue(int frames)
        {
            lock (gate)
            {
                if (frames < checkpointedAt) checkpointedAt = 0; // the WAL restarted from its start
                if (frames < AutoCheckpointFrames || frames - checkpointedAt < AutoCheckpointFrames / 4) return false;
                checkpointedAt = frames;
                checkpoints++;
                return true;
            }
        }

        private long checkpointedAt;

        /// <summary>Checkpoints the commits asked for on this database.</summary>
        public long Checkpoints { get { lock (gate) return checkpoints; } }
        private long checkpoints;

        /// <summary>Checkpoints run to their end, and how many of them copied every frame and started the WAL over.</summary>
        public (long Run, long Whole) CheckpointsRun { get { lock (gate) return (checkpointsRun, checkpointsWhole); } }
        private long checkpointsRun, checkpointsWhole;

        /// <summary>For the tests: runs on the checkpoint's thread before it begins.</summary>
        internal Action? BeforeCheckpoint { get; set; }

        private int checkpointing; // 1 from the queuing of a checkpoint off the commits to its end: one at a time

        /// <summary>
        /// Runs a passive checkpoint on a thread of its own, off the commit that asked for it: a checkpoint of a few
        /// hundred frames syncs the database file and took 2–4 ms, the worst commits of the bench's commit-cost phase
        /// (docs/performance.md, session 21). Commits go on meanwhile.
        /// </summary>
        internal void CheckpointSoon()
        {
            if (Interlocked.Exchange(ref checkpointing, 1) == 1) return;
            ThreadPool.UnsafeQueueUserWorkItem(static file => file.Checkpoint(RestartAttempts, ownsTurn: true), this, preferLocal: false);
        }

        /// <summary>
        /// Runs a checkpoint on the committing thread, which holds no lock by then, whether or not one off the commits is
        /// queued or running: that one is what fell behind. SQLite lets one checkpoint run at a time; the other returns
        /// busy. One try at starting the WAL over: waiting for another writer's commit would hold this one's caller.
        /// </summary>
        internal void CheckpointNow()
        {
            Interlocked.Increment(ref checkpointsInCommits);
            Checkpoint(attempts: 1, ownsTurn: false);
        }

        private void Checkpoint(int attempts, bool ownsTurn)
        {
            var start = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref checkpointsBegun);
            SQLitePCL.sqlite3? db = null;
            try
            {
                BeforeCheckpoint?.Invoke();
                // A connection of its own: the committing one goes back to its caller. No create flag: a database
                // removed meanwhile (a test's folder) is not made again.
                if (SQLitePCL.raw.sqlite3_open_v2(DatabasePath, out db, SQLitePCL.raw.SQLITE_OPEN_READWRITE, null) != SQLitePCL.raw.SQLITE_OK) return;
                // Closed as the last connection, it would remove the WAL, which the app's next connection makes again.
                var persist = 1;
                sqlite3_file_control(db.DangerousGetHandle(), "main", SqliteFcntlPersistWal, ref persist);
                // A connection that has read nothing has not opened the WAL yet: a checkpoint on it does nothing (-1 frames).
                if (SQLitePCL.raw.sqlite3_exec(db, "PRAGMA schema_version") != SQLitePCL.raw.SQLITE_OK) return;
                // Without the write lock, as SQLite's own checkpoint did.
                if (SQLitePCL.raw.sqlite3_wal_checkpoint_v2(db, null, SQLitePCL.raw.SQLITE_CHECKPOINT_PASSIVE, out var log, out _) != SQLitePCL.raw.SQLITE_OK) return;
                // SQLite starts the WAL over only at a write that began with every frame copied, which writers that keep
                // coming never leave room for: the WAL grew to 89,000 frames in the bench's drain. Past four times the
                // threshold, the frames written meanwhile are copied under the write lock and the WAL starts over, if the
                // lock is free and no reader still needs the WAL. With no busy handler this never waits; it holds the
                // lock for those few frames and the database file's sync, which a commit beside it waits for.
                var whole = false;
                for (var attempt = 0; log >= RestartFrames && !whole && attempt < attempts; attempt++)
                {
                    if (attempt > 0) AwaitCommit(); // the lock is free just after a commit, while it syncs
                    whole = SQLitePCL.raw.sqlite3_wal_checkpoint_v2(db, null, SQLitePCL.raw.SQLITE_CHECKPOINT_RESTART, out _, out _) == SQLitePCL.raw.SQLITE_OK;
                }
                lock (gate)
                {
                    checkpointsRun++;
                    if (whole) checkpointsWhole++;
                }
            }
            catch
            {
                // A checkpoint that fails leaves the frames in the WAL, where readers find them; the next one copies them.
            }
            finally
            {
                db?.Dispose();
                Released(); // a writer that found the lock taken by the restart goes now
                Interlocked.Add(ref checkpointTicks, Stopwatch.GetTimestamp() - start);
                Interlocked.Increment(ref checkpointsEnded);
                if (ownsTurn) Volatile.Write(ref checkpointing, 0);
            }
        }

        /// <summary>Tries at starting the WAL over, each after the next commit (or 1 ms): a writer that commits back to back
        /// holds the lock most of the time.</summary>
        private const int RestartAttempts = 20;

        private void AwaitCommit()
        {
            lock (released) Monitor.Wait(released, TimeSpan.FromMilliseconds(1));
        }

        private string DatabasePath => path[..^"-wal".Length];

        /// <summary>Waits for the lock, and how many of them a commit ended.</summary>
        public (long Waits, long Woken) LockWaits { get { lock (released) return (waits, woken); } }

        /// <summary>
        /// SQLite's busy handler: the first call only notes the commits so far and tries again at once; later calls wait
        /// until a commit has freed the lock since, or <see cref="PollInterval"/> has passed. False after 30 s: the
        /// statement fails with SQLITE_BUSY.
        /// </summary>
        internal bool AwaitLock(int count)
        {
            lock (released)
            {
                if (count == 0)
                {
                    seen = commitsSoFar;
                    waitBegan = Stopwatch.GetTimestamp();
                    return true;
                }
                if (Stopwatch.GetElapsedTime(waitBegan).TotalMilliseconds >= BusyTimeoutInterceptor.BusyTimeoutMs) return false;
                waits++;
                if (commitsSoFar == seen) Monitor.Wait(released, PollInterval);
                if (commitsSoFar != seen)
                {
                    woken++;
                    seen = commitsSoFar;
                }
                return true;
            }
        }

        /// <summary>A commit freed the lock: every writer waiting for it tries again.</summary>
        public void Released()
        {
            lock (released)
            {
                commitsSoFar++;
                Monitor.PulseAll(released);
            }
        }

        /// <summary>Syncs made, and commits they covered.</summary>
        public (long Syncs, long Commits) Counts { get { lock (gate) return (syncs, synced); } }
        private long syncs;

        public void Sync()
        {
            lock (gate)
            {
                var mine = ++asked;
                while (synced < mine)
                {
                    if (syncing)
                    {
                        Monitor.Wait(gate);
                        continue;
                    }
                    syncing = true;
                    var upTo = asked;
                    Monitor.Exit(gate);
                    try
                    {
                        FlushToDisk();
                    }
                    finally
                    {
                        Monitor.Enter(gate);
                        syncing = false;
                        Monitor.PulseAll(gate);
                    }
                    synced = upTo;
                    syncs++;
                }
            }
        }

        private void FlushToDisk()
        {
            if (OperatingSystem.IsLinux())
            {
                // open, fdatasync, close: File.OpenHandle added an fstat, an fstatfs and two flocks to every save
                // (strace of the bench's enqueue phase). fdatasync, not fsync: fsync also wrote the inode each time for its new mtime.
                var fd = open(path, OpenReadWrite | OpenCloseOnExec);
                if (fd < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == NoSuchFile) return; // the last connection closed: SQLite checkpointed the WAL, synced it, and removed it
                    throw new IOException($"open of {path} failed: errno {errno}");
                }
                try
                {
                    if (fdatasync(fd) != 0) throw new IOException($"fdatasync of {path} failed: errno {Marshal.GetLastPInvokeError()}");
                }
                finally
                {
                    close(fd);
                }
                return;
            }
            try
            {
                using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
                RandomAccess.FlushToDisk(handle);
            }
            catch (FileNotFoundException)
            {
                // The last connection closed: SQLite checkpointed the WAL into the database, synced it, and removed it.
            }
        }
    }
}

/// <summary>
/// Installs <see cref="GroupCommit"/> on each SQLite connection EF Core opens, runs every save in a transaction, and
/// tells the writers waiting for the lock when any transaction ends: for one that wrote nothing or rolled back no commit
/// hook says so; one the hook has announced is announced twice, and a waiter tries the lock once more.
/// </summary>
internal sealed class GroupCommitInterceptor : DbConnectionInterceptor, IDbTransactionInterceptor, ISaveChangesInterceptor
{
    // A save of one statement ran without a transaction: an INSERT … RETURNING was then committed when EF reset its reader,
    // and SQLite runs the commit hook only when a statement steps to its end, so the save returned unsynced. In a
    // transaction the COMMIT statement runs the hook.
    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        InATransaction(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken ct = default)
    {
        InATransaction(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private static void InATransaction(DbContext? context)
    {
        if (context is not null) context.Database.AutoTransactionBehavior = AutoTransactionBehavior.Always;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Ended(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default) =>
        Ended(eventData.Context);

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Ended(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default) =>
        Ended(eventData.Context);

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Ended(eventData.Context);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken ct = default) =>
        Ended(eventData.Context);

    private static Task Ended(DbContext? context)
    {
        if (context?.Database.GetDbConnection() is SqliteConnection connection) GroupCommit.LockFreed(connection);
        return Task.CompletedTask;
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken ct = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        if (connection is SqliteConnection sqlite) GroupCommit.Install(sqlite);
    }
}
