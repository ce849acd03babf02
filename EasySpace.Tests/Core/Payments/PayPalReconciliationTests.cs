using EasySpace.Core.Data;
using EasySpace.Core.Payments.Checkout;
using EasySpace.Core.Payments.Inbox;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Tests.Core.Payments;

/// <summary>
/// A box PayPal's webhooks never reached (downtime, or local mode): the reconciliation job asks PayPal about open
/// checkouts and, when PayPal has our webhook, takes the events PayPal lists into the inbox.
/// </summary>
public sealed class PayPalReconciliationTests : IAsyncLifetime
{
    private FakePayPal paypal = null!;
    private CoreHost core = null!;
    private IServiceProvider Services => core.Services;

    public async Task InitializeAsync()
    {
        paypal = await FakePayPal.StartAsync();
        paypal.Delivery = FakeDelivery.None;   // the box was down: PayPal's deliveries never arrived
        core = await CoreHost.StartAsync(new Dictionary<string, string?> { ["Payments:PayPal:ApiBase"] = paypal.Url });
        paypal.Clock = core.Clock;
        await PublicUrlsTests.SetUpAsync(core, "https://space.example.com");
    }

    public async Task DisposeAsync()
    {
        await core.DisposeAsync();
        await paypal.DisposeAsync();
    }

    private Task<int> RunJobAsync() => ActivatorUtilities.CreateInstance<PaymentReconciliationJob>(Services).RunAsync();

    private async Task<List<ProviderEvent>> InboxAsync()
    {
        await using var db = await core.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.ProviderEvents.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
    }

    [Fact]
    public async Task A_payment_whose_webhooks_were_missed_and_whose_member_closed_the_tab_is_recorded_by_the_job()
    {
        await Services.ConnectPayPalAsync(paypal, paypal.RegisterWebhook("https://space.example.com/payments/paypal/webhook"));
        var (member, _) = await Services.MemberAsync();
        var invoice = await Services.InvoiceForAsync(member);
        var start = await Services.PayWithPayPalAsync(member, new CheckoutRequest(PaymentPurpose.Invoice, invoice.Id));
        await paypal.PayAsync((await Services.AttemptAsync(start.AttemptId)).ProviderSessionId!);
        core.Clock.Advance(TimeSpan.FromMinutes(10));

        await RunJobAsync();
        await RunJobAsync();   // the next run finds nothing new

        Assert.Equal(AttemptStatus.Succeeded, (await Services.AttemptAsync(start.AttemptId)).Status);
        Assert.True((await Services.InvoiceAsync(invoice.Id)).IsPaid);
        Assert.Single(await Services.PayPalPaymentsAsync());
        Assert.Equal(1, await Services.RaisedAsync("created_payment"));
        var inbox = await InboxAsync();
        Assert.Equal(["CHECKOUT.ORDER.APPROVED", "PAYMENT.CAPTURE.COMPLETED"], inbox.Select(e => e.Type).Order());
        Assert.All(inbox, e => Assert.True(e.IsProcessed && e.Source == EventSource.Reconciliation, e.LastError));
    }

    [Fact]
    public async Task Renewals_missed_while_the_box_was_down_are_invoiced_and_paid_by_the_job()
    {
        await Services.ConnectPayPalAsync(paypal, paypal.RegisterWebhook("https://space.example.com/payments/paypal/webhook"));
        var (member, plan) = await Services.MemberAsync(price: 99m);
        var start = await Services.PayWithPayPalAsync(member, new CheckoutRequest(PaymentPurpose.Plan, plan.Id));
        var subscriptionId = (await Services.AttemptAsync(start.AttemptId)).ProviderSessionId!;
        await paypal.PayAsync(subscriptionId);
        core.Clock.Advance(TimeSpan.FromDays(1));
        var renewal = await paypal.RenewAsync(subscriptionId);

        await RunJobAsync();

        Assert.Equal("active", Assert.Single(await Services.SubscriptionsAsync()).Status);
        var payments = await Services.PayPalPaymentsAsync();
        Assert.Equal(2, payments.Count);
        Assert.Equal(renewal, payments[1].ProviderReference);
        Assert.Equal(2, payments.Select(p => p.InvoiceId).Distinct().Count());
        Assert.All(await InboxAsync(), e => Assert.True(e.IsProcessed, e.LastError));
    }

    [Fact]
    public async Task In_local_mode_the_job_asks_about_open_checkouts_and_lists_no_events()
    {
        await Services.ConnectPayPalAsync(paypal, webhookId: null);
        var (member, _) = await Services.MemberAsync();
        var invoice = await Services.InvoiceForAsync(member);
        var start = await Services.PayWithPayPalAsync(member, new CheckoutRequest(PaymentPurpose.Invoice, invoice.Id));
        await paypal.PayAsync((await Services.AttemptAsync(start.AttemptId)).ProviderSessionId!);

        await RunJobAsync();

        Assert.True((await Services.InvoiceAsync(invoice.Id)).IsPaid);
        Assert.DoesNotContain(paypal.Requests, r => r.Path == "/v1/notifications/webhooks-events");
        Assert.Empty(await InboxAsync());
    }

    [Fact]
    public async Task In_local_mode_each_subscription_is_asked_for_its_payments_so_renewals_are_still_invoiced_and_paid()
    {
        await Services.ConnectPayPalAsync(paypal, webhookId: null);
        var (member, plan) = await Services.MemberAsync(price: 99m);
        var start = await Services.PayWithPayPalAsync(member, new CheckoutRequest(PaymentPurpose.Plan, plan.Id));
        var subscriptionId = (await Services.AttemptAsync(start.AttemptId)).ProviderSessionId!;
        await paypal.PayAsync(subscriptionId);
        await RunJobAsync();   // the member never came back: the job finds the subscription active and its first payment
        core.Clock.Advance(TimeSpan.FromDays(30));
        var renewal = await paypal.RenewAsync(subscriptionId);

        await RunJobAsync();
        await RunJobAsync();

        var payments = await Services.PayPalPaymentsAsync();
        Assert.Equal(2, payments.Count);
        Assert.Equal(renewal, payments[1].ProviderReference);
        Assert.Equal(2, await Services.RaisedAsync("created_payment"));
        Assert.Equal(AttemptStatus.Succeeded, (await Services.AttemptAsync(start.AttemptId)).Status);
    }

    [Fact]
    public async Task Events_older_than_the_three_days_the_job_looks_back_are_not_asked_for()
    {
        await Services.ConnectPayPalAsync(paypal, paypal.RegisterWebhook("https://space.example.com/payments/paypal/webhook"));
        var (member, plan) = await Services.MemberAsync(price: 99m);
        var start = await Services.PayWithPayPalAsync(member, new CheckoutRequest(PaymentPurpose.Plan, plan.Id));
        await paypal.PayAsync((await Services.AttemptAsync(start.AttemptId)).ProviderSessionId!);
        core.Clock.Advance(TimeSpan.FromDays(4));

        await RunJobAsync();

        Assert.Empty(await InboxAsync());
        Assert.Empty(await Services.PayPalPaymentsAsync());
    }
}
