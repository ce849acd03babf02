using System.Data.Common;
using System.Linq.Expressions;
using System.Text.Json;
using EasySpace.Core.Data;
using EasySpace.Core.Events;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Webhooks;

/// <summary>
/// The engine on SQLite: one node, and one writer at a time (the database's write lock), so a round sees every event
/// committed before it and a claim needs no row locks.
/// </summary>
public sealed class SqliteDeliveryStore : DeliveryStore
{
    // The hot rows' statements run once per row (RowWriter.WriteEach): ?1, ?2, … are the row's values in column order.
    internal static readonly string InsertDeliveries = Insert("Deliveries", DeliveryColumns);

    internal const string MarkFannedOut = "UPDATE Events SET FannedOut = 1 WHERE FannedOut = 0 AND Id <= {0}";

    internal const string Claim = """
        UPDATE Deliveries SET LeaseUntil = $lease, LeaseOwner = $owner
        WHERE Id IN (
            SELECT r.Id FROM (
                SELECT d.Id, d.EndpointId, ROW_NUMBER() OVER (PARTITION BY d.EndpointId ORDER BY d.NextAttemptAt, d.Id) AS rn
                FROM (SELECT Id, EndpointId, NextAttemptAt FROM Deliveries
                      WHERE Status = 0 AND NextAttemptAt <= $now AND (LeaseUntil IS NULL OR LeaseUntil <= $now)
                        AND EndpointId NOT IN (SELECT CAST(key AS INTEGER) FROM json_each($busy) WHERE value >= $perEndpoint)
                      ORDER BY NextAttemptAt, Id LIMIT $scan) d
            ) r
            LEFT JOIN json_each($busy) b ON b.key = CAST(r.EndpointId AS TEXT)
            WHERE r.rn <= $perEndpoint - COALESCE(b.value, 0)
            ORDER BY r.rn, r.Id
            LIMIT $capacity)
        RETURNING Id, EndpointId, EventId, Format, EventName, AttemptCount
        """;

    internal const string BodiesOf = "SELECT Id, MessageId, FullBody, ThinBody FROM Events WHERE Id IN (SELECT value FROM json_each($ids))";

    internal const string EndpointsOf = "SELECT Id, Version, Status FROM Endpoints WHERE Id IN (SELECT value FROM json_each($ids))";

    internal static readonly string DeliveriesOf = $"SELECT {string.Join(", ", DeliveryReadColumns)} FROM Deliveries WHERE Id IN (SELECT value FROM json_each($ids))";

    internal static readonly string InsertAttempts = Insert("Attempts", AttemptColumns);

    internal static readonly string UpdateDeliveries =
        $"UPDATE Deliveries SET {string.Join(", ", DeliveryStateColumns.Skip(1).Select((c, i) => $"{c} = ?{i + 2}"))} WHERE Id = ?1";

    // Column names are ours, never input.
    internal static readonly string UpsertStats = $"""
        {Insert("WebhookStats", StatsColumns)}
        ON CONFLICT (EndpointId, HourStart) DO UPDATE SET
            {string.Join(",\n    ", WebhookStatsHour.Counters.Select(c => $"{c} = {c} + excluded.{c}"))}
        """;

    private static string Insert(string table, string[] columns) =>
        $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({RowWriter.Parameters(columns.Length)})";

    // EF writes !e.FannedOut as NOT (FannedOut), which SQLite does not match with the partial index's "FannedOut = 0":
    // it read every event ever kept, on every round (docs/performance.md, session 9).
    internal static readonly Expression<Func<AppDbContext, int, IQueryable<Waiting>>> WaitingQuery = (db, take) =>
        db.Events.FromSqlRaw("SELECT * FROM Events WHERE FannedOut = 0").AsNoTracking().OrderBy(e => e.Id).Take(take)
            .Select(e => new Waiting(e.Id, e.Name, e.OccurredAt, e.FilterResourceId, e.FilterFields, e.LeadMinutes));

    private readonly Func<AppDbContext, int, IAsyncEnumerable<Waiting>> waitingEvents = EF.CompileAsyncQuery(WaitingQuery);

    internal override bool SeveralNodes => false;

    internal override Task<IAsyncDisposable> RelaxCommitsAsync(DbConnection connection) => Task.FromResult(GroupCommit.Relax((SqliteConnection)connection));

    // One node: the commit's own wake (WakePumpInterceptor) is all there is to tell.
    internal override Task AnnounceAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct) => Task.CompletedTask;

    private protected override async Task<List<Waiting>> WaitingAsync(AppDbContext db, int take, CancellationToken ct)
    {
        var events = new List<Waiting>();
        await foreach (var e in waitingEvents(db, take).WithCancellation(ct)) events.Add(e);
        return events;
    }

    // Every event up to the last one taken is in this batch: the round holds the write lock, so none can commit below it.
    private protected override Task MarkFannedOutAsync(AppDbContext db, List<long> taken, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync(MarkFannedOut, [taken[^1]], ct);

    private protected override async Task<List<Leased>> LeaseAsync(AppDbContext db, ClaimRequest request, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = Command(db, Claim);
        Add(command, "$lease", request.LeaseUntil.UtcTicks);
        Add(command, "$owner", Node);
        Add(command, "$now", now.UtcTicks);
        Add(command, "$scan", request.Capacity * ScanRowsPerSlot);
        Add(command, "$busy", JsonSerializer.Serialize(request.Busy.ToDictionary(b => b.Key.ToString(), b => b.Value)));
        Add(command, "$perEndpoint", request.PerEndpoint);
        Add(command, "$capacity", request.Capacity);
        return await ReadLeasedAsync(command, ct);
    }

    private protected override async Task<Dictionary<long, (string MessageId, byte[] Full, byte[] Thin)>> BodiesAsync(AppDbContext db, List<long> eventIds, CancellationToken ct)
    {
        await using var command = Command(db, BodiesOf);
        Add(command, "$ids", JsonSerializer.Serialize(eventIds));
        return await ReadBodiesAsync(command, ct);
    }

    internal override async Task<Dictionary<long, (int Version, bool Active)>> EndpointsAsync(AppDbContext db, List<long> endpointIds, CancellationToken ct)
    {
        await using var command = Command(db, EndpointsOf);
        Add(command, "$ids", JsonSerializer.Serialize(endpointIds));
        return await ReadEndpointsAsync(command, ct);
    }

    internal override async Task<Dictionary<long, Delivery>> DeliveriesAsync(AppDbContext db, List<long> ids, CancellationToken ct)
    {
        await using var command = Command(db, DeliveriesOf);
        Add(command, "$ids", JsonSerializer.Serialize(ids));
        return await ReadDeliveriesAsync(command, ids.Count, ct);
    }

    private protected override Task WriteRowsAsync<T>(AppDbContext db, BatchStatement statement, IReadOnlyList<T> rows, Action<RowWriter.Row, T> write, CancellationToken ct)
    {
        RowWriter.WriteEach(db, statement switch
        {
            BatchStatement.InsertDeliveries => InsertDeliveries,
            BatchStatement.InsertAttempts => InsertAttempts,
            BatchStatement.UpdateDeliveries => UpdateDeliveries,
            _ => UpsertStats,
        }, rows, write);
        return Task.CompletedTask;
    }
}
