using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using EasySpace.Core.Data;
using EasySpace.Core.Payments;
using EasySpace.Core.Payments.Checkout;
using EasySpace.Core.Payments.Inbox;
using EasySpace.Core.Payments.PayPal;
using EasySpace.Core.Space.Members;
using EasySpace.Tests.Core.Payments;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Tests.Web.Payments;

/// <summary>
/// The app on loopback with a PayPal connection whose webhook is registered at the fake PayPal: the fake completes
/// checkouts and sends signed events to /payments/paypal/webhook, which asks the fake to verify them.
/// </summary>
public sealed class PayPalWebhookTests : IAsyncLifetime
{
    private readonly AppHost app = new();
    private FakePayPal paypal = null!;
    private Receiver receiver = null!;
    private string webhookId = "";
    private IServiceProvider Services => app.Services;
    private string WebhookUrl => app.BaseAddress + "payments/paypal/webhook";

    public async Task InitializeAsync()
    {
        paypal = await FakePayPal.StartAsync();
        paypal.Clock = app.UseFakeClock();
        app.With("Payments:PayPal:ApiBase", paypal.Url);
        receiver = await Receiver.StartAsync();
        await app.SetUpSpaceAsync();
        webhookId = paypal.RegisterWebhook(WebhookUrl, PayPalEvents.Handled);   // the event types the wizard is to register
        await Services.ConnectPayPalAsync(paypal, webhookId);
    }

    public async Task DisposeAsync()
    {
        app.Dispose();
        await receiver.DisposeAsync();
        await paypal.DisposeAsync();
    }

    private async Task<(Membership Member, CheckoutStart Start, string OrderId, long InvoiceId)> InvoiceCheckoutAsync()
    {
        var (member, _) = await Services.MemberAsync();
        var invoice = await Services.InvoiceForAsync(member);
        var start = await Services.PayWithPayPalAsync(member, new CheckoutRequest(PaymentPurpose.Invoice, invoice.Id));
        return (member, start, (await Services.AttemptAsync(start.AttemptId)).ProviderSessionId!, invoice.Id);
    }

    private async Task<(Membership Member, string SubscriptionId, string AttemptId)> SubscribeAsync()
    {
        var (member, plan) = await Services.MemberAsync(price: 99m);
        var start = await Services.PayWithPayPalAsync(member, new CheckoutRequest(PaymentPurpose.Plan, plan.Id));
        return (member, (await Services.AttemptAsync(start.AttemptId)).ProviderSessionId!, start.AttemptId);
    }

    /// <summary>Posts an event the fake raised (delivered or not) again, signed as PayPal would sign it.</summary>
    private async Task<HttpResponseMessage> DeliverAsync(JsonObject e)
    {
        using var request = paypal.SignedRequest(WebhookUrl, webhookId, e.ToJsonString());
        return await app.NewClient().SendAsync(request);
    }

    private JsonObject Event(string type) => paypal.Events.Last(e => (string)e["event_type"]! == type);

    private async Task<List<ProviderEvent>> InboxAsync()
    {
        await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.ProviderEvents.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
    }

    private async Task<List<string>> RefusalsAsync()
    {
        await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.ActivityLog.AsNoTracking().Where(a => a.Action == "payments.paypal_webhook_refused").OrderBy(a => a.Id).Select(a => a.Details!).ToListAsync();
    }

    [Fact]
    public async Task A_member_pays_an_invoice_the_signed_webhook_records_it_and_our_receiver_gets_created_payment_and_updated_invoice()
    {
        await app.CreateEndpointAsync(receiver.Url, ["created_payment", "updated_invoice"]);
        var (_, start, orderId, invoiceId) = await InvoiceCheckoutAsync();

        await paypal.PayAsync(orderId);   // the member approves on PayPal and closes the tab: only the webhook tells us

        Assert.Equal(AttemptStatus.Succeeded, (await Services.AttemptAsync(start.AttemptId)).Status);
        Assert.True((await Services.InvoiceAsync(invoiceId)).IsPaid);
        Assert.Equal(((string)Event("PAYMENT.CAPTURE.COMPLETED")["resource"]!["id"]!, true), (Assert.Single(await Services.PayPalPaymentsAsync()).ProviderReference, true));
        Assert.All(paypal.Deliveries, d => Assert.Equal(200, d.Status));
        Assert.Equal(["CHECKOUT.ORDER.APPROVED", "PAYMENT.CAPTURE.COMPLETED"], (await InboxAsync()).Select(e => e.Type).Order());
        Assert.All(await InboxAsync(), e => Assert.True(e.IsProcessed && e.Source == EventSource.Webhook, e.Outcome));
        await app.PumpAsync();
        Assert.Equal(["created_payment", "updated_invoice"], receiver.Received.Select(r => r.Header("X-EasySpace-Event")).Order());
    }

