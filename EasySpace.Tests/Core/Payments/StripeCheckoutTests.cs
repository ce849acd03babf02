using EasySpace.Core.Payments;
using EasySpace.Core.Payments.Checkout;
using EasySpace.Core.Space;
using EasySpace.Core.Space.Bookings;
using EasySpace.Core.Space.Members;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Core.Payments;

/// <summary>
/// A member's Stripe checkout against the fake Stripe, with the real Stripe.net client: what the session carries, and
/// what the return page records when no webhook came (the fake delivers none here; the space's address is not this machine).
/// </summary>
public sealed class StripeCheckoutTests : StripeCoreTest
{
    private CheckoutService Checkout => core.Get<CheckoutService>();

    [Fact]
    public async Task The_checkout_is_a_Stripe_session_with_our_attempt_id_the_amount_in_cents_and_our_return_addresses()
    {
        var member = await Services.AddPayingMemberAsync();
        var invoice = await Services.OpenInvoiceAsync(member);

        var start = await Services.StartStripeCheckoutAsync(member, new CheckoutRequest(PaymentPurpose.Invoice, invoice.Id));

        Assert.StartsWith(stripe.ApiBase + "/checkout/cs_test_", start.RedirectUrl);
        var create = Assert.Single(stripe.Calls, c => c is { Method: "POST", Path: "/v1/checkout/sessions" });
        string Field(string key) => create.Form[key][0];
        Assert.Equal("payment", Field("mode"));
        Assert.Equal(start.AttemptId, Field("client_reference_id"));
        Assert.Equal(start.AttemptId, Field("metadata[attempt_id]"));
        Assert.Equal(start.AttemptId, Field("payment_intent_data[metadata][attempt_id]"));
        Assert.Equal(start.AttemptId, create.IdempotencyKey);
        Assert.Equal("24000", Field("line_items[0][price_data][unit_amount]"));   // 240.00 EUR in cents
        Assert.Equal("eur", Field("line_items[0][price_data][currency]"));
        Assert.Equal($"https://space.example.com/me/pay/{start.AttemptId}/done?session_id={{CHECKOUT_SESSION_ID}}", Field("success_url"));
        Assert.Equal($"https://space.example.com/me/pay/{start.AttemptId}/canceled", Field("cancel_url"));
        Assert.Equal((await Services.MembershipAsync(member.MembershipId)).Email, Field("customer_email"));
        Assert.Equal(start.SessionId(), (await Services.AttemptAsync(start.AttemptId)).ProviderSessionId);
    }

    [Theory]
    [InlineData(240.00, "EUR", 24000)]
    [InlineData(1200, "JPY", 1200)]       // zero-decimal: yen are not divided into cents
    [InlineData(5000, "KRW", 5000)]
    [InlineData(12.345, "KWD", 12345)]    // three-decimal
    [InlineData(0.1, "USD", 10)]
    public void Amounts_go_to_Stripe_in_the_currency_s_smallest_unit_and_come_back_the_same(decimal amount, string currency, long minor)
    {
        Assert.Equal(minor, StripeAmounts.ToMinor(amount, currency));
        Assert.Equal(amount, StripeAmounts.FromMinor(minor, currency));
    }

    [Fact]
    public async Task A_member_who_paid_and_came_back_before_any_webhook_has_the_payment_recorded_by_the_return_page()
    {
        var (member, start, invoiceId) = await Services.StartInvoiceCheckoutAsync();

        var session = await stripe.CompleteCheckoutAsync(start.SessionId());
        var view = (await Checkout.ReturnAsync(member.UserId, start.AttemptId)).Ok();
        await Checkout.ReturnAsync(member.UserId, start.AttemptId);   // the member reloads the page

        Assert.Equal(AttemptStatus.Succeeded, view.Status);
        Assert.True((await Services.InvoiceAsync(invoiceId)).IsPaid);
        var payment = Assert.Single(await Services.PaymentsAsync());
        Assert.Equal(("stripe", (string)session["payment_intent"]!, 240.00m, "EUR", true), (payment.Provider, payment.ProviderReference, payment.Amount, payment.Currency, payment.IsTest));
        Assert.Equal(1, await Services.RaisedAsync("created_payment"));
        Assert.Equal(1, await Services.RaisedAsync("updated_invoice"));
    }

    [Fact]
    public async Task A_checkout_that_expired_at_Stripe_shows_as_failed_and_records_no_money()
    {
        var (member, start, invoiceId) = await Services.StartInvoiceCheckoutAsync();

        await stripe.ExpireAsync(start.SessionId());
        var view = (await Checkout.ReturnAsync(member.UserId, start.AttemptId)).Ok();

        Assert.Equal(AttemptStatus.Failed, view.Status);
        Assert.Contains("expired", view.FailureReason);
        Assert.Empty(await Services.PaymentsAsync());
        Assert.False((await Services.InvoiceAsync(invoiceId)).IsPaid);
    }

