using Npgsql;

namespace EasySpace.Tests.Harness;

/// <summary>
/// What Quartz's own tables on PostgreSQL say about the cluster (Quartz's PostgreSQL script names them in lower case):
/// the nodes that check in, the firings each holds, and when each trigger last fired. Read straight from the database,
/// so a test sees what the nodes agreed on rather than what any one of them believes.
/// </summary>
public sealed class QuartzCluster(string connectionString, string schedulerName = "EasySpaceCluster")
{
    /// <summary>The instance ids in qrtz_scheduler_state: every node that is checking in (or has not been found dead yet).</summary>
    public async Task<HashSet<string>> NodesAsync() =>
        (await ReadAsync("SELECT instance_name FROM qrtz_scheduler_state WHERE sched_name = @s", r => r.GetString(0))).ToHashSet();

    /// <summary>The triggers a node holds in qrtz_fired_triggers (acquired ahead of their time, or executing).</summary>
    public async Task<List<string>> HeldByAsync(string instance) =>
        await ReadAsync("SELECT trigger_group || '.' || trigger_name FROM qrtz_fired_triggers WHERE sched_name = @s AND instance_name = @i",
            r => r.GetString(0), ("i", instance));

    /// <summary>Every node's held triggers, by instance id.</summary>
    public async Task<Dictionary<string, List<string>>> HeldAsync() =>
        (await ReadAsync("SELECT instance_name, trigger_group || '.' || trigger_name FROM qrtz_fired_triggers WHERE sched_name = @s",
            r => (Instance: r.GetString(0), Trigger: r.GetString(1))))
        .GroupBy(f => f.Instance).ToDictionary(g => g.Key, g => g.Select(f => f.Trigger).ToList());

    /// <summary>When each trigger fired last and fires next (Quartz stores UTC ticks), by "group.name".</summary>
    public async Task<Dictionary<string, (long Previous, long Next)>> TriggersAsync() =>
        (await ReadAsync("SELECT trigger_group || '.' || trigger_name, COALESCE(prev_fire_time, 0), COALESCE(next_fire_time, 0) FROM qrtz_triggers WHERE sched_name = @s",
            r => (Key: r.GetString(0), Previous: r.GetInt64(1), Next: r.GetInt64(2))))
        .ToDictionary(t => t.Key, t => (t.Previous, t.Next));

    /// <summary>
    /// Polls the database every 100 ms until <paramref name="done"/> holds: the nodes write these tables on their own
    /// timers, so there is no signal to wait on in this process. Fails after <paramref name="seconds"/> saying what it waited for.
    /// </summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> done, int seconds, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (!await done())
            if (timeout.IsCancellationRequested || !await poll.WaitForNextTickAsync(CancellationToken.None))
                throw new TimeoutException($"Waited {seconds} s for {what}.");
    }

    private async Task<List<T>> ReadAsync<T>(string sql, Func<NpgsqlDataReader, T> row, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("s", schedulerName);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        var rows = new List<T>();
        try
        {
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) rows.Add(row(reader));
        }
        // Quartz makes its tables when the first node's scheduler starts: before that there is nothing to read.
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable) { }
        return rows;
    }
}
