using Bunit;
using EasySpace.Core;
using EasySpace.Core.Data;
using EasySpace.Core.Identity;
using EasySpace.Core.Payments;
using EasySpace.Core.Payments.Checkout;
using EasySpace.Core.Space.Bookings;
using EasySpace.Core.Space.Invoices;
using EasySpace.Core.Space.Members;
using EasySpace.Core.Space.Payments;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Web.Space;
using EasySpace.Web.Components.Pages.Members;
using EasySpace.Web.Components.Pages.Portal;
using EasySpace.Web.Components.Pages.Portal.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EasySpace.Tests.Web.Portal;

/// <summary>
/// Paying from the portal: the pay buttons, the return pages (what our database says, asked again while the provider
/// has not confirmed), whether a booking is paid, and the recurring payment. Attempts are made as the checkout makes
/// them and settled through the real CheckoutCompletion, the way a provider's report arrives.
/// </summary>
public class PortalPayTests() : PortalTest(new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.Zero))
{
    /// <summary>An attempt as CheckoutService.StartAsync stores it before sending the member to the provider.</summary>
    private async Task<PaymentAttempt> AttemptAsync(CreatedMember who, PaymentPurpose purpose, long subjectId, Invoice invoice)
    {
        var attempt = PaymentAttempt.Start(who.Membership.Id, purpose, subjectId, null, invoice.Id, PaymentProvider.Stripe, ProviderMode.Test,
            invoice.Total, invoice.Currency, $"Invoice {invoice.FormattedNumber}", Clock.GetUtcNow());
        await using var db = await S.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        db.PaymentAttempts.Add(attempt);
        await db.SaveChangesAsync();
        return attempt;
    }

    private Task<Result<AttemptView>> ProviderReportsPaidAsync(PaymentAttempt attempt) =>
        S.GetRequiredService<CheckoutCompletion>().PaidAsync(attempt.Id, new ProviderCharge(PaymentProvider.Stripe, "ch_" + attempt.Id, attempt.Amount, attempt.Currency, true));

    private async Task<AttemptStatus> StatusAsync(PaymentAttempt attempt) => (await S.GetRequiredService<CheckoutCompletion>().FindAsync(attempt.Id))!.Status;

    [Fact]
    public async Task Without_an_active_provider_an_open_invoice_has_no_pay_button()
    {
        var invoice = await InvoiceAsync(Mia, new DateOnly(2026, 3, 20));

        var page = RenderPage<MyInvoicePage>(p => p.Add(x => x.Id, invoice.Id));

        page.WaitForAssertion(() => Assert.Contains("Open", page.Find("[data-testid=my-invoice-state]").TextContent));
        Assert.Empty(page.FindAll("[data-testid=pay-invoice]"));
    }

    [Fact]
    public void Without_an_active_provider_the_member_page_offers_no_subscription()
    {
        var page = RenderPage<MePage>();

        page.WaitForAssertion(() => Assert.Contains("No recurring payment by card or PayPal.", page.Find("[data-testid=recurring-payment-status]").TextContent));
        Assert.Empty(page.FindAll("[data-testid=subscribe]"));
        Assert.Empty(page.FindAll("[data-testid=buy-day-pass]"));
    }

    [Fact]
    public async Task The_pay_button_offers_each_active_provider_and_shows_a_refusal_as_a_sentence()
    {
        var invoice = await InvoiceAsync(Mia, new DateOnly(2026, 3, 20));
        var popovers = Render<MudBlazor.MudPopoverProvider>();
        var button = Render<PayButton>(p => p
            .Add(x => x.Options, [new CheckoutOption(PaymentProvider.Stripe, "Card (Stripe)", ProviderMode.Test), new CheckoutOption(PaymentProvider.PayPal, "PayPal", ProviderMode.Live)])
            .Add(x => x.UserId, Mia.Membership.UserId)
            .Add(x => x.Request, new CheckoutRequest(PaymentPurpose.Invoice, invoice.Id))
            .Add(x => x.Label, "Pay")
            .Add(x => x.TestId, "pay"));

        await button.InvokeAsync(() => button.Find("[data-testid=pay] button").Click());
        popovers.WaitForAssertion(() => Assert.Contains("Card (Stripe) (test mode)", popovers.Markup));
        Assert.Contains("PayPal", popovers.Markup);
        await popovers.InvokeAsync(() => popovers.Find("[data-testid=pay-stripe]").Click());

        // Stripe is not connected in this test: the service refuses, and the member reads why.
        button.WaitForAssertion(() => Assert.Contains("not available", button.Find("[data-testid=pay-error]").TextContent));
    }

