using EasySpace.Core.Payments;
using EasySpace.Core.Payments.Checkout;
using EasySpace.Core.Space.Bookings;
using EasySpace.Core.Space.Members;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Tests.Core.Payments;

/// <summary>
/// A member pays with PayPal and comes back: the return page asks PayPal (captures the approved order) and records what
/// the capture says. Here no webhook reaches the box (local mode), so the return page is the only messenger.
/// </summary>
public sealed class PayPalCheckoutTests : IAsyncLifetime
{
    private FakePayPal paypal = null!;
    private CoreHost core = null!;
    private IServiceProvider Services => core.Services;
    private CheckoutService Checkout => core.Get<CheckoutService>();

    public async Task InitializeAsync()
    {
        paypal = await FakePayPal.StartAsync();
        core = await CoreHost.StartAsync(new Dictionary<string, string?> { ["Payments:PayPal:ApiBase"] = paypal.Url });
        paypal.Clock = core.Clock;
        await PublicUrlsTests.SetUpAsync(core, "https://space.example.com");
        await Services.ConnectPayPalAsync(paypal, webhookId: null);
    }

    public async Task DisposeAsync()
    {
        await core.DisposeAsync();
        await paypal.DisposeAsync();
    }

    [Fact]
    public async Task The_order_carries_our_attempt_id_and_the_amount_and_its_approve_page_is_on_PayPal()
    {
        var (member, _) = await Services.MemberAsync();
        var invoice = await Services.InvoiceForAsync(member);

        var start = await Services.PayWithPayPalAsync(member, new CheckoutRequest(PaymentPurpose.Invoice, invoice.Id));

        var attempt = await Services.AttemptAsync(start.AttemptId);
        var order = Assert.Single(paypal.Requests, r => r.Method == "POST" && r.Path == "/v2/checkout/orders");
        Assert.Equal(start.AttemptId, order.RequestId);
        Assert.Equal($"{paypal.Url}/checkoutnow?token={attempt.ProviderSessionId}", start.RedirectUrl);
        var page = await new HttpClient().GetStringAsync(start.RedirectUrl);
        Assert.Contains("data-testid=\"fake-pay\"", page);
        Assert.Contains("240.00 EUR", page);
    }

    [Fact]
    public async Task A_member_who_paid_and_came_back_without_any_webhook_has_the_invoice_paid_by_the_return_page()
    {
        var (member, _) = await Services.MemberAsync();
        var invoice = await Services.InvoiceForAsync(member);
        var start = await Services.PayWithPayPalAsync(member, new CheckoutRequest(PaymentPurpose.Invoice, invoice.Id));
        await paypal.PayAsync((await Services.AttemptAsync(start.AttemptId)).ProviderSessionId!);

        var shown = (await Checkout.ReturnAsync(member.UserId, start.AttemptId)).Ok();
        var again = (await Checkout.ReturnAsync(member.UserId, start.AttemptId)).Ok();   // a reload asks nothing twice

        Assert.Equal((AttemptStatus.Succeeded, AttemptStatus.Succeeded), (shown.Status, again.Status));
        Assert.True((await Services.InvoiceAsync(invoice.Id)).IsPaid);
        var payment = Assert.Single(await Services.PayPalPaymentsAsync());
        var capture = paypal.Events.Single(e => (string)e["event_type"]! == "PAYMENT.CAPTURE.COMPLETED")["resource"]!;
        Assert.Equal(((string)capture["id"]!, 240m, "EUR", true), (payment.ProviderReference, payment.Amount, payment.Currency, payment.IsTest));
        Assert.Equal($"{start.AttemptId}-capture", Assert.Single(paypal.Requests, r => r.Path.EndsWith("/capture")).RequestId);
        Assert.Equal(new[] { "created_invoice", "created_payment", "updated_invoice" }, (await Services.RaisedAsync()).SkipWhile(e => e != "created_invoice"));
    }

