using EasySpace.Core.Data;
using EasySpace.Tests.Harness;
using Microsoft.Data.Sqlite;

namespace EasySpace.Tests.Core.Data;

/// <summary>
/// Group commit on a real SQLite file in WAL mode (decision 0014): a commit returns once a sync of the WAL that began
/// after it has ended; commits that end together share a sync; the engine's relaxed rounds do not sync; the WAL is
/// still checkpointed. What a power cut would do cannot be shown here: these show the syncs are made, and when.
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
    public void The_WAL_is_still_checkpointed_as_SQLite_did_at_a_thousand_frames()
    {
        using var connection = Opened();
        var body = new string('x', 3000); // about a page a row: a frame or two a commit
        for (var i = 0; i < 3000; i++) Execute(connection, $"INSERT INTO t (body) VALUES ('{body}')");

        // Without checkpoints the WAL would hold every frame written (over 3,000 pages, 12 MiB); with them it is reused.
        var wal = new FileInfo(path + "-wal").Length;
        Assert.InRange(wal, 1, (GroupCommit.AutoCheckpointFrames + 100) * (4096 + 24));
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