    [Fact]
    public async Task The_return_page_waits_for_the_providers_confirmation_and_then_shows_paid_on_its_own()
    {
        var invoice = await InvoiceAsync(Mia, new DateOnly(2026, 3, 20));
        var attempt = await AttemptAsync(Mia, PaymentPurpose.Invoice, invoice.Id, invoice);

        var page = RenderPage<PayDonePage>(p => p.Add(x => x.AttemptId, attempt.Id));
        page.WaitForAssertion(() => Assert.Contains("we are waiting for the provider's confirmation; this page updates",
            page.Find("[data-testid=payment-processing]").TextContent, StringComparison.OrdinalIgnoreCase));

        Assert.True((await ProviderReportsPaidAsync(attempt)).Succeeded);
        Clock.Advance(TimeSpan.FromSeconds(5));

        page.WaitForAssertion(() => Assert.Contains("your payment is received", page.Find("[data-testid=payment-paid]").TextContent));
        Assert.Contains($"Invoice {invoice.FormattedNumber}", page.Find("[data-testid=payment-what]").TextContent);
    }

    [Fact]
    public async Task The_return_page_shows_a_failed_payment_with_the_providers_reason()
    {
        var invoice = await InvoiceAsync(Mia, new DateOnly(2026, 3, 20));
        var attempt = await AttemptAsync(Mia, PaymentPurpose.Invoice, invoice.Id, invoice);
        Assert.True((await S.GetRequiredService<CheckoutCompletion>().FailedAsync(attempt.Id, null, "Your card was declined.")).Succeeded);

        var page = RenderPage<PayDonePage>(p => p.Add(x => x.AttemptId, attempt.Id));

        page.WaitForAssertion(() => Assert.Contains("did not go through: Your card was declined.", page.Find("[data-testid=payment-failed]").TextContent));
    }

    [Fact]
    public async Task Someone_elses_payment_on_the_return_page_shows_nothing_of_it()
    {
        var invoice = await InvoiceAsync(Max, new DateOnly(2026, 3, 20));
        var attempt = await AttemptAsync(Max, PaymentPurpose.Invoice, invoice.Id, invoice);

        var page = RenderPage<PayDonePage>(p => p.Add(x => x.AttemptId, attempt.Id));

        page.WaitForAssertion(() => Assert.Contains("There is no such payment in your account.", page.Find("[data-testid=payment-missing]").TextContent));
        Assert.DoesNotContain(invoice.FormattedNumber, page.Markup);
    }

    [Fact]
    public async Task The_canceled_page_cancels_the_open_attempt_and_says_nothing_was_charged()
    {
        var invoice = await InvoiceAsync(Mia, new DateOnly(2026, 3, 20));
        var attempt = await AttemptAsync(Mia, PaymentPurpose.Invoice, invoice.Id, invoice);

        var page = RenderPage<PayCanceledPage>(p => p.Add(x => x.AttemptId, attempt.Id));

        page.WaitForAssertion(() => Assert.Contains("You canceled the payment; nothing was charged.", page.Find("[data-testid=payment-canceled]").TextContent));
        Assert.Equal(AttemptStatus.Canceled, await StatusAsync(attempt));
    }

