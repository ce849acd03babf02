using System.Globalization;
using EasySpace.Core.Data;
using EasySpace.Core.Payments;
using EasySpace.Core.Payments.Checkout;
using EasySpace.Core.Payments.Inbox;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Tests.Core.Payments;

/// <summary>
/// A box that missed Stripe's webhooks (the fake delivers none) and whose member closed the tab: the reconciliation job
/// asks Stripe for its recent events and open checkouts and records what happened, once.
/// </summary>
public sealed class StripeReconciliationTests : StripeCoreTest
{
    private Task<int> ReconcileAsync() => ActivatorUtilities.CreateInstance<PaymentReconciliationJob>(Services).RunAsync();

    private async Task<List<ProviderEvent>> InboxAsync()
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.ProviderEvents.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
    }

    [Fact]
    public async Task A_payment_no_webhook_reported_is_recorded_by_the_job_once_however_often_it_runs()
    {
        var (_, start, invoiceId) = await Services.StartInvoiceCheckoutAsync();
        await stripe.CompleteCheckoutAsync(start.SessionId());

        await ReconcileAsync();
        core.Clock.Advance(TimeSpan.FromMinutes(10));
        await ReconcileAsync();

        Assert.Equal(AttemptStatus.Succeeded, (await Services.AttemptAsync(start.AttemptId)).Status);
        Assert.True((await Services.InvoiceAsync(invoiceId)).IsPaid);
        Assert.Single(await Services.PaymentsAsync());
        Assert.Equal(1, await Services.RaisedAsync("created_payment"));
        var stored = Assert.Single(await InboxAsync());
        Assert.Equal(("checkout.session.completed", EventSource.Reconciliation, true), (stored.Type, stored.Source, stored.IsProcessed));
    }

    [Fact]
    public async Task The_job_asks_for_the_last_three_days_of_the_events_our_webhook_subscribes_to()
    {
        await ReconcileAsync();

        var call = Assert.Single(stripe.Calls, c => c is { Method: "GET", Path: "/v1/events" });
        Assert.Equal((core.Clock.GetUtcNow() - PaymentReconciliationJob.Lookback).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), call.Form["created[gte]"][0]);
        Assert.Equal(StripeConnector.HandledEvents.Order(), call.Form.Where(f => f.Key.StartsWith("types", StringComparison.Ordinal)).SelectMany(f => f.Value).Order());
    }

    [Fact]
    public async Task A_renewal_a_failed_renewal_and_a_refund_missed_while_the_box_was_down_are_all_found()
    {
        var member = await Services.AddPayingMemberAsync(planPrice: 120m);
        var start = await Services.StartStripeCheckoutAsync(member, new CheckoutRequest(PaymentPurpose.Plan, member.PlanId));
        var session = await stripe.CompleteCheckoutAsync(start.SessionId());
        var subscriptionId = (string)session["subscription"]!;
        await stripe.RenewAsync(subscriptionId);
        var renewal = await stripe.RenewAsync(subscriptionId);
        var refunded = (string)stripe.Object((string)renewal["id"]!)["fake_payments"]!["data"]![0]!["payment"]!["payment_intent"]!;
        await stripe.RefundAsync(refunded);
        await stripe.FailRenewalAsync(subscriptionId);
        stripe.MaxPageSize = 2;   // the events come in several pages

        await ReconcileAsync();

        Assert.Equal(AttemptStatus.Succeeded, (await Services.AttemptAsync(start.AttemptId)).Status);
        Assert.Equal("past_due", (await Services.SubscriptionAsync(subscriptionId)).Status);
        var payments = await Services.PaymentsAsync();
        Assert.Equal(3, payments.Count(p => !p.Failed));   // the first period and two renewals
        Assert.Single(payments, p => p.Failed);
        Assert.Equal(120m, Assert.Single(payments, p => p.ProviderReference == refunded).RefundedAmount);
        Assert.All(await InboxAsync(), e => Assert.True(e.IsProcessed, $"{e.Type}: {e.LastError}"));
        Assert.Equal(stripe.Events.Count, (await InboxAsync()).Count);
        Assert.True(stripe.Calls.Count(c => c is { Method: "GET", Path: "/v1/events" }) > 1);
    }
}
