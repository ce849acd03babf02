using System.Globalization;
using System.Text.Json.Nodes;
using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using EasySpace.Core.Events;
using EasySpace.Core.Payments;
using EasySpace.Core.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasySpace.Core.Alerts;

/// <summary>What one evaluation changed: the incidents it opened and the ones that recovered (each announced once).</summary>
public sealed record AlertChanges(IReadOnlyList<Incident> Opened, IReadOnlyList<Incident> Recovered)
{
    public bool Any => Opened.Count > 0 || Recovered.Count > 0;
}

/// <summary>
/// Looks at how the integrations stand now (webhooks switched off or failing, late deliveries, payment providers in
/// Error, the database's storage) and keeps one incident per condition: opened when it starts, recovered when it
/// clears. Each change is written with its activity line and its operational event in one transaction, then e-mailed.
/// An open incident is never announced again, so a condition that lasts for days is one alert, not a storm.
/// </summary>
public sealed class AlertEvaluator(
    IDbContextFactory<AppDbContext> dbFactory,
    EventOutbox outbox,
    StorageHealth storage,
    PublicUrls urls,
    AlertMail mail,
    AlertFeed feed,
    IOptionsMonitor<AlertOptions> options,
    TimeProvider clock,
    ILogger<AlertEvaluator> log)
{
    // The minute job and a test (or a second caller) never evaluate at once: both would open the same incident.
    private readonly SemaphoreSlim oneAtATime = new(1, 1);

    // A full disk cannot take the storage incident either: it is e-mailed from memory, once, and written with its
    // resolution when the database takes writes again.
    private Incident? unsavedStorage;

    public async Task<AlertChanges> EvaluateAsync(CancellationToken ct = default)
    {
        await oneAtATime.WaitAsync(ct);
        try
        {
            var changes = await RecordAsync(ct);
            if (!changes.Any) return changes;
            feed.Announce();
            await mail.SendAsync(changes, ct);
            return changes;
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    private async Task<AlertChanges> RecordAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var webhooks = await WebhooksAsync(db, now, ct);
        var conditions = new List<AlertCondition>();
        conditions.AddRange(webhooks.SelectMany(w => w.Conditions));
        if (await LateDeliveriesAsync(db, now, ct) is { } late) conditions.Add(late);
        var providers = await db.ProviderConnections.AsNoTracking().ToListAsync(ct);
        conditions.AddRange(providers.Where(p => p.Status == ConnectionStatus.Error).Select(p => new AlertCondition(AlertKind.ProviderInError,
            $"provider:{p.Provider}", p.Provider.ToString(), $"{p.ErrorReason} {p.ErrorFix}".Trim(), "settings/integrations/payments")));
        if (storage.Problem is { } problem)
            conditions.Add(new AlertCondition(AlertKind.StorageUnhealthy, "storage", "Database",
                $"{problem}. Nothing already saved is lost; free disk space or fix the data folder's permissions and EasySpace carries on by itself.",
                AlertFeed.PageLink));

        var open = await db.Incidents.Where(i => i.EndedAt == null).ToListAsync(ct);
        var openKeys = open.Select(i => i.Key).ToHashSet();
        var current = conditions.ToDictionary(c => c.Key);
        var opened = new List<Incident>();
        var recovered = new List<Incident>();
        if (unsavedStorage is { } announced)
        {
            openKeys.Add(announced.Key);
            if (storage.Problem is null)
            {
                announced.Recover(now);
                db.Incidents.Add(announced);
                db.ActivityLog.Add(ActivityEntry.Record(ActivityKinds.System, ActivityKinds.AlertOpened, announced.Headline, announced.OpenedAt, announced.Problem));
                db.ActivityLog.Add(ActivityEntry.Record(ActivityKinds.System, ActivityKinds.AlertRecovered, announced.Headline, now, announced.RecoveredSentence));
                recovered.Add(announced);
            }
        }
        foreach (var condition in conditions.Where(c => !openKeys.Contains(c.Key)))
        {
            var incident = Incident.Open(condition, now);
            db.Incidents.Add(incident);
            db.ActivityLog.Add(ActivityEntry.Record(ActivityKinds.System, ActivityKinds.AlertOpened, incident.Headline, now, incident.Problem));
            await RaiseAsync(db, incident, ct);
            opened.Add(incident);
        }
        var byId = webhooks.ToDictionary(w => w.Id);
        foreach (var incident in open.Where(i => !current.ContainsKey(i.Key)))
        {
            switch (Verdict(incident, byId, providers))
            {
                case Outcome.Recovered:
                    incident.Recover(now);
                    db.ActivityLog.Add(ActivityEntry.Record(ActivityKinds.System, ActivityKinds.AlertRecovered, incident.Headline, now, incident.RecoveredSentence));
                    await RaiseAsync(db, incident, ct);
                    recovered.Add(incident);
                    break;
                case Outcome.Gone:
                    incident.EndQuietly(now);
                    db.ActivityLog.Add(ActivityEntry.Record(ActivityKinds.System, ActivityKinds.AlertClosed, incident.Headline, now));
                    break;
            }
        }
        if (db.ChangeTracker.HasChanges())
        {
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e)
            {
                log.LogWarning(e, "Alerts could not be recorded this time; the next run tries again");
                // The disk refused the write: the storage alert goes out anyway, once, from memory.
                if (StorageHealth.Describe(e) is not null && unsavedStorage is null && opened.Find(i => i.Kind == AlertKind.StorageUnhealthy) is { } full)
                {
                    unsavedStorage = Incident.Open(new AlertCondition(full.Kind, full.Key, full.About, full.Problem, full.Link), full.OpenedAt);
                    return new([unsavedStorage], []);
                }
                // Otherwise another process opened the same incident first (the unique open key) and announced it.
                return new([], []);
            }
        }
        if (unsavedStorage is not null && recovered.Contains(unsavedStorage)) unsavedStorage = null;
        return new(opened, recovered);
    }

    private enum Outcome { StillOpen, Recovered, Gone }

    // Why a condition no longer holds: it cleared (announce it), or what it was about went away (a deleted webhook, one a
    // manager switched off, a disconnected provider), where "working again" would not be true.
    private static Outcome Verdict(Incident incident, Dictionary<long, WebhookState> webhooks, List<ProviderConnection> providers) => incident.Kind switch
    {
        AlertKind.WebhookDeactivated => webhooks.GetValueOrDefault(incident.WebhookId ?? 0) is { Status: EndpointStatus.Active } ? Outcome.Recovered : Outcome.Gone,
        AlertKind.WebhookFailing => webhooks.GetValueOrDefault(incident.WebhookId ?? 0) switch
        {
            null or { Status: not EndpointStatus.Active } => Outcome.Gone,
            { Latest.Succeeded: true } => Outcome.Recovered,
            _ => Outcome.StillOpen,   // not failing by the numbers, but nothing went through yet either
        },
        AlertKind.ProviderInError => providers.Any(p => incident.Key == $"provider:{p.Provider}" && p.Status == ConnectionStatus.Active) ? Outcome.Recovered : Outcome.Gone,
        _ => Outcome.Recovered,
    };

    private sealed record WebhookState(long Id, string Name, EndpointStatus Status, Attempt? Latest, IReadOnlyList<AlertCondition> Conditions);

    private async Task<List<WebhookState>> WebhooksAsync(AppDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var o = options.CurrentValue;
        var since = now - o.Window;
        var endpoints = await db.Endpoints.AsNoTracking()
            .Select(e => new { e.Id, e.Name, e.Status, e.DeactivationReason, e.IsCritical }).ToListAsync(ct);
        // Only a webhook with a failed attempt in the window can be failing by the numbers. The hourly stats the writer
        // keeps (every attempt but test sends) name those webhooks from a few rows; counting every attempt of the window
        // instead read the whole last hour of traffic every minute (docs/performance.md, session 13).
        var firstHour = WebhookStatsHour.HourOf(since);
        var withFailures = await db.WebhookStats.Where(s => s.HourStart >= firstHour && s.Failed > 0)
            .Select(s => s.EndpointId).Distinct().ToListAsync(ct);
        // Test sends are not deliveries a receiver missed: they never count.
        var rates = withFailures.Count == 0 ? [] : await (from a in db.Attempts
                           join d in db.Deliveries on a.DeliveryId equals d.Id
                           where a.At >= since && withFailures.Contains(a.EndpointId) && !d.IsTest
                           group a by a.EndpointId into g
                           select new { g.Key, Total = g.Count(), Ok = g.Count(a => a.Error == AttemptError.None) })
            .ToDictionaryAsync(r => r.Key, r => (r.Total, r.Ok), ct);
        var states = new List<WebhookState>();
        foreach (var e in endpoints)
        {
            var link = $"settings/integrations/webhooks/{e.Id}";
            var conditions = new List<AlertCondition>();
            Attempt? latest = null;
            if (e.Status == EndpointStatus.Deactivated)
                conditions.Add(new(AlertKind.WebhookDeactivated, $"webhook-deactivated:{e.Id}", e.Name,
                    e.DeactivationReason ?? "its deliveries kept failing.", link, e.Id));
            if (e.Status == EndpointStatus.Active)
            {
                latest = await (from a in db.Attempts.AsNoTracking()
                                join d in db.Deliveries on a.DeliveryId equals d.Id
                                where a.EndpointId == e.Id && !d.IsTest
                                orderby a.Id descending
                                select a).FirstOrDefaultAsync(ct);
                var (total, ok) = rates.GetValueOrDefault(e.Id);
                var byRate = total >= o.FailingMinimumAttempts && ok * 100 < o.FailingBelowPercent * total;
                if (byRate || (e.IsCritical && latest is { Succeeded: false }))
                    conditions.Add(new(AlertKind.WebhookFailing, $"webhook-failing:{e.Id}", e.Name, byRate
                        ? $"only {ok} of its {total} delivery attempts in the last {Minutes(o.FailingWindowMinutes)} went through (the latest: {latest?.Summary})."
                        : $"a delivery failed ({latest!.Summary}), and it is marked critical.", link, e.Id));
            }
            states.Add(new(e.Id, e.Name, e.Status, latest, conditions));
        }
        return states;
    }

    private async Task<AlertCondition?> LateDeliveriesAsync(AppDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var o = options.CurrentValue;
        var dueBefore = now - o.Waiting;
        var late = await db.Deliveries.CountAsync(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= dueBefore, ct);
        // Events the engine has not even turned into deliveries yet are late too.
        late += await db.Events.CountAsync(e => !e.FannedOut && e.OccurredAt <= dueBefore, ct);
        if (late == 0) return null;
        return new AlertCondition(AlertKind.DeliveriesWaiting, "deliveries-waiting", "Deliveries",
            $"{late} {(late == 1 ? "delivery has" : "deliveries have")} waited more than {Minutes(o.WaitingMinutes)} past {(late == 1 ? "its" : "their")} time. " +
            "EasySpace may be overloaded or short of disk space; the deliveries page shows what is waiting.", "settings/integrations/deliveries");
    }

    private static string Minutes(int minutes) => minutes % 60 == 0
        ? (minutes == 60 ? "hour" : $"{minutes / 60} hours")
        : $"{minutes} minutes";

    /// <summary>A webhook's incident is news our own webhooks can subscribe to (never the webhook it is about: the fan-out keeps it away).</summary>
    private async Task RaiseAsync(AppDbContext db, Incident incident, CancellationToken ct)
    {
        if (incident.WebhookId is not { } id) return;
        var idText = id.ToString(CultureInfo.InvariantCulture);
        var url = await urls.ApiUrlAsync("subscriptions", idText, ct);
        var data = new JsonObject
        {
            ["id"] = idText,
            ["url"] = url,
            ["name"] = incident.About,
            ["problem"] = incident.Problem,
            ["since"] = Iso(incident.OpenedAt),
            ["recovered_at"] = incident.Recovered ? Iso(incident.EndedAt!.Value) : null,
        };
        var subject = new EventSubject(idText, incident.About, data);
        CatalogueEvent e = incident.Recovered ? new RecoveredWebhook(subject, id)
            : incident.Kind == AlertKind.WebhookDeactivated ? new DeactivatedWebhook(subject, id)
            : new FailingWebhook(subject, id);
        await outbox.RaiseAsync(db, e, ct);
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
