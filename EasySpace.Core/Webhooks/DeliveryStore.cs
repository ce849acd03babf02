using System.Data.Common;
using System.Linq.Expressions;
using EasySpace.Core.Data;
using EasySpace.Core.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace EasySpace.Core.Webhooks;

/// <summary>What a claim asks for: room for this many deliveries, at most this many held per endpoint, counting those already held.</summary>
public sealed record ClaimRequest(int Capacity, int PerEndpoint, IReadOnlyDictionary<long, int> Busy, DateTimeOffset LeaseUntil);

/// <summary>One delivery a claim handed to the pump: what its attempt sends, and the version of its endpoint the claim saw.</summary>
public sealed record ClaimedDelivery(long Id, long EndpointId, int EndpointVersion, string EventName, string MessageId, byte[] Body, int AttemptCount);

/// <summary>A delivery's next state and its attempt, as the writer decided them.</summary>
internal sealed record RecordedAttempt(Attempt Attempt, Delivery Delivery);

/// <summary>
/// Every statement of the delivery engine: fan-out, claim and lease, attempts, delivery states, stats, held deliveries,
/// retention. It runs inside the transaction its caller (<see cref="DeliveryWriter"/>, the retention job) opened. Two
/// stores implement the steps that differ: <see cref="SqliteDeliveryStore"/> (one node, one write lock) and
/// <see cref="PostgresDeliveryStore"/> (several nodes at once, decision 0012). Statements are fixed shapes over the EF
/// model's columns (a test compares their column lists with the model).
/// </summary>
public abstract class DeliveryStore
{
    // One round fans out at most this many deliveries: a backlog of events is worked off over several rounds, each
    // short enough that the claims and records queued behind it do not wait long.
    internal const int FanOutPerRound = 2048;
    private protected const int EventsPerRound = 512;
    // Rows ranked per claim, per slot to fill: a huge backlog costs the same as a small one. Endpoints already at
    // their limit are skipped before the window is cut, so one endpoint's backlog never hides another's work for
    // longer than one claim. Each row ranked costs a table read: at eight a slot the claim was half of SQLite's time
    // in a backlog drain (docs/performance.md, session 15).
    private protected const int ScanRowsPerSlot = 2;

    // The columns each batch statement writes, in the order the rows are written below: both stores' statements are
    // made from these lists.
    internal static readonly string[] DeliveryColumns =
        ["EndpointId", "EventId", "Format", "EventName", "Status", "AttemptCount", "FailuresInRow", "NextAttemptAt", "CreatedAt", "IsTest"];
    internal static readonly string[] AttemptColumns =
        ["DeliveryId", "EndpointId", "Number", "At", "DurationMs", "StatusCode", "Error", "ErrorMessage", "RequestHeadersJson", "ResponseHeadersJson", "ResponseBody"];
    internal static readonly string[] DeliveryStateColumns =
        ["Id", "Status", "AttemptCount", "FailuresInRow", "NextAttemptAt", "LeaseUntil", "LeaseOwner", "LastAttemptAt", "LastStatusCode", "LastError", "DeliveredAt"];
    // What the writer reads of the deliveries whose attempts it records, in the order ReadDeliveriesAsync reads them.
    internal static readonly string[] DeliveryReadColumns =
        ["Id", "EndpointId", "EventId", "EventName", "Format", "Status", "AttemptCount", "FailuresInRow", "NextAttemptAt", "LeaseUntil", "LeaseOwner",
         "CreatedAt", "LastAttemptAt", "LastStatusCode", "LastError", "DeliveredAt", "IsTest"];
    internal static readonly string[] StatsColumns = ["EndpointId", "HourStart", .. WebhookStatsHour.Counters];

    /// <summary>This process, as the owner of the leases it takes: a new name at every start.</summary>
    public string Node { get; } = NewNodeName();

    /// <summary>
    /// True when several nodes may pump the same tables (PostgreSQL): they share each endpoint's limit, so a node holds
    /// only what it may send at once and the claim counts every node's leases, and they tell each other of commits.
    /// False on SQLite, whose one node claims ahead (each claim waits for the write lock).
    /// </summary>
    internal abstract bool SeveralNodes { get; }

    /// <summary>Before the round's transaction: its commit need not wait for the disk (a lost round repeats, never loses).</summary>
    internal abstract Task<IAsyncDisposable> RelaxCommitsAsync(DbConnection connection);

