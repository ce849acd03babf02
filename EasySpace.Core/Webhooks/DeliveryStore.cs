using System.Data.Common;
using System.Linq.Expressions;
using System.Text.Json;
using EasySpace.Core.Data;
using EasySpace.Core.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace EasySpace.Core.Webhooks;

/// <summary>What a claim asks for: room for this many deliveries, at most this many held per endpoint, counting those already held.</summary>
public sealed record ClaimRequest(int Capacity, int PerEndpoint, IReadOnlyDictionary<long, int> Busy, DateTimeOffset LeaseUntil);

/// <summary>One delivery a claim handed to the pump: what its attempt sends.</summary>
public sealed record ClaimedDelivery(long Id, long EndpointId, string EventName, string MessageId, byte[] Body, int AttemptCount);

/// <summary>A delivery's next state and its attempt, as the writer decided them.</summary>
internal sealed record RecordedAttempt(Attempt Attempt, Delivery Delivery);

/// <summary>
/// Every statement of the delivery engine: fan-out, claim and lease, attempts, delivery states, stats, held deliveries,
/// retention. It runs inside the transaction its caller (<see cref="DeliveryWriter"/>, the retention job) opened. This is
/// the SQLite store; a PostgreSQL store implements the same steps, claiming with FOR UPDATE SKIP LOCKED. Statements are
/// fixed shapes over the EF model's columns (a test compares their column lists with the model).
/// </summary>
public sealed class DeliveryStore
{
    // One round fans out at most this many deliveries: a backlog of events is worked off over several rounds, each
    // short enough that the claims and records queued behind it do not wait long.
    internal const int FanOutPerRound = 2048;
    private const int EventsPerRound = 512;
    // Rows ranked per claim, per slot to fill: a huge backlog costs the same as a small one. Endpoints already at
    // their limit are skipped before the window is cut, so one endpoint's backlog never hides another's work.
    private const int ScanRowsPerSlot = 8;

    internal static readonly string InsertDeliveries =
        $"INSERT INTO Deliveries (EndpointId, EventId, Format, EventName, Status, AttemptCount, FailuresInRow, NextAttemptAt, CreatedAt, IsTest) {RowWriter.Rows(10)}";

    internal const string MarkFannedOut = "UPDATE Events SET FannedOut = 1 WHERE FannedOut = 0 AND Id <= {0}";

