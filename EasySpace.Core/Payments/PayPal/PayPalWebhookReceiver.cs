using System.Text.Json;
using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using EasySpace.Core.Payments.Inbox;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Payments.PayPal;

/// <summary>What our PayPal webhook answers: 200 once the event is stored, 400 with the reason when it is not PayPal's.</summary>
public sealed record PayPalWebhookAnswer(bool Accepted, string Message);

/// <summary>
/// One delivery to /payments/paypal/webhook. PayPal signs with a certificate chain, so we ask PayPal itself
/// (verify-webhook-signature, with our stored webhook id and the body exactly as it came) and trust only SUCCESS.
/// A verified event goes to the inbox, which stores it before acting on it; a failure in acting still answers 200,
/// because the stored event is tried again by the reconciliation job.
/// </summary>
public sealed class PayPalWebhookReceiver(PayPalClient client, ConnectedPayPal connected, ProviderInbox inbox,
    IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public async Task<PayPalWebhookAnswer> ReceiveAsync(string rawBody, Func<string, string?> header, CancellationToken ct)
    {
        if (await connected.ActiveAsync(ct) is not { } paypal) return await RefuseAsync("PayPal is not connected", ct);
        if (paypal.WebhookId is not { } webhookId)
            return await RefuseAsync("PayPal runs in local mode here: no webhook is registered, so nothing sent here can be verified", ct);
        if (PayPalTransmission.From(header) is not { } transmission) return await RefuseAsync("the PayPal signature headers are missing", ct);
        if (EventIdentity(rawBody) is not { } identity) return await RefuseAsync("the body is not a PayPal event", ct);

        var verified = await client.VerifyWebhookSignatureAsync(paypal.Account, webhookId, transmission, rawBody, "verify-" + transmission.TransmissionId, ct);
        if (verified.Error is { } error) return await RefuseAsync("PayPal could not confirm the signature: " + error.Message, ct);
        if (!verified.Value) return await RefuseAsync($"PayPal did not confirm the signature of event {identity.Id}", ct);

        await inbox.AcceptAsync(PaymentProvider.PayPal, identity.Id, identity.Type, rawBody, EventSource.Webhook, ct);
        return new PayPalWebhookAnswer(true, "received");
    }

    private static (string Id, string Type)? EventIdentity(string rawBody)
    {
        try
        {
            using var document = JsonDocument.Parse(rawBody);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                   && root.TryGetProperty("id", out var id) && id.GetString() is { Length: > 0 and <= 255 } eventId
                   && root.TryGetProperty("event_type", out var type) && type.GetString() is { Length: > 0 and <= 100 } eventType
                   && root.TryGetProperty("resource", out var resource) && resource.ValueKind == JsonValueKind.Object
                ? (eventId, eventType) : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException) { return null; }
    }

    /// <summary>The activity log says why, never the body (it may carry a payer's details) nor any secret.</summary>
    private async Task<PayPalWebhookAnswer> RefuseAsync(string reason, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.ActivityLog.Add(ActivityEntry.Record("PayPal webhook", ActivityKinds.PayPalNoticeRefused, PayPalConnector.WebhookPath, clock.GetUtcNow(), reason));
        await db.SaveChangesAsync(ct);
        return new PayPalWebhookAnswer(false, $"Refused: {reason}.");
    }
}