    [Fact]
    public async Task Someone_elses_payment_on_the_canceled_page_is_left_as_it_was()
    {
        var invoice = await InvoiceAsync(Max, new DateOnly(2026, 3, 20));
        var attempt = await AttemptAsync(Max, PaymentPurpose.Invoice, invoice.Id, invoice);

        var page = RenderPage<PayCanceledPage>(p => p.Add(x => x.AttemptId, attempt.Id));

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=payment-missing]")));
        Assert.Equal(AttemptStatus.Open, await StatusAsync(attempt));
    }

    [Fact]
    public async Task A_booking_paid_through_its_checkout_shows_as_paid_and_its_invoice_is_in_my_invoices()
    {
        var room = await S.AddResourceAsync("Board room", hourlyPrice: 10m);
        var from = Clock.GetUtcNow().AddDays(1);
        var booking = (await S.GetRequiredService<BookingService>().BookAsync(new BookingDraft
        {
            ResourceId = room.Id, From = from, To = from.AddHours(2), Title = "Pitch", MembershipId = Mia.Membership.Id,
        }, "test")).Value!;
        // The checkout invoices the booking (a draft, never sent) and the provider reports the money.
        var draft = BillingTestData.CobotExample(new DateOnly(2026, 3, 10));
        draft.MembershipId = Mia.Membership.Id;
        var invoice = (await S.GetRequiredService<InvoiceService>().CreateAsync(draft, "test")).Value!;
        Assert.True((await ProviderReportsPaidAsync(await AttemptAsync(Mia, PaymentPurpose.Booking, booking.Id, invoice))).Succeeded);

        var page = RenderPage<MyBookingsPage>();

        page.WaitForAssertion(() => Assert.Equal("Paid", page.Find("[data-testid=my-upcoming-bookings] [data-testid=my-booking-paid]").TextContent.Trim()));
        Assert.Contains(invoice.FormattedNumber, string.Join(" ", (await S.GetRequiredService<InvoiceReader>().ForMemberAsync(Mia.Membership.UserId)).Select(i => i.FormattedNumber)));
    }

    [Fact]
    public async Task A_priced_booking_not_paid_yet_says_so()
    {
        var room = await S.AddResourceAsync("Board room", hourlyPrice: 10m);
        var from = Clock.GetUtcNow().AddDays(1);
        Assert.True((await S.GetRequiredService<BookingService>().BookAsync(new BookingDraft
        {
            ResourceId = room.Id, From = from, To = from.AddHours(2), Title = "Pitch", MembershipId = Mia.Membership.Id,
        }, "test")).Succeeded);

        var page = RenderPage<MyBookingsPage>();

        page.WaitForAssertion(() => Assert.Equal("Not paid", page.Find("[data-testid=my-booking-paid]").TextContent.Trim()));
    }

    private async Task RecurringAsync(CreatedMember who, string status) => Assert.True((await S.GetRequiredService<PaymentRecorder>().RecordSubscriptionChangeAsync(
        new PaymentSubscriptionChange(who.Membership.Id, PaymentProviders.Stripe, "sub_" + who.Membership.Id, status, 120m, "EUR", "month"), "test")).Succeeded);

    [Fact]
    public async Task The_member_sees_their_recurring_payment_and_cancelling_asks_first_and_reports_a_refusal_in_words()
    {
        await RecurringAsync(Mia, "active");
        await RecurringAsync(Max, "past_due");

        var page = RenderPage<MePage>();

        page.WaitForAssertion(() => Assert.Contains("Stripe: 120.00 EUR per month. Paid automatically.", page.Find("[data-testid=recurring-payment-status]").TextContent));
        Assert.DoesNotContain("failed", page.Find("[data-testid=my-online-payments]").TextContent);
        Click(page, "cancel-recurring-payment");
        DialogHost.WaitForAssertion(() => Assert.Contains("Stop paying your plan automatically?", DialogText));
        Confirm("Cancel recurring payment");

        // Stripe is not connected in this test: it cannot be asked to stop, so nothing changes and the member is told why.
        page.WaitForAssertion(() => Assert.Contains(Services.GetRequiredService<MudBlazor.ISnackbar>().ShownSnackbars,
            s => s.Severity == MudBlazor.Severity.Error && s.Message?.Contains("connected") == true));
        Assert.Contains("Paid automatically.", page.Find("[data-testid=recurring-payment-status]").TextContent);
    }

    [Fact]
    public async Task Staff_see_a_members_recurring_payment_on_the_member_page()
    {
        await RecurringAsync(Max, "past_due");
        LogInAsOwner();

        var page = RenderPage<MemberPage>(p => p.Add(x => x.Id, Max.Membership.Id));

        page.WaitForAssertion(() => Assert.Contains("The last payment failed; the provider tries again.", page.Find("[data-testid=recurring-payment-status]").TextContent));
        Assert.NotEmpty(page.FindAll("[data-testid=cancel-recurring-payment]"));
    }
}
