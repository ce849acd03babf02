using EasySpace.Core.Data;
using EasySpace.Tests.Harness;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Tests.Core.Data;

/// <summary>
/// Group commit on a real SQLite file in WAL mode (decision 0014): a commit returns once a sync of the WAL that began
/// after it has ended; commits that end together share a sync; the engine's relaxed rounds do not sync; the WAL is
/// still checkpointed; a writer waiting for the lock goes when a commit frees it (decision 0005). What a power cut would
/// do cannot be shown here: these show the syncs are made, and when.
/// </summary>
public sealed class GroupCommitTests : IDisposable
{
    private readonly TempDirectory data = new();
    private readonly string path;

    public GroupCommitTests()
    {
        path = Path.Combine(data.Path, "group.db");
        using var setup = Open();
        Execute(setup, "PRAGMA journal_mode=WAL; CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL);");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        data.Dispose();
    }

    [Fact]
    public void Each_commit_is_synced_before_it_returns_and_runs_without_fsync_under_the_lock()
    {
        using var connection = Opened();
        Assert.Equal(1L, Scalar(connection, "PRAGMA synchronous")); // NORMAL: SQLite itself no longer syncs inside the lock
        var file = GroupCommit.FileOf(path)!;
        var before = file.Counts;

        for (var i = 0; i < 5; i++) Execute(connection, $"INSERT INTO t (body) VALUES ('row {i}')");
        using (var tx = connection.BeginTransaction())
        {
            Execute(connection, "INSERT INTO t (body) VALUES ('in a transaction')", tx);
            Execute(connection, "INSERT INTO t (body) VALUES ('and another')", tx);
            Assert.Equal(before.Commits + 5, file.Counts.Commits);   // nothing synced before the commit
            tx.Commit();
        }

        // One connection, one commit at a time: each waited for a sync of its own.
        Assert.Equal((before.Syncs + 6, before.Commits + 6), file.Counts);
    }

    [Fact]
    public async Task A_relaxed_round_does_not_sync_and_the_next_commit_syncs_again()
    {
        using var connection = Opened();
        var file = GroupCommit.FileOf(path)!;
        var before = file.Counts;

        await using (GroupCommit.Relax(connection)) Execute(connection, "INSERT INTO t (body) VALUES ('a claim')");
        Assert.Equal(before, file.Counts);

        Execute(connection, "INSERT INTO t (body) VALUES ('a page')");
        Assert.Equal((before.Syncs + 1, before.Commits + 1), file.Counts);
    }

