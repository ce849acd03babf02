using EasySpace.Core.Payments.Checkout;
using EasySpace.Core.Payments.Inbox;
using Microsoft.Extensions.Logging;
using Stripe;

namespace EasySpace.Core.Payments;

/// <summary>
/// Stripe's side of reconciliation: the events of the kinds our webhook subscribes to since a time (Stripe keeps 30
/// days of them) go into the inbox, which adds only those it lacks; then each checkout still open is asked about, for a
/// member who paid and closed the tab on a box that gets no webhooks.
/// </summary>
public sealed class StripeReconciler(StripeCheckout checkout, CheckoutCompletion completion, ProviderInbox inbox, ILogger<StripeReconciler> log)
    : IProviderReconciler
{
    public PaymentProvider Provider => PaymentProvider.Stripe;

    public async Task<int> ReconcileAsync(DateTimeOffset since, CancellationToken ct)
    {
        var events = await checkout.FetchAsync("list recent events", async client =>
        {
            var all = new List<Event>();
            var options = new EventListOptions { Created = new DateRangeOptions { GreaterThanOrEqual = since.UtcDateTime }, Types = [.. StripeConnector.HandledEvents], Limit = 100 };
            await foreach (var e in new EventService(client).ListAutoPagingAsync(options, cancellationToken: ct)) all.Add(e);
            return all;
        }, ct);
        // Stripe lists newest first; reversed, they are processed as they happened, even those made in the same second
        // (a renewal's payment before its refund). The inbox records each once however often it is found.
        foreach (var e in Enumerable.Reverse(events))
            await inbox.AcceptAsync(PaymentProvider.Stripe, e.Id, e.Type, Payload(e), EventSource.Reconciliation, ct);

        var open = await completion.OpenAsync(PaymentProvider.Stripe, since, ct);
        foreach (var attempt in open)
        {
            try { await checkout.RefreshAsync(attempt, ct); }
            catch (InvalidOperationException e)
            {
                // One checkout Stripe cannot tell us about does not hold up the others; the next run asks again.
                log.LogWarning("Asking Stripe about checkout {Attempt} failed: {Reason}", attempt.Id, e.Message);
            }
        }
        return events.Count + open.Count;
    }

    /// <summary>The event as Stripe sent it, so it is stored as a webhook would have stored it.</summary>
    private static string Payload(Event e) => e.RawJsonElement is { ValueKind: System.Text.Json.JsonValueKind.Object } raw ? raw.GetRawText() : e.ToJson();
}
