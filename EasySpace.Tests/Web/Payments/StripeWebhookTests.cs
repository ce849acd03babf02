using System.Net;
using System.Text.Json.Nodes;
using EasySpace.Core.Data;
using EasySpace.Core.Payments;
using EasySpace.Core.Payments.Checkout;
using EasySpace.Core.Payments.Inbox;
using EasySpace.Tests.Core.Payments;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;
using EasySpace.Web.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EasySpace.Tests.Web.Payments;

/// <summary>
/// Stripe's webhook on the real app (Kestrel on loopback, a SQLite file). The box listens on 127.0.0.1, so Stripe is
/// connected in local mode with the signing secret of a forwarding tool, which the fake plays ("stripe listen").
/// </summary>
public sealed class StripeWebhookTests : IAsyncLifetime
{
    private readonly AppHost app = new();
    private FakeStripe stripe = null!;
    private Receiver receiver = null!;
    private FakeTimeProvider clock = null!;
    private IServiceProvider Services => app.Services;
    private string WebhookUrl => new Uri(app.BaseAddress, StripeConnector.WebhookPath).ToString();

    public async Task InitializeAsync()
    {
        stripe = await FakeStripe.StartAsync();
        receiver = await Receiver.StartAsync();
        app.With("Payments:Stripe:ApiBase", stripe.ApiBase);
        clock = app.UseFakeClock();
        stripe.Clock = clock;
        await app.SetUpSpaceAsync();
        await Services.ConnectStripeAsync(StripeCheckoutKit.ForwardingSecret);
        stripe.ForwardTo(WebhookUrl, StripeCheckoutKit.ForwardingSecret);
    }

    public async Task DisposeAsync()
    {
        app.Dispose();
        await receiver.DisposeAsync();
        await stripe.DisposeAsync();
    }

    private async Task<(PayingMember Member, CheckoutStart Start, string SubscriptionId)> PlanCheckoutAsync()
    {
        var member = await Services.AddPayingMemberAsync(planPrice: 120m);
        var start = await Services.StartStripeCheckoutAsync(member, new CheckoutRequest(PaymentPurpose.Plan, member.PlanId));
        var session = await stripe.CompleteCheckoutAsync(start.SessionId());
        return (member, start, (string)session["subscription"]!);
    }

    /// <summary>Our events (X-EasySpace-Event) that reached the receiver, until <paramref name="count"/> have.</summary>
    private async Task<List<string>> ReceivedAsync(int count)
    {
        var names = new List<string>();
        while (names.Count < count) names.Add((await receiver.NextAsync()).Header("X-EasySpace-Event"));
        return names;
    }