    [Fact]
    public async Task Commits_that_end_together_share_syncs_and_every_one_is_covered()
    {
        const int writers = 8, each = 40;
        using (Opened()) { } // installs before the counts are read
        var file = GroupCommit.FileOf(path)!;
        var before = file.Counts;
        using var start = new Barrier(writers);

        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Factory.StartNew(() =>
        {
            using var connection = Opened();
            start.SignalAndWait();
            for (var i = 0; i < each; i++) Execute(connection, $"INSERT INTO t (body) VALUES ('writer {w} row {i}')");
        }, TaskCreationOptions.LongRunning)));

        var (syncs, commits) = file.Counts;
        Assert.Equal(before.Commits + writers * each, commits);   // every commit covered by a sync that began after it
        Assert.InRange(syncs - before.Syncs, 1, writers * each);
        using var read = Opened();
        Assert.Equal((long)writers * each, Scalar(read, "SELECT count(*) FROM t"));
    }

    [Fact]
    public async Task A_writer_waiting_for_the_lock_goes_when_the_holder_commits_not_at_its_next_poll()
    {
        using var holder = Opened();
        var file = GroupCommit.FileOf(path)!;
        // Only a commit can end a wait here: if the commit did not wake the waiter, it would wait half a minute.
        file.PollInterval = TimeSpan.FromSeconds(30);
        var before = file.LockWaits;
        using var tx = holder.BeginTransaction();   // BEGIN IMMEDIATE: the write lock
        Execute(holder, "INSERT INTO t (body) VALUES ('the holder')", tx);

        var waiter = WriterWaitingForTheLock(file, before);
        Assert.False(waiter.IsCompleted);

        tx.Commit();
        await waiter.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(before.Woken + 1, file.LockWaits.Woken);
        using var read = Opened();
        Assert.Equal(2L, Scalar(read, "SELECT count(*) FROM t"));
    }

    [Fact]
    public async Task A_writer_still_gets_the_lock_when_a_rollback_outside_EF_frees_it_unannounced()
    {
        using var holder = Opened();
        var file = GroupCommit.FileOf(path)!;
        var before = file.LockWaits;
        var tx = holder.BeginTransaction();
        Execute(holder, "INSERT INTO t (body) VALUES ('rolled back')", tx);

        var waiter = WriterWaitingForTheLock(file, before);

        tx.Rollback();
        tx.Dispose();
        await waiter.WaitAsync(TimeSpan.FromSeconds(10));   // found the lock free at its next poll (every millisecond)
        Assert.Equal(before.Woken, file.LockWaits.Woken);
        using var read = Opened();
        Assert.Equal("the waiter", Scalar(read, "SELECT group_concat(body) FROM t"));
    }

    [Fact]
    public async Task A_transaction_through_EF_that_writes_nothing_still_wakes_the_waiting_writer()
    {
        await using var db = new Bare(new DbContextOptionsBuilder<Bare>().UseSqlite($"Data Source={path}").AddInterceptors(new GroupCommitInterceptor()).Options);
        await db.Database.OpenConnectionAsync();
        var file = GroupCommit.FileOf(path)!;
        file.PollInterval = TimeSpan.FromSeconds(30);
        var before = file.LockWaits;
        await using (var tx = await db.Database.BeginTransactionAsync())   // BEGIN IMMEDIATE: the lock, and nothing written
        {
            var waiter = WriterWaitingForTheLock(file, before);
            await tx.CommitAsync();   // no WAL frames, so no commit hook: EF's transaction event tells the waiter
            await waiter.WaitAsync(TimeSpan.FromSeconds(10));
        }
        Assert.Equal(before.Woken + 1, file.LockWaits.Woken);
    }

    [Fact]
    public void When_the_checkpoint_off_the_commits_falls_behind_the_commits_start_the_WAL_over_past_eight_thousand_frames()
    {
        using var connection = Opened();
        var file = GroupCommit.FileOf(path)!;
        var before = file.CheckpointsRun;
        var testThread = Environment.CurrentManagedThreadId;
        using var hold = new ManualResetEventSlim();
        // The checkpoint off the commits never gets going, as on a thread pool with no thread to spare (CI saw a WAL of
        // 9,943 frames when it relied on that one alone).
        file.BeforeCheckpoint = () =>
        {
            if (Environment.CurrentManagedThreadId != testThread) hold.Wait(TimeSpan.FromSeconds(30));
        };
        try
        {
            var body = new string('x', 3000); // about a page a row: three frames a commit
            for (var i = 0; i < 5000; i++) Execute(connection, $"INSERT INTO t (body) VALUES ('{body}')");
        }
        finally
        {
            hold.Set();
            file.BeforeCheckpoint = null;
        }

        // Without checkpoints the WAL would hold every frame written (some 15,000 pages, 60 MiB). A commit that finds
        // 8,000 frames or more when a checkpoint is due (every 250 frames) runs one itself and starts the WAL over.
        var wal = new FileInfo(path + "-wal").Length;
        Assert.InRange(wal, GroupCommit.MostFrames * (4096 + 24), (GroupCommit.MostFrames + GroupCommit.AutoCheckpointFrames / 4 + 3) * (4096 + 24) + 32);
        Assert.True(file.CheckpointsRun.Whole > before.Whole, "the WAL was never started over");
    }

    [Fact]
    public void While_a_reader_keeps_the_WAL_long_it_is_checkpointed_every_quarter_thousand_frames_not_at_every_commit()
    {
        using var connection = Opened();
        var file = GroupCommit.FileOf(path)!;
        // A read transaction on an early snapshot: no checkpoint may copy past it, so the WAL stays past the threshold.
        using var reader = Open();
        using var reading = reader.BeginTransaction(deferred: true);
        using (var read = reader.CreateCommand())
        {
            read.Transaction = reading;
            read.CommandText = "SELECT count(*) FROM t";
            read.ExecuteScalar();
        }
        var before = file.Checkpoints;

        var body = new string('x', 3000); // a page a row: two frames or so a commit
        for (var i = 0; i < 1500; i++) Execute(connection, $"INSERT INTO t (body) VALUES ('{body}')");

        // Past 1,000 frames after some 500 commits; SQLite's own hook would then have checkpointed at each of the next 1,000.
        Assert.InRange(file.Checkpoints - before, 1, 20);
    }

    [Fact]
    public void The_checkpoint_runs_off_the_commit_that_asked_for_it_and_the_commits_go_on_meanwhile()
    {
        using var connection = Opened();
        var file = GroupCommit.FileOf(path)!;
        var before = file.CheckpointsRun;
        using var hold = new ManualResetEventSlim();
        using var began = new ManualResetEventSlim();
        var checkpointThread = 0;
        file.BeforeCheckpoint = () =>
        {
            checkpointThread = Environment.CurrentManagedThreadId;
            began.Set();
            hold.Wait(TimeSpan.FromSeconds(30)); // run in the commit, this would hold the commit (and the test) 30 s
        };
        try
        {
            var body = new string('x', 3000);
            var committed = 0;
            // Commits until one passes 1,000 frames and asks for a checkpoint; they go on while it is held, until the
            // WAL is long enough to be started over.
            while (!began.IsSet || new FileInfo(path + "-wal").Length < (GroupCommit.RestartFrames + 100) * (4096 + 24))
            {
                Execute(connection, $"INSERT INTO t (body) VALUES ('{body}')");
                committed++;
                Assert.True(committed < 10_000, "no checkpoint was asked for");
            }
            Assert.NotEqual(Environment.CurrentManagedThreadId, checkpointThread);
            Assert.Equal(before, file.CheckpointsRun); // still held: the commits since returned without it
        }
        finally
        {
            hold.Set();
            file.BeforeCheckpoint = null;
        }

        // Let go, it copies every frame and the WAL starts over: the next commit writes from the WAL's start.
        Assert.True(SpinWait.SpinUntil(() => file.CheckpointsRun.Run > before.Run, TimeSpan.FromSeconds(30)), "the checkpoint never ended");
        Assert.Equal(before.Whole + 1, file.CheckpointsRun.Whole);
        Execute(connection, "INSERT INTO t (body) VALUES ('after')");
        using var frames = connection.CreateCommand();
        frames.CommandText = "PRAGMA wal_checkpoint(PASSIVE)"; // busy, frames in the WAL, frames copied
        using var row = frames.ExecuteReader();
        Assert.True(row.Read());
        Assert.InRange(row.GetInt64(1), 1, 10); // the last commit's frames alone, where the WAL held four thousand
    }

    [Fact]
    public void A_WAL_the_last_connection_removed_needs_no_sync_and_one_that_cannot_be_opened_is_an_error()
    {
        // Removed: SQLite checkpointed it into the database and synced that before removing it.
        var gone = new GroupCommit.WalFile(Path.Combine(data.Path, "gone.db-wal"));
        gone.Sync();
        Assert.Equal((1L, 1L), gone.Counts);

        // A directory where the WAL should be: the sync fails, which the commit hook reports as SQLITE_IOERR_FSYNC.
        var directory = Path.Combine(data.Path, "odd.db-wal");
        Directory.CreateDirectory(directory);
        var error = Assert.Throws<IOException>(() => new GroupCommit.WalFile(directory).Sync());
        Assert.Contains(directory, error.Message);
    }

    [Fact]
    public void A_database_not_in_WAL_mode_keeps_SQLite_own_fsync()
    {
        var journal = Path.Combine(data.Path, "journal.db");
        using var connection = new SqliteConnection($"Data Source={journal}");
        connection.Open();
        Execute(connection, "CREATE TABLE t (id INTEGER PRIMARY KEY)");
        GroupCommit.Install(connection);

        Assert.Equal(2L, Scalar(connection, "PRAGMA synchronous"));
        Assert.Null(GroupCommit.FileOf(journal));
    }

    /// <summary>Starts a writer on a thread of its own and returns once it waits for the lock that the test holds.</summary>
    private Task WriterWaitingForTheLock(GroupCommit.WalFile file, (long Waits, long Woken) before)
    {
        var waiter = Task.Factory.StartNew(() =>
        {
            using var connection = Opened();
            Execute(connection, "INSERT INTO t (body) VALUES ('the waiter')");
        }, TaskCreationOptions.LongRunning);
        Assert.True(SpinWait.SpinUntil(() => file.LockWaits.Waits > before.Waits, TimeSpan.FromSeconds(10)), "the waiter never waited for the lock");
        return waiter;
    }

    private sealed class Bare(DbContextOptions<Bare> options) : DbContext(options);

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        return connection;
    }

    private SqliteConnection Opened()
    {
        var connection = Open();
        GroupCommit.Install(connection);
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? tx = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
