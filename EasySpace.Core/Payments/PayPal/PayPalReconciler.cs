using System.Text.Json;
using EasySpace.Core.Data;
using EasySpace.Core.Payments.Checkout;
using EasySpace.Core.Payments.Inbox;
using EasySpace.Core.Space.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace EasySpace.Core.Payments.PayPal;

/// <summary>
/// PayPal's side of the reconciliation job: each checkout still open is asked about (an approved order is captured),
/// each subscription on record has its state and its payments read, and, when PayPal has our webhook, the events it
/// lists since then go into the inbox, which skips those it already has.
/// </summary>
public sealed class PayPalReconciler(
    PayPalClient client,
    ConnectedPayPal connected,
    PayPalCheckout checkout,
    CheckoutCompletion completion,
    ProviderInbox inbox,
    IDbContextFactory<AppDbContext> dbFactory,
    ILogger<PayPalReconciler> log) : IProviderReconciler
{
    public PaymentProvider Provider => PaymentProvider.PayPal;

    public async Task<int> ReconcileAsync(DateTimeOffset since, CancellationToken ct)
    {
        if (await connected.ActiveAsync(ct) is not { } paypal) return 0;
        var handed = 0;
        foreach (var attempt in await completion.OpenAsync(PaymentProvider.PayPal, since, ct))
        {
            // One checkout PayPal cannot answer about must not hold up the others.
            try
            {
                await checkout.RefreshAsync(attempt, ct);
                handed++;
            }
            catch (InvalidOperationException e)
            {
                log.LogWarning("Asking PayPal about checkout {Attempt} failed: {Reason}", attempt.Id, e.Message);
            }
        }
        // Renewals, and a first payment whose member never came back, have no checkout to ask about: each subscription is.
        List<string> subscriptions;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            subscriptions = await db.PaymentSubscriptions.AsNoTracking()
                .Where(s => s.Provider == PaymentProviders.PayPal && (s.Status != "canceled" || s.UpdatedAt >= since))
                .Select(s => s.ProviderReference).ToListAsync(ct);
        foreach (var subscription in subscriptions)
        {
            try
            {
                await checkout.SubscriptionAsync(paypal, subscription, ct);
                await checkout.SubscriptionPaymentsAsync(paypal, subscription, since, ct);
                handed++;
            }
            catch (InvalidOperationException e)
            {
                log.LogWarning("Asking PayPal about subscription {Subscription} failed: {Reason}", subscription, e.Message);
            }
        }
        // In local mode PayPal sends us nothing, so it has nothing to list either.
        if (paypal.WebhookId is null) return handed;

        var events = PayPalCheckout.Answer(await client.ListWebhookEventsAsync(paypal.Account, since, ct));
        // Oldest first, as they happened: PayPal lists newest first.
        foreach (var raw in events.Reverse())
        {
            using var document = JsonDocument.Parse(raw);
            var root = document.RootElement;
            if (!root.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("event_type", out var type) || type.ValueKind != JsonValueKind.String) continue;
            if (await inbox.AcceptAsync(PaymentProvider.PayPal, id.GetString()!, type.GetString()!, raw, EventSource.Reconciliation, ct) == InboxResult.Stored)
                handed++;
        }
        return handed;
    }
}