    /// <summary>Tells the other nodes, inside the transaction that raised events, that work is waiting (delivered at commit).</summary>
    internal abstract Task AnnounceAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct);

    internal sealed record Waiting(long Id, string Name, DateTimeOffset OccurredAt, string? ResourceId, List<string>? Fields, int? LeadMinutes);

    private protected sealed record Leased(long Id, long EndpointId, long EventId, PayloadFormat Format, string EventName, int AttemptCount);

    private sealed record Subscriber(long Id, List<string> Events, EndpointFilters Filters, PayloadFormat Format, DateTimeOffset CreatedAt);

    // Per store, not static: a compiled query serves only the model it first ran with.
    private readonly Func<AppDbContext, IAsyncEnumerable<Subscriber>> activeEndpoints = EF.CompileAsyncQuery(
        (AppDbContext db) => db.Endpoints.AsNoTracking().Where(e => e.Status == EndpointStatus.Active)
            .Select(e => new Subscriber(e.Id, e.Events, e.Filters, e.Format, e.CreatedAt)));

    /// <summary>The oldest events not yet fanned out, in id order, that no other node is fanning out now.</summary>
    private protected abstract Task<List<Waiting>> WaitingAsync(AppDbContext db, int take, CancellationToken ct);

    /// <summary>Marks the events taken (<paramref name="taken"/>, in id order) fanned out, in the transaction that wrote their deliveries.</summary>
    private protected abstract Task MarkFannedOutAsync(AppDbContext db, List<long> taken, CancellationToken ct);

    private protected abstract Task<List<Leased>> LeaseAsync(AppDbContext db, ClaimRequest request, DateTimeOffset now, CancellationToken ct);

    private protected abstract Task<Dictionary<long, (string MessageId, byte[] Full, byte[] Thin)>> BodiesAsync(AppDbContext db, List<long> eventIds, CancellationToken ct);

    /// <summary>
    /// Each endpoint's settings version and whether it is active: the claim hands the version to the pump, whose cache of
    /// decrypted targets is checked against it with no query of its own; the writer decides next states by the status.
    /// A plain statement: EF's query with <c>ids.Contains</c> was built again for every count of ids.
    /// </summary>
    internal abstract Task<Dictionary<long, (int Version, bool Active)>> EndpointsAsync(AppDbContext db, List<long> endpointIds, CancellationToken ct);

    /// <summary>The deliveries with these ids, untracked, by id (those deleted meanwhile are missing).</summary>
    internal abstract Task<Dictionary<long, Delivery>> DeliveriesAsync(AppDbContext db, List<long> ids, CancellationToken ct);

    private protected abstract Task WriteRowsAsync<T>(AppDbContext db, BatchStatement statement, IReadOnlyList<T> rows, Action<RowWriter.Row, T> write, CancellationToken ct);

    private protected enum BatchStatement { InsertDeliveries, InsertAttempts, UpdateDeliveries, UpsertStats }

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
            var events = await WaitingAsync(db, EventsPerRound, ct);
            if (events.Count == 0) break;
            if (endpoints is null)
            {
                endpoints = [];
                await foreach (var e in activeEndpoints(db).WithCancellation(ct)) endpoints.Add(e);
            }
            var deliveries = new List<(long EndpointId, PayloadFormat Format, Waiting Event)>();
            var taken = new List<long>(events.Count);
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
                taken.Add(ev.Id);
            }
            await WriteRowsAsync(db, BatchStatement.InsertDeliveries, deliveries, (row, d) => row.Add(d.EndpointId).Add(d.Event.Id).Add((int)d.Format)
                .Add(d.Event.Name).Add((int)DeliveryStatus.Pending).Add(0).Add(0).Add(now).Add(d.Event.OccurredAt).Add(false), ct);
            await MarkFannedOutAsync(db, taken, ct);
            made += deliveries.Count;
            if (events.Count < EventsPerRound) break;
        }
        return made;
    }

    /// <summary>Leases due deliveries as <paramref name="request"/> allows and reads what their attempts send.</summary>
    public async Task<List<ClaimedDelivery>> ClaimAsync(AppDbContext db, ClaimRequest request, DateTimeOffset now, CancellationToken ct)
    {
        var rows = await LeaseAsync(db, request, now, ct);
        if (rows.Count == 0) return [];
        var bodies = await BodiesAsync(db, rows.Select(r => r.EventId).Distinct().ToList(), ct);
        var endpoints = await EndpointsAsync(db, rows.Select(r => r.EndpointId).Distinct().ToList(), ct);
        return rows.Select(r =>
        {
            var (messageId, full, thin) = bodies[r.EventId];
            return new ClaimedDelivery(r.Id, r.EndpointId, endpoints.GetValueOrDefault(r.EndpointId).Version, r.EventName, messageId,
                r.Format == PayloadFormat.Full ? full : thin, r.AttemptCount);
        }).ToList();
    }

    /// <summary>The attempts and the deliveries' new states: a few statements per batch instead of two per attempt.</summary>
    internal async Task WriteAttemptsAsync(AppDbContext db, IReadOnlyList<RecordedAttempt> recorded, CancellationToken ct)
    {
        await WriteRowsAsync(db, BatchStatement.InsertAttempts, recorded, (row, r) =>
        {
            var a = r.Attempt;
            row.Add(a.DeliveryId).Add(a.EndpointId).Add(a.Number).Add(a.At).Add(a.DurationMs).Add(a.StatusCode).Add((int)a.Error)
                .Add(a.ErrorMessage).Add(a.RequestHeadersJson).Add(a.ResponseHeadersJson).Add(a.ResponseBody);
        }, ct);
        await WriteRowsAsync(db, BatchStatement.UpdateDeliveries, recorded, (row, r) =>
        {
            var d = r.Delivery;
            row.Add(d.Id).Add((int)d.Status).Add(d.AttemptCount).Add(d.FailuresInRow).Add(d.NextAttemptAt).Add(d.LeaseUntil).Add(d.LeaseOwner)
                .Add(d.LastAttemptAt).Add(d.LastStatusCode).Add(d.LastError).Add(d.DeliveredAt);
        }, ct);
    }

    /// <summary>Adds attempts to their hours' stats rows (one upsert statement).</summary>
    internal Task AddStatsAsync(AppDbContext db, IReadOnlyDictionary<(long EndpointId, DateTimeOffset Hour), WebhookStatsHour.Delta> deltas, CancellationToken ct) =>
        WriteRowsAsync(db, BatchStatement.UpsertStats, deltas.ToList(), (row, d) =>
        {
            row.Add(d.Key.EndpointId).Add(d.Key.Hour).Add(d.Value.Succeeded).Add(d.Value.Failed).Add(d.Value.TotalDurationMs);
            foreach (var n in d.Value.Buckets) row.Add(n);
            foreach (var n in d.Value.Errors) row.Add(n);
        }, ct);

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
            .SetProperty(d => d.LeaseUntil, (DateTimeOffset?)null)
            .SetProperty(d => d.LeaseOwner, (string?)null), ct);

    /// <summary>
    /// Gives up this node's leases of the deliveries with these ids that it claimed and never sent: they are due again at
    /// once instead of when the leases run out. A delivery another node leased since, or one recorded since, is left alone.
    /// </summary>
    internal Task<int> ReleaseUnsentAsync(AppDbContext db, List<long> ids, CancellationToken ct) =>
        db.Deliveries.Where(d => ids.Contains(d.Id) && d.Status == DeliveryStatus.Pending && d.LeaseOwner == Node)
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.LeaseUntil, (DateTimeOffset?)null)
                .SetProperty(d => d.LeaseOwner, (string?)null), ct);

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

    /// <summary>Reads a claim's RETURNING rows: Id, EndpointId, EventId, Format, EventName, AttemptCount.</summary>
    private protected static async Task<List<Leased>> ReadLeasedAsync(DbCommand command, CancellationToken ct)
    {
        var rows = new List<Leased>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(new Leased(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), (PayloadFormat)reader.GetInt32(3), reader.GetString(4), reader.GetInt32(5)));
        return rows;
    }

    /// <summary>Reads events' Id, MessageId, FullBody, ThinBody.</summary>
    private protected static async Task<Dictionary<long, (string MessageId, byte[] Full, byte[] Thin)>> ReadBodiesAsync(DbCommand command, CancellationToken ct)
    {
        var bodies = new Dictionary<long, (string MessageId, byte[] Full, byte[] Thin)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            bodies[reader.GetInt64(0)] = (reader.GetString(1), (byte[])reader[2], (byte[])reader[3]);
        return bodies;
    }

    /// <summary>Reads endpoints' Id, Version, Status.</summary>
    private protected static async Task<Dictionary<long, (int Version, bool Active)>> ReadEndpointsAsync(DbCommand command, CancellationToken ct)
    {
        var endpoints = new Dictionary<long, (int, bool)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) endpoints[reader.GetInt64(0)] = (reader.GetInt32(1), (EndpointStatus)reader.GetInt32(2) == EndpointStatus.Active);
        return endpoints;
    }

    /// <summary>Reads <see cref="DeliveryReadColumns"/>: a plain reader, where EF's materialisation and its parameter per id cost
    /// more than the attempt's HTTP request (docs/performance.md, session 12).</summary>
    private protected static async Task<Dictionary<long, Delivery>> ReadDeliveriesAsync(DbCommand command, int expected, CancellationToken ct)
    {
        var deliveries = new Dictionary<long, Delivery>(expected);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var d = Delivery.FromRow(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), (PayloadFormat)reader.GetInt32(4),
                (DeliveryStatus)reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7), Instant(reader, 8)!.Value, Instant(reader, 9),
                reader.IsDBNull(10) ? null : reader.GetString(10), Instant(reader, 11)!.Value, Instant(reader, 12),
                reader.IsDBNull(13) ? null : reader.GetInt32(13), reader.IsDBNull(14) ? null : reader.GetString(14), Instant(reader, 15),
                reader.GetBoolean(16));
            deliveries[d.Id] = d;
        }
        return deliveries;
    }

    // Instants are stored as UTC ticks on both stores (UtcTicksConverter).
    private static DateTimeOffset? Instant(DbDataReader reader, int column) =>
        reader.IsDBNull(column) ? null : new DateTimeOffset(reader.GetInt64(column), TimeSpan.Zero);

    private protected static DbCommand Command(AppDbContext db, string sql)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        return command;
    }

    private protected static void Add(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }

    // Readable in pg_stat_activity and the delivery log's lease column: host, process, and a random part for a restart.
    private static string NewNodeName()
    {
        var host = Environment.MachineName;
        return $"{(host.Length > 40 ? host[..40] : host)}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
    }
}