    private async Task<List<ProviderEvent>> InboxAsync()
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.ProviderEvents.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
    }

    private async Task<List<string?>> RefusalsAsync()
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.ActivityLog.AsNoTracking().Where(a => a.Action == "payments.stripe_webhook_refused").Select(a => a.Details).ToListAsync();
    }

    /// <summary>An event written by hand, correctly signed now.</summary>
    private Task<HttpResponseMessage> PostEventAsync(string id, string type, JsonObject data) =>
        FakeStripe.PostSignedAsync(WebhookUrl, new JsonObject
        {
            ["id"] = id, ["object"] = "event", ["api_version"] = Stripe.StripeConfiguration.ApiVersion, ["created"] = clock.GetUtcNow().ToUnixTimeSeconds(),
            ["livemode"] = false, ["type"] = type, ["data"] = new JsonObject { ["object"] = data },
        }.ToJsonString(), StripeCheckoutKit.ForwardingSecret, clock.GetUtcNow());

    /// <summary>A real event of the fake's, made while no webhook was sent, for a test to post itself.</summary>
    private async Task<string> UndeliveredPaymentEventAsync()
    {
        stripe.DeliverWebhooks = false;
        var (_, start, _) = await Services.StartInvoiceCheckoutAsync();
        await stripe.CompleteCheckoutAsync(start.SessionId());
        stripe.DeliverWebhooks = true;
        return stripe.Events.Last(e => (string)e["type"]! == "checkout.session.completed").ToJsonString();
    }

    [Fact]
    public async Task A_member_pays_an_invoice_and_the_signed_webhook_records_it_and_our_receiver_gets_created_payment_and_updated_invoice()
    {
        await app.CreateEndpointAsync(receiver.Url, ["created_payment", "updated_invoice"]);
        var (_, start, invoiceId) = await Services.StartInvoiceCheckoutAsync();

        await stripe.CompleteCheckoutAsync(start.SessionId());

        Assert.All(stripe.Deliveries, d => Assert.Equal(200, d.Status));
        Assert.Equal(AttemptStatus.Succeeded, (await Services.AttemptAsync(start.AttemptId)).Status);
        Assert.True((await Services.InvoiceAsync(invoiceId)).IsPaid);
        Assert.Equal(["created_payment", "updated_invoice"], (await ReceivedAsync(2)).Order());
        var stored = Assert.Single(await InboxAsync());
        Assert.Equal(("checkout.session.completed", EventSource.Webhook, true), (stored.Type, stored.Source, stored.IsProcessed));
    }

    [Fact]
    public async Task The_fake_s_hosted_page_pays_like_Stripe_Checkout_and_sends_the_member_back_to_our_return_page()
    {
        var (_, start, invoiceId) = await Services.StartInvoiceCheckoutAsync();
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });

        var page = await browser.GetStringAsync(start.RedirectUrl);
        var pay = await browser.PostAsync(start.RedirectUrl + "/pay", new FormUrlEncodedContent([]));

        Assert.Contains("data-testid=\"fake-pay\"", page);
        Assert.Contains("data-testid=\"fake-cancel\"", page);
        Assert.Equal(HttpStatusCode.SeeOther, pay.StatusCode);
        Assert.Equal(new Uri(app.BaseAddress, $"/me/pay/{start.AttemptId}/done?session_id={start.SessionId()}"), pay.Headers.Location);
        Assert.True((await Services.InvoiceAsync(invoiceId)).IsPaid);   // the webhook came before the redirect
    }

    [Fact]
    public async Task A_replayed_or_twice_delivered_event_changes_nothing()
    {
        stripe.DeliverTwice = true;
        var (_, start, _) = await Services.StartInvoiceCheckoutAsync();
        await stripe.CompleteCheckoutAsync(start.SessionId());

        await stripe.ReplayAsync((string)stripe.Events.Single(e => (string)e["type"]! == "checkout.session.completed")["id"]!);

        Assert.Equal(3, stripe.Deliveries.Count);
        Assert.All(stripe.Deliveries, d => Assert.Equal(200, d.Status));
        Assert.Single(await Services.PaymentsAsync());
        Assert.Equal(1, await Services.RaisedAsync("created_payment"));
        Assert.Single(await InboxAsync());
    }

    [Fact]
    public async Task An_event_signed_with_another_secret_is_refused_with_400_and_nothing_is_recorded()
    {
        var payload = await UndeliveredPaymentEventAsync();

        var response = await FakeStripe.PostSignedAsync(WebhookUrl, payload, "whsec_someoneelse0123456789", clock.GetUtcNow());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await InboxAsync());
        Assert.Empty(await Services.PaymentsAsync());
        var why = Assert.Single(await RefusalsAsync());
        Assert.DoesNotContain(StripeCheckoutKit.ForwardingSecret, why);
        Assert.DoesNotContain("checkout.session", why);   // the body is not logged
    }

    [Fact]
    public async Task An_event_signed_more_than_five_minutes_ago_is_refused_and_the_same_event_signed_now_is_taken()
    {
        var payload = await UndeliveredPaymentEventAsync();
        var signedAt = clock.GetUtcNow();
        clock.Advance(TimeSpan.FromSeconds(StripeWebhookEndpoint.ToleranceSeconds + 1));

        var stale = await FakeStripe.PostSignedAsync(WebhookUrl, payload, StripeCheckoutKit.ForwardingSecret, signedAt);
        Assert.Equal(HttpStatusCode.BadRequest, stale.StatusCode);
        Assert.Empty(await InboxAsync());
        Assert.Contains("tolerance", Assert.Single(await RefusalsAsync()), StringComparison.OrdinalIgnoreCase);

        var fresh = await FakeStripe.PostSignedAsync(WebhookUrl, payload, StripeCheckoutKit.ForwardingSecret, clock.GetUtcNow());
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Single(await Services.PaymentsAsync());
    }

    [Fact]
    public async Task In_local_mode_without_a_pasted_signing_secret_every_webhook_is_refused()
    {
        var payload = await UndeliveredPaymentEventAsync();
        await Services.ConnectStripeAsync(localSigningSecret: null);

        var response = await FakeStripe.PostSignedAsync(WebhookUrl, payload, StripeCheckoutKit.ForwardingSecret, clock.GetUtcNow());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("no signing secret", await response.Content.ReadAsStringAsync());
        Assert.Empty(await InboxAsync());
    }

    [Fact]
    public async Task The_webhook_takes_only_POST()
    {
        var response = await app.NewClient().GetAsync(StripeConnector.WebhookPath);

        Assert.Contains((int)response.StatusCode, new[] { 404, 405 });
    }

    [Fact]
    public async Task An_event_type_we_do_not_use_is_acknowledged_and_stored_with_what_was_done()
    {
        var response = await PostEventAsync("evt_unknown1", "customer.created", new JsonObject { ["id"] = "cus_1", ["object"] = "customer" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("acknowledged, not used", Assert.Single(await InboxAsync()).Outcome);
    }

    [Fact]
    public async Task An_event_whose_processing_fails_is_still_answered_200_and_kept_for_the_reconciliation_job()
    {
        // An invoice Stripe cannot find when asked: processing fails, the stored event waits for a retry.
        var response = await PostEventAsync("evt_failing1", "invoice.paid", new JsonObject { ["id"] = "in_missing", ["object"] = "invoice" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = Assert.Single(await InboxAsync());
        Assert.False(stored.IsProcessed);
        Assert.NotNull(stored.LastError);
    }

    [Fact]
    public async Task A_payment_the_bank_refuses_later_records_failed_payment_and_the_invoice_stays_open()
    {
        await app.CreateEndpointAsync(receiver.Url, ["failed_payment"]);
        stripe.DeclinePayments = true;
        var (_, start, invoiceId) = await Services.StartInvoiceCheckoutAsync();

        await stripe.CompleteCheckoutAsync(start.SessionId());

        Assert.Equal(AttemptStatus.Failed, (await Services.AttemptAsync(start.AttemptId)).Status);
        Assert.False((await Services.InvoiceAsync(invoiceId)).IsPaid);
        Assert.True(Assert.Single(await Services.PaymentsAsync()).Failed);
        Assert.Equal(["failed_payment"], await ReceivedAsync(1));
    }

    [Fact]
    public async Task A_refund_at_Stripe_records_refunded_payment_and_opens_the_invoice_again()
    {
        await app.CreateEndpointAsync(receiver.Url, ["refunded_payment"]);
        var (_, start, invoiceId) = await Services.StartInvoiceCheckoutAsync();
        var session = await stripe.CompleteCheckoutAsync(start.SessionId());

        var refund = await stripe.RefundAsync((string)session["payment_intent"]!);
        await stripe.ReplayAsync((string)stripe.Events.Last()["id"]!);   // Stripe's retry refunds nothing twice

        var payment = Assert.Single(await Services.PaymentsAsync());
        Assert.Equal(240m, payment.RefundedAmount);
        Assert.Equal((string)refund["id"]!, Assert.Single(payment.Refunds).ProviderReference);
        Assert.False((await Services.InvoiceAsync(invoiceId)).IsPaid);
        Assert.Equal(["refunded_payment"], await ReceivedAsync(1));
    }

    [Fact]
    public async Task A_plan_subscription_is_created_renewed_fails_a_renewal_and_is_canceled_with_each_step_recorded()
    {
        await app.CreateEndpointAsync(receiver.Url, ["created_payment", "failed_payment", "updated_payment_subscription"]);
        var (member, start, subscriptionId) = await PlanCheckoutAsync();
        Assert.Equal(AttemptStatus.Succeeded, (await Services.AttemptAsync(start.AttemptId)).Status);
        Assert.Equal("active", (await Services.SubscriptionAsync(subscriptionId)).Status);
        Assert.Single(await Services.PaymentsAsync());

        await stripe.RenewAsync(subscriptionId);
        var payments = await Services.PaymentsAsync();
        Assert.Equal(2, payments.Count);
        Assert.NotEqual(payments[0].InvoiceId, payments[1].InvoiceId);   // each period has its own invoice
        Assert.All(payments, p => Assert.True(p is { Failed: false, IsTest: true }));

        await stripe.FailRenewalAsync(subscriptionId);
        Assert.Equal("past_due", (await Services.SubscriptionAsync(subscriptionId)).Status);
        var failed = Assert.Single(await Services.PaymentsAsync(), p => p.Failed);
        Assert.False((await Services.InvoiceAsync(failed.InvoiceId)).IsPaid);

        var subscription = await Services.SubscriptionAsync(subscriptionId);
        (await Services.GetRequiredService<CheckoutService>().CancelSubscriptionAsync(subscription.Id, member.UserId, "member")).Ok();
        Assert.Equal("canceled", (await Services.SubscriptionAsync(subscriptionId)).Status);
        Assert.Equal("canceled", (string)stripe.Object(subscriptionId)["status"]!);

        var ours = await ReceivedAsync(6);
        Assert.Equal(2, ours.Count(n => n == "created_payment"));
        Assert.Equal(1, ours.Count(n => n == "failed_payment"));
        Assert.Contains("updated_payment_subscription", ours);
    }

    [Fact]
    public async Task Events_that_arrive_out_of_order_end_in_the_right_state()
    {
        stripe.DeliverOutOfOrder = true;   // checkout.session.completed, then invoice.paid, then customer.subscription.created
        var (_, start, subscriptionId) = await PlanCheckoutAsync();

        Assert.Equal(AttemptStatus.Succeeded, (await Services.AttemptAsync(start.AttemptId)).Status);
        Assert.Equal("active", (await Services.SubscriptionAsync(subscriptionId)).Status);
        Assert.Single(await Services.PaymentsAsync());

        // The renewal fails: customer.subscription.updated (past_due) comes before invoice.payment_failed.
        await stripe.FailRenewalAsync(subscriptionId);
        // Then Stripe retries the old customer.subscription.created (it still says "active"); it must not roll past_due back.
        await stripe.ReplayAsync((string)stripe.Events.Single(e => (string)e["type"]! == "customer.subscription.created")["id"]!);
        var late = stripe.Events.Single(e => (string)e["type"]! == "customer.subscription.created");
        late["id"] = "evt_late_copy";   // a second event carrying the old state, seen for the first time
        var response = await FakeStripe.PostSignedAsync(WebhookUrl, late.ToJsonString(), StripeCheckoutKit.ForwardingSecret, clock.GetUtcNow());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("past_due", (await Services.SubscriptionAsync(subscriptionId)).Status);
        Assert.Single(await Services.PaymentsAsync(), p => p.Failed);
    }
}