    [Fact]
    public async Task When_Stripe_refuses_to_open_the_checkout_the_member_gets_a_sentence_and_the_attempt_is_failed()
    {
        var member = await Services.AddPayingMemberAsync();
        var invoice = await Services.OpenInvoiceAsync(member);
        stripe.ForbiddenPaths.Add("/v1/checkout/sessions");   // a restricted key without Checkout Sessions: Write

        var result = await Checkout.StartAsync(member.UserId, new CheckoutRequest(PaymentPurpose.Invoice, invoice.Id), PaymentProvider.Stripe);

        Assert.False(result.Succeeded);
        Assert.Contains("not allowed to open a checkout", result.Errors.ToString());
        Assert.Equal(1L, core.Scalar("SELECT COUNT(*) FROM PaymentAttempts WHERE Status = 'Failed'"));
    }

    [Fact]
    public async Task When_Stripe_cannot_be_asked_on_return_the_page_says_still_open_and_nothing_breaks()
    {
        var (member, start, _) = await Services.StartInvoiceCheckoutAsync();
        await stripe.CompleteCheckoutAsync(start.SessionId());
        stripe.ForbiddenPaths.Add("/v1/checkout/sessions");

        var view = (await Checkout.ReturnAsync(member.UserId, start.AttemptId)).Ok();

        Assert.Equal(AttemptStatus.Open, view.Status);   // the webhook or the reconciliation job settles it
        Assert.Empty(await Services.PaymentsAsync());
    }

    [Fact]
    public async Task A_day_pass_bought_through_Stripe_is_paid_and_sold()
    {
        var settings = (await core.Get<SpaceSettingsService>().GetAsync())!;
        settings.DropInPrice = 15m;
        (await core.Get<SpaceSettingsService>().SaveAsync(settings, BillingTestData.Actor)).Ok();
        var member = await Services.AddPayingMemberAsync();
        var tomorrow = DateOnly.FromDateTime(core.Clock.GetUtcNow().UtcDateTime).AddDays(1);

        var start = await Services.StartStripeCheckoutAsync(member, new CheckoutRequest(PaymentPurpose.DropInPass, 0, tomorrow));
        await stripe.CompleteCheckoutAsync(start.SessionId());
        await Checkout.ReturnAsync(member.UserId, start.AttemptId);

        var attempt = await Services.AttemptAsync(start.AttemptId);
        Assert.Equal(AttemptStatus.Succeeded, attempt.Status);
        Assert.NotNull(attempt.DropInPassId);
        Assert.True((await Services.InvoiceAsync(attempt.InvoiceId!.Value)).IsPaid);
        Assert.Equal(15.00m, Assert.Single(await Services.PaymentsAsync()).Amount);
    }

    [Fact]
    public async Task A_day_pass_the_member_turns_back_from_leaves_no_invoice_behind()
    {
        var settings = (await core.Get<SpaceSettingsService>().GetAsync())!;
        settings.DropInPrice = 15m;
        (await core.Get<SpaceSettingsService>().SaveAsync(settings, BillingTestData.Actor)).Ok();
        var member = await Services.AddPayingMemberAsync();
        var tomorrow = DateOnly.FromDateTime(core.Clock.GetUtcNow().UtcDateTime).AddDays(1);
        var start = await Services.StartStripeCheckoutAsync(member, new CheckoutRequest(PaymentPurpose.DropInPass, 0, tomorrow));
        var invoiceId = (await Services.AttemptAsync(start.AttemptId)).InvoiceId!.Value;

        var canceled = await Checkout.CancelAsync(member.UserId, start.AttemptId);

        Assert.Equal(AttemptStatus.Canceled, canceled.Ok().Status);
        await using var db = await core.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<EasySpace.Core.Data.AppDbContext>>().CreateDbContextAsync();
        Assert.False(db.Invoices.Any(i => i.Id == invoiceId));   // deleted_invoice: the pass was never owed
        Assert.Empty(db.DropInPasses);
    }

    [Fact]
    public async Task A_priced_booking_paid_through_Stripe_has_its_invoice_paid()
    {
        var member = await Services.AddPayingMemberAsync();
        var room = await Services.AddResourceAsync(hourlyPrice: 10m, taxRate: 0m);
        var from = core.Clock.GetUtcNow().AddDays(1);
        var booking = (await core.Get<BookingService>().BookAsync(new BookingDraft
        {
            ResourceId = room.Id, From = from, To = from.AddHours(2), Title = "Workshop", MembershipId = member.MembershipId,
        }, BillingTestData.Actor)).Ok();

        var start = await Services.StartStripeCheckoutAsync(member, new CheckoutRequest(PaymentPurpose.Booking, booking.Id));
        await stripe.CompleteCheckoutAsync(start.SessionId());
        await Checkout.ReturnAsync(member.UserId, start.AttemptId);

        var attempt = await Services.AttemptAsync(start.AttemptId);
        Assert.Equal(AttemptStatus.Succeeded, attempt.Status);
        Assert.True((await Services.InvoiceAsync(attempt.InvoiceId!.Value)).IsPaid);
        Assert.Equal(20.00m, Assert.Single(await Services.PaymentsAsync()).Amount);
    }

