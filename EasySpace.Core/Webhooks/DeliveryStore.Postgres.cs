using System.Data.Common;
using EasySpace.Core.Data;
using EasySpace.Core.Events;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace EasySpace.Core.Webhooks;

/// <summary>
/// The engine on PostgreSQL, where several nodes pump the same tables at once (decision 0012). Fan-out takes waiting
/// events with FOR UPDATE SKIP LOCKED and marks exactly the ids it took; a claim leases with FOR UPDATE SKIP LOCKED in
/// the name of this node, and counts every node's live leases against each endpoint's limit. Names are quoted:
/// PostgreSQL folds unquoted names to lower case.
/// </summary>
public sealed class PostgresDeliveryStore : DeliveryStore
{
    /// <summary>The channel a commit that raised events notifies; every node listens on it (<see cref="DeliveryListener"/>).</summary>
    internal const string Channel = "easyspace_events";

    // Claims take turns across the cluster for the few milliseconds one takes, so each sees the leases the one before it
    // committed: two claims side by side would each count the other's leases as free and overshoot an endpoint's limit.
    // The key is any number no other part uses; it names the lock in pg_locks.
    internal const long ClaimLockKey = 0x4561_7379_436C_6169;

    internal static readonly string InsertDeliveries =
        $"INSERT INTO \"Deliveries\" ({Quoted(DeliveryColumns)}) SELECT {Quoted(DeliveryColumns)} FROM {RowWriter.PostgresRows("Deliveries")}";

    internal const string WaitingEvents = """
        SELECT "Id", "Name", "OccurredAt", "FilterResourceId", "FilterFields", "LeadMinutes" FROM "Events"
        WHERE "FannedOut" = false ORDER BY "Id" LIMIT @take FOR UPDATE SKIP LOCKED
        """;

    internal const string MarkFannedOut = """UPDATE "Events" SET "FannedOut" = true WHERE "Id" = ANY(@ids)""";

    internal const string TakeClaimTurn = "SELECT pg_advisory_xact_lock(@key)";

    internal const string Claim = """
        WITH busy AS (
            SELECT "EndpointId", count(*) AS n FROM "Deliveries"
            WHERE "Status" = 0 AND "LeaseUntil" > @now
            GROUP BY "EndpointId"
        ), due AS (
            SELECT "Id", "EndpointId", "NextAttemptAt" FROM "Deliveries"
            WHERE "Status" = 0 AND "NextAttemptAt" <= @now AND ("LeaseUntil" IS NULL OR "LeaseUntil" <= @now)
              AND "EndpointId" NOT IN (SELECT "EndpointId" FROM busy WHERE n >= @perEndpoint)
            ORDER BY "NextAttemptAt", "Id" LIMIT @scan
            FOR UPDATE SKIP LOCKED
        ), chosen AS (
            SELECT r."Id" FROM (
                SELECT "Id", "EndpointId", ROW_NUMBER() OVER (PARTITION BY "EndpointId" ORDER BY "NextAttemptAt", "Id") AS rn FROM due
            ) r
            LEFT JOIN busy b ON b."EndpointId" = r."EndpointId"
            WHERE r.rn <= @perEndpoint - COALESCE(b.n, 0)
            ORDER BY r.rn, r."Id"
            LIMIT @capacity
        )
        UPDATE "Deliveries" SET "LeaseUntil" = @lease, "LeaseOwner" = @owner
        FROM chosen WHERE "Deliveries"."Id" = chosen."Id"
        RETURNING "Deliveries"."Id", "Deliveries"."EndpointId", "Deliveries"."EventId", "Deliveries"."Format", "Deliveries"."EventName", "Deliveries"."AttemptCount"
        """;

    internal const string BodiesOf = """SELECT "Id", "MessageId", "FullBody", "ThinBody" FROM "Events" WHERE "Id" = ANY(@ids)""";

    internal const string EndpointsOf = """SELECT "Id", "Version", "Status" FROM "Endpoints" WHERE "Id" = ANY(@ids)""";

    internal static readonly string DeliveriesOf = $"SELECT {Quoted(DeliveryReadColumns)} FROM \"Deliveries\" WHERE \"Id\" = ANY(@ids)";

    internal static readonly string InsertAttempts =
        $"INSERT INTO \"Attempts\" ({Quoted(AttemptColumns)}) SELECT {Quoted(AttemptColumns)} FROM {RowWriter.PostgresRows("Attempts")}";

    internal static readonly string UpdateDeliveries = $"""
        UPDATE "Deliveries" SET {string.Join(", ", DeliveryStateColumns.Skip(1).Select(c => $"\"{c}\" = v.\"{c}\""))}
        FROM {RowWriter.PostgresRows("Deliveries")} v WHERE "Deliveries"."Id" = v."Id"
        """;

    // Column names are ours, never input.
    internal static readonly string UpsertStats = $"""
        INSERT INTO "WebhookStats" ({Quoted(StatsColumns)}) SELECT {Quoted(StatsColumns)} FROM {RowWriter.PostgresRows("WebhookStats")}
        ON CONFLICT ("EndpointId", "HourStart") DO UPDATE SET
            {string.Join(",\n    ", WebhookStatsHour.Counters.Select(c => $"\"{c}\" = \"WebhookStats\".\"{c}\" + excluded.\"{c}\""))}
        """;