    [Fact]
    public async Task A_declined_capture_inside_a_completed_order_is_a_failed_payment_and_the_invoice_stays_open()
    {
        var (member, _) = await Services.MemberAsync();
        var invoice = await Services.InvoiceForAsync(member);
        var start = await Services.PayWithPayPalAsync(member, new CheckoutRequest(PaymentPurpose.Invoice, invoice.Id));
        paypal.DeclineCaptures = true;
        await paypal.PayAsync((await Services.AttemptAsync(start.AttemptId)).ProviderSessionId!);

        var shown = (await Checkout.ReturnAsync(member.UserId, start.AttemptId)).Ok();

        Assert.Equal(AttemptStatus.Failed, shown.Status);
        Assert.Contains("PayPal declined the payment", shown.FailureReason);
        Assert.False((await Services.InvoiceAsync(invoice.Id)).IsPaid);
        Assert.True(Assert.Single(await Services.PayPalPaymentsAsync()).Failed);
        Assert.Equal(1, await Services.RaisedAsync("failed_payment"));
        Assert.Equal(0, await Services.RaisedAsync("created_payment"));
    }

    [Fact]
    public async Task Coming_back_before_approving_leaves_the_checkout_open_and_captures_nothing()
    {
        var (member, _) = await Services.MemberAsync();
        var invoice = await Services.InvoiceForAsync(member);
        var start = await Services.PayWithPayPalAsync(member, new CheckoutRequest(PaymentPurpose.Invoice, invoice.Id));

        var shown = (await Checkout.ReturnAsync(member.UserId, start.AttemptId)).Ok();

        Assert.Equal(AttemptStatus.Open, shown.Status);
        Assert.DoesNotContain(paypal.Requests, r => r.Path.EndsWith("/capture"));
        Assert.Empty(await Services.PayPalPaymentsAsync());
    }

    [Fact]
    public async Task A_priced_booking_is_invoiced_and_paid_through_PayPal()
    {
        var (member, _) = await Services.MemberAsync();
        var room = await Services.AddResourceAsync(hourlyPrice: 25m, taxRate: 0m);
        var booked = await core.Get<BookingService>().BookAsync(new BookingDraft
        {
            ResourceId = room.Id, From = core.Clock.GetUtcNow().AddDays(1), To = core.Clock.GetUtcNow().AddDays(1).AddHours(2), Title = "Pitch", MembershipId = member.Id,
        }, "owner@example.com");
        var start = await Services.PayWithPayPalAsync(member, new CheckoutRequest(PaymentPurpose.Booking, booked.Ok().Id));
        await paypal.PayAsync((await Services.AttemptAsync(start.AttemptId)).ProviderSessionId!);

        var shown = (await Checkout.ReturnAsync(member.UserId, start.AttemptId)).Ok();

        Assert.Equal((AttemptStatus.Succeeded, 50m), (shown.Status, shown.Amount));
        Assert.True((await Services.InvoiceAsync(shown.InvoiceId!.Value)).IsPaid);
    }

    [Fact]
    public async Task A_day_pass_paid_through_PayPal_is_sold_for_its_day()
    {
        var (member, _) = await Services.MemberAsync();
        await Services.SellDayPassesAsync(15m);
        var day = DateOnly.FromDateTime(core.Clock.GetUtcNow().UtcDateTime).AddDays(3);
        var start = await Services.PayWithPayPalAsync(member, new CheckoutRequest(PaymentPurpose.DropInPass, 0, day));
        await paypal.PayAsync((await Services.AttemptAsync(start.AttemptId)).ProviderSessionId!);

        (await Checkout.ReturnAsync(member.UserId, start.AttemptId)).Ok();

        var attempt = await Services.AttemptAsync(start.AttemptId);
        Assert.Equal(AttemptStatus.Succeeded, attempt.Status);
        Assert.NotNull(attempt.DropInPassId);
        Assert.Equal(15m, Assert.Single(await Services.PayPalPaymentsAsync()).Amount);
    }