    [Fact]
    public async Task The_fake_PayPal_page_pay_button_returns_the_browser_to_our_return_page_and_cancel_to_the_cancel_page()
    {
        var (_, paid, orderId, _) = await InvoiceCheckoutAsync();
        var (_, canceled, otherOrder, _) = await InvoiceCheckoutAsync();
        var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });

        var pay = await browser.PostAsync($"{paypal.Url}/checkout/{orderId}/pay", null);
        var cancel = await browser.PostAsync($"{paypal.Url}/checkout/{otherOrder}/cancel", null);

        Assert.StartsWith($"{app.BaseAddress}me/pay/{paid.AttemptId}/done?token={orderId}", pay.Headers.Location!.ToString());
        Assert.StartsWith($"{app.BaseAddress}me/pay/{canceled.AttemptId}/canceled", cancel.Headers.Location!.ToString());
        Assert.Equal(AttemptStatus.Succeeded, (await Services.AttemptAsync(paid.AttemptId)).Status);
        Assert.Equal(AttemptStatus.Open, (await Services.AttemptAsync(canceled.AttemptId)).Status);
    }

    [Fact]
    public async Task A_replayed_event_changes_nothing()
    {
        paypal.Delivery = FakeDelivery.Twice;
        var (_, _, orderId, _) = await InvoiceCheckoutAsync();
        await paypal.PayAsync(orderId);

        var replay = await DeliverAsync(Event("PAYMENT.CAPTURE.COMPLETED"));   // a day later, with a fresh signature

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(4, paypal.Deliveries.Count(d => d.Status == 200));
        Assert.Single(await Services.PayPalPaymentsAsync());
        Assert.Equal(1, await Services.RaisedAsync("created_payment"));
        Assert.Equal(1, await Services.RaisedAsync("updated_invoice"));
        Assert.Equal(2, (await InboxAsync()).Count);
    }

    [Fact]
    public async Task A_changed_body_a_garbage_signature_and_missing_headers_are_refused_with_400_and_nothing_is_recorded()
    {
        paypal.Delivery = FakeDelivery.None;
        var (_, start, orderId, invoiceId) = await InvoiceCheckoutAsync();
        await paypal.PayAsync(orderId);
        var genuine = Event("CHECKOUT.ORDER.APPROVED").ToJsonString();

        using var tampered = paypal.SignedRequest(WebhookUrl, webhookId, genuine);
        tampered.Content = new StringContent(genuine.Replace("240.00", "1.00"), Encoding.UTF8, "application/json");
        using var garbage = paypal.SignedRequest(WebhookUrl, webhookId, genuine);
        garbage.Headers.Remove("PAYPAL-TRANSMISSION-SIG");
        garbage.Headers.Add("PAYPAL-TRANSMISSION-SIG", "bm90IGEgc2lnbmF0dXJl");
        var client = app.NewClient();
        var answers = new[]
        {
            await client.SendAsync(tampered),
            await client.SendAsync(garbage),
            await client.PostAsync("/payments/paypal/webhook", new StringContent(genuine, Encoding.UTF8, "application/json")),
        };

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.BadRequest, a.StatusCode));
        Assert.Empty(await InboxAsync());
        Assert.Empty(await Services.PayPalPaymentsAsync());
        Assert.Equal(AttemptStatus.Open, (await Services.AttemptAsync(start.AttemptId)).Status);
        Assert.False((await Services.InvoiceAsync(invoiceId)).IsPaid);
        var refusals = await RefusalsAsync();
        Assert.Equal(3, refusals.Count);
        Assert.Contains("did not confirm the signature", refusals[0]);
        Assert.Contains("signature headers are missing", refusals[2]);
        Assert.All(refusals, r => Assert.DoesNotContain(orderId, r.Replace(Event("CHECKOUT.ORDER.APPROVED")["id"]!.ToString(), "")));
        Assert.All(refusals, r => Assert.DoesNotContain(paypal.Secret, r));
    }

    [Fact]
    public async Task A_connection_in_local_mode_has_no_webhook_to_verify_against_and_refuses_every_event()
    {
        var (_, _, orderId, _) = await InvoiceCheckoutAsync();
        paypal.Delivery = FakeDelivery.None;
        await paypal.PayAsync(orderId);
        await using (var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
            await db.ProviderConnections.ExecuteUpdateAsync(c => c.SetProperty(x => x.RemoteWebhookId, (string?)null).SetProperty(x => x.Delivery, EventDelivery.Local));

        var answer = await DeliverAsync(Event("CHECKOUT.ORDER.APPROVED"));

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("local mode", Assert.Single(await RefusalsAsync()));
        Assert.Empty(await InboxAsync());
    }

    [Fact]
    public async Task A_body_over_512_KB_sent_without_a_length_is_refused_with_413_and_nothing_is_stored()
    {
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('x', 600 * 1024) + "\"}")));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/payments/paypal/webhook") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var answer = await app.NewClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, answer.StatusCode);
        Assert.Empty(await InboxAsync());
    }

    [Fact]
    public async Task An_event_type_we_do_not_use_is_acknowledged_and_stored()
    {
        var body = new JsonObject { ["id"] = "WH-DISPUTE-1", ["event_type"] = "CUSTOMER.DISPUTE.CREATED", ["resource"] = new JsonObject { ["dispute_id"] = "PP-D-1" } };

        var answer = await DeliverAsync(body);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.StartsWith("acknowledged, not used", Assert.Single(await InboxAsync()).Outcome);
    }

    [Fact]
    public async Task A_plan_subscription_is_created_a_renewal_paid_on_a_new_invoice_and_a_failed_renewal_makes_it_past_due()
    {
        var (member, subscriptionId, attemptId) = await SubscribeAsync();

        await paypal.PayAsync(subscriptionId);
        var subscription = Assert.Single(await Services.SubscriptionsAsync());
        Assert.Equal(("paypal", subscriptionId, "active", 99m, "month"), (subscription.Provider, subscription.ProviderReference, subscription.Status, subscription.Amount, subscription.Interval));
        Assert.Equal(AttemptStatus.Succeeded, (await Services.AttemptAsync(attemptId)).Status);
        Assert.Equal(PaymentMethod.PayPal, (await Services.MembershipAsync(member.Id)).PaymentMethod);

        var renewal = await paypal.RenewAsync(subscriptionId);
        var payments = await Services.PayPalPaymentsAsync();
        Assert.Equal(2, payments.Count);
        Assert.Equal(renewal, payments[1].ProviderReference);
        Assert.NotEqual(payments[0].InvoiceId, payments[1].InvoiceId);
        Assert.True((await Services.InvoiceAsync(payments[1].InvoiceId)).IsPaid);

        await paypal.FailRenewalAsync(subscriptionId);
        Assert.Equal("past_due", Assert.Single(await Services.SubscriptionsAsync()).Status);
        var failed = (await Services.PayPalPaymentsAsync()).Single(p => p.Failed);
        Assert.False((await Services.InvoiceAsync(failed.InvoiceId)).IsPaid);
        Assert.Equal(1, await Services.RaisedAsync("failed_payment"));
        Assert.Equal(2, await Services.RaisedAsync("created_payment"));
        Assert.All(await InboxAsync(), e => Assert.True(e.IsProcessed, e.LastError));
    }

    [Fact]
    public async Task Canceling_from_EasySpace_cancels_at_PayPal_and_PayPals_own_event_changes_nothing_more()
    {
        var (member, subscriptionId, _) = await SubscribeAsync();
        await paypal.PayAsync(subscriptionId);
        var subscription = Assert.Single(await Services.SubscriptionsAsync());

        var canceled = await app.Get<CheckoutService>().CancelSubscriptionAsync(subscription.Id, member.UserId, member.Email);

        Assert.Equal("canceled", canceled.Ok().Status);
        var atPayPal = await app.Get<PayPalClient>().GetSubscriptionAsync(paypal.Account, subscriptionId, default);
        Assert.Equal("CANCELLED", atPayPal.Value!.Status);
        Assert.Contains(paypal.Deliveries, d => d.EventType == "BILLING.SUBSCRIPTION.CANCELLED" && d.Status == 200);
        Assert.Equal(2, await Services.RaisedAsync("updated_payment_subscription"));   // active, then canceled: once
    }

    [Fact]
    public async Task A_refund_at_PayPal_is_recorded_against_its_capture_and_the_invoice_is_open_again()
    {
        var (_, _, orderId, invoiceId) = await InvoiceCheckoutAsync();
        await paypal.PayAsync(orderId);
        var captureId = Assert.Single(await Services.PayPalPaymentsAsync()).ProviderReference!;

        var refundId = await paypal.RefundAsync(captureId, 40m);

        var payment = Assert.Single(await Services.PayPalPaymentsAsync());
        Assert.Equal(40m, payment.RefundedAmount);
        Assert.Equal(1, await Services.RaisedAsync("refunded_payment"));
        Assert.False((await Services.InvoiceAsync(invoiceId)).IsPaid);
        Assert.Contains(refundId, Assert.Single(await InboxAsync(), e => e.Type == "PAYMENT.CAPTURE.REFUNDED").Outcome);
    }

    [Fact]
    public async Task A_refund_of_a_subscription_payment_is_recorded_against_its_sale()
    {
        var (_, subscriptionId, _) = await SubscribeAsync();
        await paypal.PayAsync(subscriptionId);
        var sale = Assert.Single(await Services.PayPalPaymentsAsync()).ProviderReference!;

        await paypal.RefundAsync(sale);

        Assert.Equal(99m, Assert.Single(await Services.PayPalPaymentsAsync()).RefundedAmount);
        Assert.Equal(1, await Services.RaisedAsync("refunded_payment"));
    }

    [Fact]
    public async Task Subscription_events_out_of_order_end_in_PayPals_latest_state()
    {
        paypal.Delivery = FakeDelivery.None;
        var (_, subscriptionId, _) = await SubscribeAsync();
        await paypal.PayAsync(subscriptionId);
        await app.Get<PayPalClient>().CancelSubscriptionAsync(paypal.Account, subscriptionId, "member canceled at PayPal", "test-cancel", default);

        // Cancelled first, then the first payment, then the activation.
        foreach (var type in new[] { "BILLING.SUBSCRIPTION.CANCELLED", "PAYMENT.SALE.COMPLETED", "BILLING.SUBSCRIPTION.ACTIVATED" })
            Assert.Equal(HttpStatusCode.OK, (await DeliverAsync(Event(type))).StatusCode);

        Assert.Equal("canceled", Assert.Single(await Services.SubscriptionsAsync()).Status);
        Assert.Single(await Services.PayPalPaymentsAsync());
        Assert.All(await InboxAsync(), e => Assert.True(e.IsProcessed, e.LastError));
    }

    [Fact]
    public async Task A_refund_that_arrives_before_its_payment_is_kept_and_recorded_by_the_next_reconciliation_run()
    {
        paypal.Delivery = FakeDelivery.None;
        var (_, _, orderId, invoiceId) = await InvoiceCheckoutAsync();
        await paypal.PayAsync(orderId);
        // Captured at PayPal by someone else (the dashboard, a second tab): nothing of ours has recorded it yet.
        var captured = await app.Get<PayPalClient>().CaptureOrderAsync(paypal.Account, orderId, "elsewhere", default);
        await paypal.RefundAsync(captured.Value!.Capture!.Id);

        var refundFirst = await DeliverAsync(Event("PAYMENT.CAPTURE.REFUNDED"));
        var paymentSecond = await DeliverAsync(Event("PAYMENT.CAPTURE.COMPLETED"));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (refundFirst.StatusCode, paymentSecond.StatusCode));
        var waiting = Assert.Single(await InboxAsync(), e => e.Type == "PAYMENT.CAPTURE.REFUNDED");
        Assert.False(waiting.IsProcessed);
        Assert.Equal(1, waiting.Tries);
        await Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance<PaymentReconciliationJob>(Services).RunAsync();
        Assert.Equal(240m, Assert.Single(await Services.PayPalPaymentsAsync()).RefundedAmount);
        Assert.False((await Services.InvoiceAsync(invoiceId)).IsPaid);
        Assert.All(await InboxAsync(), e => Assert.True(e.IsProcessed, e.LastError));
    }
}