    [Fact]
    public async Task A_plan_paid_by_a_Stripe_subscription_records_the_subscription_and_its_first_period_on_return()
    {
        var member = await Services.AddPayingMemberAsync(planPrice: 120m);

        var start = await Services.StartStripeCheckoutAsync(member, new CheckoutRequest(PaymentPurpose.Plan, member.PlanId));
        var create = Assert.Single(stripe.Calls, c => c is { Method: "POST", Path: "/v1/checkout/sessions" });
        Assert.Equal("subscription", create.Form["mode"][0]);
        Assert.Equal(start.AttemptId, create.Form["subscription_data[metadata][attempt_id]"][0]);
        var price = Assert.Single(stripe.ObjectsOf("price"));
        Assert.Equal(((string)price["id"]!, 12000L, "eur", "month", $"easyspace_plan_{member.PlanId}"),
            (create.Form["line_items[0][price]"][0], (long)price["unit_amount"]!, (string)price["currency"]!, (string)price["recurring"]!["interval"]!, (string)price["product"]!));

        var session = await stripe.CompleteCheckoutAsync(start.SessionId());
        var view = (await Checkout.ReturnAsync(member.UserId, start.AttemptId)).Ok();

        Assert.Equal(AttemptStatus.Succeeded, view.Status);
        var subscription = await Services.SubscriptionAsync((string)session["subscription"]!);
        Assert.Equal(("active", 120m, "EUR", "month", member.MembershipId), (subscription.Status, subscription.Amount, subscription.Currency, subscription.Interval, subscription.MembershipId));
        var payment = Assert.Single(await Services.PaymentsAsync());
        Assert.True((await Services.InvoiceAsync(payment.InvoiceId)).IsPaid);
        Assert.Equal(PaymentMethod.Card, (await Services.MembershipAsync(member.MembershipId)).PaymentMethod);
    }

    [Fact]
    public async Task The_plan_s_Stripe_price_is_reused_while_the_plan_is_unchanged_and_replaced_when_its_price_changes()
    {
        var first = await Services.AddPayingMemberAsync(planPrice: 120m);
        var second = (await Services.AddMemberAsync(first.PlanId)).Membership;
        await Services.StartStripeCheckoutAsync(first, new CheckoutRequest(PaymentPurpose.Plan, first.PlanId));
        await Services.StartStripeCheckoutAsync(new PayingMember(second.Id, second.UserId, first.PlanId), new CheckoutRequest(PaymentPurpose.Plan, first.PlanId));
        Assert.Single(stripe.ObjectsOf("price"));

        (await core.Get<PlanService>().UpdateAsync(first.PlanId, new PlanDraft { Name = "Flex desk", Price = 135m, Interval = PlanInterval.Month, IsActive = true }, "test")).Ok();
        var third = (await Services.AddMemberAsync(first.PlanId)).Membership;
        await Services.StartStripeCheckoutAsync(new PayingMember(third.Id, third.UserId, first.PlanId), new CheckoutRequest(PaymentPurpose.Plan, first.PlanId));

        var prices = stripe.ObjectsOf("price").ToList();
        Assert.Equal(2, prices.Count);
        Assert.Contains(prices, p => (long)p["unit_amount"]! == 13500 && (string?)p["lookup_key"] is not null);
        Assert.Single(stripe.ObjectsOf("product"));
    }

    [Fact]
    public async Task Canceling_a_plan_s_recurring_payment_cancels_the_subscription_at_Stripe()
    {
        var member = await Services.AddPayingMemberAsync();
        var start = await Services.StartStripeCheckoutAsync(member, new CheckoutRequest(PaymentPurpose.Plan, member.PlanId));
        var session = await stripe.CompleteCheckoutAsync(start.SessionId());
        await Checkout.ReturnAsync(member.UserId, start.AttemptId);
        var stripeId = (string)session["subscription"]!;

        var canceled = (await Checkout.CancelSubscriptionAsync((await Services.SubscriptionAsync(stripeId)).Id, member.UserId, "member")).Ok();

        Assert.Equal("canceled", canceled.Status);
        Assert.Equal("canceled", (string)stripe.Object(stripeId)["status"]!);
    }
}