    [Fact]
    public async Task A_plan_becomes_a_PayPal_plan_reused_at_the_same_price_and_made_anew_when_the_price_changed()
    {
        var (member, plan) = await Services.MemberAsync(price: 99m);
        var other = (await Services.AddMemberAsync(plan.Id)).Membership;

        var first = await Services.PayWithPayPalAsync(member, new CheckoutRequest(PaymentPurpose.Plan, plan.Id));
        var second = await Services.PayWithPayPalAsync(other, new CheckoutRequest(PaymentPurpose.Plan, plan.Id));
        Assert.Single(paypal.Requests, r => r.Method == "POST" && r.Path == "/v1/billing/plans");

        await core.Get<PlanService>().UpdateAsync(plan.Id, new PlanDraft { Name = plan.Name, Price = 109m, Interval = PlanInterval.Month, IsActive = true }, "owner@example.com");
        var third = (await Services.AddMemberAsync(plan.Id)).Membership;
        await Services.PayWithPayPalAsync(third, new CheckoutRequest(PaymentPurpose.Plan, plan.Id));

        Assert.Equal(2, paypal.Requests.Count(r => r.Method == "POST" && r.Path == "/v1/billing/plans"));
        Assert.StartsWith($"{paypal.Url}/webapps/billing/subscriptions?ba_token=", first.RedirectUrl);
        Assert.NotEqual(first.AttemptId, second.AttemptId);
    }

    [Fact]
    public async Task A_plan_approved_at_PayPal_is_active_on_return_and_its_first_payment_is_invoiced_without_any_webhook()
    {
        var (member, plan) = await Services.MemberAsync(price: 99m);
        var start = await Services.PayWithPayPalAsync(member, new CheckoutRequest(PaymentPurpose.Plan, plan.Id));
        await paypal.PayAsync((await Services.AttemptAsync(start.AttemptId)).ProviderSessionId!);

        var shown = (await Checkout.ReturnAsync(member.UserId, start.AttemptId)).Ok();

        Assert.Equal(AttemptStatus.Succeeded, shown.Status);
        Assert.Equal("active", Assert.Single(await Services.SubscriptionsAsync()).Status);
        var payment = Assert.Single(await Services.PayPalPaymentsAsync());
        Assert.Equal(((string)paypal.Events.Single(e => (string)e["event_type"]! == "PAYMENT.SALE.COMPLETED")["resource"]!["id"]!, 99m),
            (payment.ProviderReference, payment.Amount));
        Assert.True((await Services.InvoiceAsync(payment.InvoiceId)).IsPaid);
    }

    [Fact]
    public async Task A_stored_secret_that_can_no_longer_be_decrypted_is_a_sentence_not_a_crash()
    {
        var (member, _) = await Services.MemberAsync();
        var invoice = await Services.InvoiceForAsync(member);
        core.Scalar("UPDATE ProviderConnections SET ProtectedSecretKey = 'CfDJ8-restored-without-its-keys'");

        var started = await Checkout.StartAsync(member.UserId, new CheckoutRequest(PaymentPurpose.Invoice, invoice.Id), PaymentProvider.PayPal);

        Assert.Contains("PayPal is not connected", started.Errors.ToString());
        Assert.Empty(paypal.Requests);
    }

    [Fact]
    public async Task Credentials_PayPal_refuses_end_the_checkout_with_a_sentence_not_an_exception()
    {
        var (member, _) = await Services.MemberAsync();
        var invoice = await Services.InvoiceForAsync(member);
        paypal.RefuseEveryToken = true;

        var started = await Checkout.StartAsync(member.UserId, new CheckoutRequest(PaymentPurpose.Invoice, invoice.Id), PaymentProvider.PayPal);

        Assert.False(started.Succeeded);
        Assert.Contains("PayPal", started.Errors.ToString());
    }
}