    internal const string Notify = $"SELECT pg_notify('{Channel}', @node)";

    internal override bool SeveralNodes => true;

    // The same bargain as SQLite's relaxed commit: a round lost in a server crash repeats deliveries, never loses one.
    internal override async Task<IAsyncDisposable> RelaxCommitsAsync(DbConnection connection)
    {
        await ExecuteAsync(connection, "SET synchronous_commit = off");
        return new Reset(connection);
    }

    private sealed class Reset(DbConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await ExecuteAsync(connection, "RESET synchronous_commit");
    }

    /// <summary>Sent inside the raising transaction: PostgreSQL delivers it at commit and drops it on rollback.</summary>
    internal override async Task AnnounceAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Notify;
        command.Transaction = transaction;
        Add(command, "node", Node);
        await command.ExecuteNonQueryAsync(ct);
    }

    private protected override async Task<List<Waiting>> WaitingAsync(AppDbContext db, int take, CancellationToken ct)
    {
        var events = new List<Waiting>();
        await using var command = Command(db, WaitingEvents);
        Add(command, "take", take);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            events.Add(new Waiting(reader.GetInt64(0), reader.GetString(1), new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : [.. reader.GetFieldValue<string[]>(4)],
                reader.IsDBNull(5) ? null : reader.GetInt32(5)));
        return events;
    }

    // Exactly the ids taken: events commit out of id order here, so one with a lower id may commit after a higher one
    // was fanned out; "every id up to the last" would skip it for ever.
    private protected override async Task MarkFannedOutAsync(AppDbContext db, List<long> taken, CancellationToken ct)
    {
        await using var command = Command(db, MarkFannedOut);
        Add(command, "ids", taken.ToArray());
        await command.ExecuteNonQueryAsync(ct);
    }

    private protected override async Task<List<Leased>> LeaseAsync(AppDbContext db, ClaimRequest request, DateTimeOffset now, CancellationToken ct)
    {
        await using (var turn = Command(db, TakeClaimTurn))
        {
            Add(turn, "key", ClaimLockKey);
            await turn.ExecuteNonQueryAsync(ct);
        }
        await using var command = Command(db, Claim);
        Add(command, "lease", request.LeaseUntil.UtcTicks);
        Add(command, "owner", Node);
        Add(command, "now", now.UtcTicks);
        Add(command, "scan", request.Capacity * ScanRowsPerSlot);
        Add(command, "perEndpoint", (long)request.PerEndpoint);
        Add(command, "capacity", request.Capacity);
        return await ReadLeasedAsync(command, ct);
    }

    private protected override async Task<Dictionary<long, (string MessageId, byte[] Full, byte[] Thin)>> BodiesAsync(AppDbContext db, List<long> eventIds, CancellationToken ct)
    {
        await using var command = Command(db, BodiesOf);
        Add(command, "ids", eventIds.ToArray());
        return await ReadBodiesAsync(command, ct);
    }

    internal override async Task<Dictionary<long, (int Version, bool Active)>> EndpointsAsync(AppDbContext db, List<long> endpointIds, CancellationToken ct)
    {
        await using var command = Command(db, EndpointsOf);
        Add(command, "ids", endpointIds.ToArray());
        return await ReadEndpointsAsync(command, ct);
    }

    internal override async Task<Dictionary<long, Delivery>> DeliveriesAsync(AppDbContext db, List<long> ids, CancellationToken ct)
    {
        await using var command = Command(db, DeliveriesOf);
        Add(command, "ids", ids.ToArray());
        return await ReadDeliveriesAsync(command, ids.Count, ct);
    }

    private protected override Task WriteRowsAsync<T>(AppDbContext db, BatchStatement statement, IReadOnlyList<T> rows, Action<RowWriter.Row, T> write, CancellationToken ct) =>
        statement switch
        {
            BatchStatement.InsertDeliveries => RowWriter.WriteAsync(db, InsertDeliveries, rows, write, DeliveryColumns, ct),
            BatchStatement.InsertAttempts => RowWriter.WriteAsync(db, InsertAttempts, rows, write, AttemptColumns, ct),
            BatchStatement.UpdateDeliveries => RowWriter.WriteAsync(db, UpdateDeliveries, rows, write, DeliveryStateColumns, ct),
            _ => RowWriter.WriteAsync(db, UpsertStats, rows, write, StatsColumns, ct),
        };

    /// <summary>Waits for the commits of other nodes' events on <paramref name="connection"/> (open, dedicated to it).</summary>
    internal static async Task ListenAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"LISTEN {Channel}", connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A cheap round trip that fails on a connection the server or the network dropped.</summary>
    internal static async Task PingAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        await command.ExecuteScalarAsync(ct);
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static string Quoted(IEnumerable<string> columns) => string.Join(", ", columns.Select(c => $"\"{c}\""));
}
