using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace EasySpace.Core.Webhooks;

/// <summary>Writes what an attempt did: the attempt, the delivery's next state, the hour's stats, and the endpoint's fate.</summary>
public sealed class DeliveryRecorder(IDbContextFactory<AppDbContext> dbFactory, RetrySchedule schedule, ILogger<DeliveryRecorder> log)
{
    public async Task RecordAsync(long deliveryId, AttemptResult result, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var delivery = await db.Deliveries.SingleAsync(d => d.Id == deliveryId, ct);
        var endpoint = await db.Endpoints.SingleAsync(e => e.Id == delivery.EndpointId, ct);
        db.Attempts.Add(Attempt.Record(delivery.Id, endpoint.Id, delivery.AttemptCount + 1, result));

        if (result.Succeeded)
        {
            delivery.RecordSuccess(result.StatusCode!.Value, result.At);
        }
        else if (delivery.IsTest)
        {
            delivery.RecordFailure(result.StatusCode, result.Summary, result.At, retryAt: null);
        }
        else if (result.IsGone && endpoint.IsActive)
        {
            delivery.RecordFailure(result.StatusCode, result.Summary, result.At, retryAt: null);
            await DeactivateAsync(db, endpoint, "The receiver answered 410 Gone: it asked not to be sent anything more.", result.At, ct);
        }
        else if (!endpoint.IsActive)
        {
            // Switched off while this attempt was on its way: keep the delivery for when it is switched on again.
            delivery.RecordFailure(result.StatusCode, result.Summary, result.At, retryAt: result.At);
            delivery.Hold();
        }
        else if (schedule.NextAttemptAt(delivery.FailuresInRow + 1, result.At, result.RetryAfter) is { } retryAt)
        {
            delivery.RecordFailure(result.StatusCode, result.Summary, result.At, retryAt);
        }
        else
        {
            delivery.RecordFailure(result.StatusCode, result.Summary, result.At, retryAt: null);
            await DeactivateAsync(db, endpoint,
                $"Every retry failed ({delivery.AttemptCount} attempts over {FormatSpan(result.At - delivery.CreatedAt)}); the last one: {result.Summary}", result.At, ct);
        }

        await db.SaveChangesAsync(ct);
        if (!delivery.IsTest) await WebhookStatsHour.AddAsync(db, endpoint.Id, result, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Switches the endpoint off and holds its other undelivered deliveries: they are kept, not dropped.</summary>
    private async Task DeactivateAsync(AppDbContext db, Endpoint endpoint, string reason, DateTimeOffset at, CancellationToken ct)
    {
        endpoint.Deactivate(reason, at);
        var held = await db.Deliveries
            .Where(d => d.EndpointId == endpoint.Id && d.Status == DeliveryStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeliveryStatus.Held), ct);
        db.ActivityLog.Add(ActivityEntry.Record("system", "webhook.deactivated", endpoint.Name, at,
            $"{reason} {held} undelivered deliveries are held."));
        log.LogWarning("Webhook {EndpointId} deactivated: {Reason}; {Held} deliveries held", endpoint.Id, reason, held);
    }

    private static string FormatSpan(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes} min" : $"{(int)span.TotalMinutes} min";
}