    internal const string Claim = """
        UPDATE Deliveries SET LeaseUntil = $lease
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

    internal static readonly string InsertAttempts =
        $"INSERT INTO Attempts (DeliveryId, EndpointId, Number, At, DurationMs, StatusCode, Error, ErrorMessage, RequestHeadersJson, ResponseHeadersJson, ResponseBody) {RowWriter.Rows(11)}";

    internal static readonly string UpdateDeliveries = $"""
        WITH v(Id, Status, AttemptCount, FailuresInRow, NextAttemptAt, LeaseUntil, LastAttemptAt, LastStatusCode, LastError, DeliveredAt)
            AS ({RowWriter.Rows(10)})
        UPDATE Deliveries SET Status = v.Status, AttemptCount = v.AttemptCount, FailuresInRow = v.FailuresInRow,
            NextAttemptAt = v.NextAttemptAt, LeaseUntil = v.LeaseUntil, LastAttemptAt = v.LastAttemptAt,
            LastStatusCode = v.LastStatusCode, LastError = v.LastError, DeliveredAt = v.DeliveredAt
        FROM v WHERE Deliveries.Id = v.Id
        """;

    internal sealed record Waiting(long Id, string Name, DateTimeOffset OccurredAt, string? ResourceId, List<string>? Fields, int? LeadMinutes);

    private sealed record Subscriber(long Id, List<string> Events, EndpointFilters Filters, PayloadFormat Format, DateTimeOffset CreatedAt);

    // EF writes !e.FannedOut as NOT (FannedOut), which SQLite does not match with the partial index's "FannedOut = 0":
    // it read every event ever kept, on every round (docs/performance.md, session 9).
    internal static readonly Expression<Func<AppDbContext, int, IQueryable<Waiting>>> WaitingQuery = (db, take) =>
        db.Events.FromSqlRaw("SELECT * FROM Events WHERE FannedOut = 0").AsNoTracking().OrderBy(e => e.Id).Take(take)
            .Select(e => new Waiting(e.Id, e.Name, e.OccurredAt, e.FilterResourceId, e.FilterFields, e.LeadMinutes));

    private static readonly Func<AppDbContext, int, IAsyncEnumerable<Waiting>> WaitingEvents = EF.CompileAsyncQuery(WaitingQuery);

    private static readonly Func<AppDbContext, IAsyncEnumerable<Subscriber>> ActiveEndpoints = EF.CompileAsyncQuery(
        (AppDbContext db) => db.Endpoints.AsNoTracking().Where(e => e.Status == EndpointStatus.Active)
            .Select(e => new Subscriber(e.Id, e.Events, e.Filters, e.Format, e.CreatedAt)));

    /// <summary>
    /// Turns the oldest events not yet fanned out into deliveries, in event order, and marks them fanned out in the
    /// same transaction: each event is fanned out exactly once. An endpoint gets an event when it is active and
    /// subscribed now, its filters admit it, and it existed when the event happened. Returns the deliveries made.
    /// </summary>
    public async Task<int> FanOutAsync(AppDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        List<Subscriber>? endpoints = null;
        var made = 0;
        // Batch after batch until the round's budget is spent or no event waits: a batch of events nobody subscribes to
        // makes no delivery, and must not leave the claim after it looking like the end of the work.
        while (made < FanOutPerRound)
        {
            var events = new List<Waiting>();
            await foreach (var e in WaitingEvents(db, EventsPerRound).WithCancellation(ct)) events.Add(e);
            if (events.Count == 0) break;
            if (endpoints is null)
            {
                endpoints = [];
                await foreach (var e in ActiveEndpoints(db).WithCancellation(ct)) endpoints.Add(e);
            }
            var deliveries = new List<(long EndpointId, PayloadFormat Format, Waiting Event)>();
            var last = events[0].Id;
            foreach (var ev in events)
            {
                // The budget is spent: the rest wait for the next round (an event is never split across rounds).
                if (made + deliveries.Count >= FanOutPerRound) break;
                foreach (var endpoint in endpoints)
                {
                    if (endpoint.CreatedAt > ev.OccurredAt || !endpoint.Events.Contains(ev.Name)) continue;
                    if (!endpoint.Filters.Admit(ev.ResourceId, ev.Fields, ev.LeadMinutes)) continue;
                    if (EventCatalogue.IsAboutAWebhook(ev.Name) && ev.ResourceId == endpoint.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)) continue;   // never news about itself
                    deliveries.Add((endpoint.Id, endpoint.Format, ev));
                }
                last = ev.Id;
            }
            await RowWriter.WriteAsync(db, InsertDeliveries, deliveries, (row, d) => row.Add(d.EndpointId).Add(d.Event.Id).Add((int)d.Format)
                .Add(d.Event.Name).Add((int)DeliveryStatus.Pending).Add(0).Add(0).Add(now).Add(d.Event.OccurredAt).Add(false), ct);
            // Every event up to the last one taken is in this batch: the round holds the write lock, so none can commit below it.
            await db.Database.ExecuteSqlRawAsync(MarkFannedOut, [last], ct);
            made += deliveries.Count;
            if (events.Count < EventsPerRound) break;
        }
        return made;
    }

    /// <summary>Leases due deliveries as <paramref name="request"/> allows and reads what their attempts send.</summary>
    public async Task<List<ClaimedDelivery>> ClaimAsync(AppDbContext db, ClaimRequest request, DateTimeOffset now, CancellationToken ct)
    {
        var rows = new List<(long Id, long EndpointId, long EventId, PayloadFormat Format, string EventName, int AttemptCount)>();
        await using (var command = Command(db, Claim))
        {
            Add(command, "$lease", request.LeaseUntil.UtcTicks);
            Add(command, "$now", now.UtcTicks);
            Add(command, "$scan", request.Capacity * ScanRowsPerSlot);
            Add(command, "$busy", JsonSerializer.Serialize(request.Busy.ToDictionary(b => b.Key.ToString(), b => b.Value)));
            Add(command, "$perEndpoint", request.PerEndpoint);
            Add(command, "$capacity", request.Capacity);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), (PayloadFormat)reader.GetInt32(3), reader.GetString(4), reader.GetInt32(5)));
        }
        if (rows.Count == 0) return [];

        var bodies = new Dictionary<long, (string MessageId, byte[] Full, byte[] Thin)>();
        await using (var command = Command(db, BodiesOf))
        {
            Add(command, "$ids", JsonSerializer.Serialize(rows.Select(r => r.EventId).Distinct()));
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                bodies[reader.GetInt64(0)] = (reader.GetString(1), (byte[])reader[2], (byte[])reader[3]);
        }
        return rows.Select(r =>
        {
            var (messageId, full, thin) = bodies[r.EventId];
            return new ClaimedDelivery(r.Id, r.EndpointId, r.EventName, messageId, r.Format == PayloadFormat.Full ? full : thin, r.AttemptCount);
        }).ToList();
    }

    /// <summary>The attempts and the deliveries' new states: a few statements per batch instead of two per attempt.</summary>
    internal static async Task WriteAttemptsAsync(AppDbContext db, IReadOnlyList<RecordedAttempt> recorded, CancellationToken ct)
    {
        await RowWriter.WriteAsync(db, InsertAttempts, recorded, (row, r) =>
        {
            var a = r.Attempt;
            row.Add(a.DeliveryId).Add(a.EndpointId).Add(a.Number).Add(a.At).Add(a.DurationMs).Add(a.StatusCode).Add((int)a.Error)
                .Add(a.ErrorMessage).Add(a.RequestHeadersJson).Add(a.ResponseHeadersJson).Add(a.ResponseBody);
        }, ct);
        await RowWriter.WriteAsync(db, UpdateDeliveries, recorded, (row, r) =>
        {
            var d = r.Delivery;
            row.Add(d.Id).Add((int)d.Status).Add(d.AttemptCount).Add(d.FailuresInRow).Add(d.NextAttemptAt).Add(d.LeaseUntil)
                .Add(d.LastAttemptAt).Add(d.LastStatusCode).Add(d.LastError).Add(d.DeliveredAt);
        }, ct);
    }

    /// <summary>Adds attempts to their hours' stats rows (one upsert statement).</summary>
    internal static Task AddStatsAsync(AppDbContext db, IReadOnlyDictionary<(long EndpointId, DateTimeOffset Hour), WebhookStatsHour.Delta> deltas, CancellationToken ct) =>
        RowWriter.WriteAsync(db, UpsertStats, deltas.ToList(), (row, d) =>
        {
            row.Add(d.Key.EndpointId).Add(d.Key.Hour).Add(d.Value.Succeeded).Add(d.Value.Failed).Add(d.Value.TotalDurationMs);
            foreach (var n in d.Value.Buckets) row.Add(n);
            foreach (var n in d.Value.Errors) row.Add(n);
        }, ct);

    // Column names are ours, never input.
    internal static readonly string UpsertStats = $"""
        INSERT INTO WebhookStats (EndpointId, HourStart, {string.Join(", ", WebhookStatsHour.Counters)}) {RowWriter.Rows(2 + WebhookStatsHour.Counters.Length)}
        ON CONFLICT (EndpointId, HourStart) DO UPDATE SET
            {string.Join(",\n    ", WebhookStatsHour.Counters.Select(c => $"{c} = {c} + excluded.{c}"))}
        """;

    /// <summary>Holds every pending delivery of a switched-off endpoint: kept, not sent, until it is switched on again.</summary>
    internal static Task<int> HoldPendingAsync(AppDbContext db, long endpointId, CancellationToken ct) =>
        db.Deliveries.Where(d => d.EndpointId == endpointId && d.Status == DeliveryStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeliveryStatus.Held), ct);

    /// <summary>Sends the chosen deliveries again from the start of the retry schedule (held ones released, failed ones resent).</summary>
    internal static Task<int> ReleaseAsync(AppDbContext db, Expression<Func<Delivery, bool>> which, DateTimeOffset now, CancellationToken ct) =>
        db.Deliveries.Where(which).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Status, DeliveryStatus.Pending)
            .SetProperty(d => d.FailuresInRow, 0)
            .SetProperty(d => d.NextAttemptAt, now)
            .SetProperty(d => d.LeaseUntil, (DateTimeOffset?)null), ct);

    /// <summary>
    /// Forgets finished deliveries (their attempts go with them), the events no delivery needs any more, and stats older
    /// than <paramref name="cutoff"/>. Pending and held deliveries stay whatever their age, and so do events not yet fanned out.
    /// </summary>
    public static async Task<int> PurgeAsync(AppDbContext db, DateTimeOffset cutoff, CancellationToken ct)
    {
        var deliveries = await db.Deliveries
            .Where(d => (d.Status == DeliveryStatus.Delivered || d.Status == DeliveryStatus.Failed) && d.CreatedAt < cutoff)
            .ExecuteDeleteAsync(ct);
        await db.Events.Where(e => e.FannedOut && e.OccurredAt < cutoff && !db.Deliveries.Any(d => d.EventId == e.Id)).ExecuteDeleteAsync(ct);
        await db.WebhookStats.Where(s => s.HourStart < cutoff).ExecuteDeleteAsync(ct);
        return deliveries;
    }

    private static DbCommand Command(AppDbContext db, string sql)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        return command;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }
}
