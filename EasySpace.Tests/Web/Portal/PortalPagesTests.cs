using Bunit;
using EasySpace.Core.Identity;
using EasySpace.Core.Space.Bookings;
using EasySpace.Core.Space.Invoices;
using EasySpace.Core.Space.Members;
using EasySpace.Core.Space.Payments;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Web.Space;
using EasySpace.Web.Components.Pages.Portal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EasySpace.Tests.Web.Portal;

/// <summary>The member's own pages: /me/invoices, /me/invoices/{id}, /me/bookings, /me/payments.</summary>
public class PortalPagesTests() : PortalTest(new DateTimeOffset(2026, 3, 10, 23, 30, 0, TimeSpan.Zero))   // 00:30 on 11 March in Berlin
{
    private async Task<Payment> PayAsync(Invoice invoice, decimal amount, string provider = PaymentProviders.Manual)
    {
        var result = await S.GetRequiredService<PaymentRecorder>().RecordPaymentAsync(invoice.Id, amount, "EUR", provider, "ref-" + amount, "test");
        Assert.True(result.Succeeded, result.Errors.ToString());
        return result.Value!;
    }

    [Fact]
    public async Task My_invoices_lists_the_members_sent_invoices_with_due_date_amount_and_state_and_nothing_else()
    {
        var overdue = await InvoiceAsync(Mia, new DateOnly(2026, 3, 11));
        var open = await InvoiceAsync(Mia, new DateOnly(2026, 3, 12));
        var paid = await InvoiceAsync(Mia, new DateOnly(2026, 3, 11));
        await PayAsync(paid, paid.Total);
        var draft = await InvoiceAsync(Mia, new DateOnly(2026, 3, 20), send: false);
        var maxs = await InvoiceAsync(Max, new DateOnly(2026, 3, 20));
        Clock.Advance(TimeSpan.FromDays(1));   // 23:30 UTC on the 11th: still the 11th in UTC, already the 12th in Berlin

        var page = RenderPage<MyInvoicesPage>();

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=my-invoice-link]").Count));
        var rows = page.FindAll("[data-testid=my-invoices] tbody tr").Select(r => r.TextContent).ToList();
        // Newest first; "overdue" counts days in Berlin, where the invoice due on the 11th is a day late.
        Assert.Contains(paid.FormattedNumber, rows[0]);
        Assert.Contains("Paid", rows[0]);
        Assert.Contains(open.FormattedNumber, rows[1]);
        Assert.Contains("Thu 12 Mar 2026", rows[1]);
        Assert.Contains("240,00 EUR", rows[1]);   // 160 + 40 net, 20 % VAT, written the German way
        Assert.Contains("Open", rows[1]);
        Assert.Contains(overdue.FormattedNumber, rows[2]);
        Assert.Contains("Overdue", rows[2]);
        Assert.DoesNotContain(draft.FormattedNumber, page.Markup);
        Assert.DoesNotContain(maxs.FormattedNumber, page.Markup);
    }

    [Fact]
    public async Task An_invoice_of_the_member_shows_its_lines_and_payments()
    {
        var invoice = await InvoiceAsync(Mia, new DateOnly(2026, 3, 20));
        await PayAsync(invoice, 50m, PaymentProviders.Stripe);

        var page = RenderPage<MyInvoicePage>(p => p.Add(x => x.Id, invoice.Id));

        page.WaitForAssertion(() => Assert.Contains($"Invoice {invoice.FormattedNumber}", page.Find("[data-testid=my-invoice-number]").TextContent));
        var lines = page.Find("[data-testid=my-invoice-lines]").TextContent;
        Assert.Contains("monthly rent", lines);
        Assert.Contains("2 time passes", lines);
        Assert.Contains("Total 240,00 EUR; still to pay 190,00 EUR", page.Find("[data-testid=my-invoice-summary]").TextContent);
        Assert.Contains("50,00 EUR", page.Find("[data-testid=my-payment-amount]").TextContent);
        Assert.Contains("Stripe", page.Find("[data-testid=my-payments]").TextContent);
    }

    [Theory]
    [InlineData("another member's invoice")]
    [InlineData("the member's own draft")]
    [InlineData("an id that does not exist")]
    public async Task An_invoice_the_member_may_not_see_shows_the_missing_page_and_none_of_its_data(string tried)
    {
        var maxs = await InvoiceAsync(Max, new DateOnly(2026, 3, 20));
        await PayAsync(maxs, 12.34m);
        var draft = await InvoiceAsync(Mia, new DateOnly(2026, 3, 20), send: false);
        var id = tried switch
        {
            "another member's invoice" => maxs.Id,
            "the member's own draft" => draft.Id,
            _ => 999_999,
        };

        var page = RenderPage<MyInvoicePage>(p => p.Add(x => x.Id, id));

        page.WaitForAssertion(() => Assert.Contains($"You have no invoice {id}.", page.Find("[data-testid=my-invoice-missing]").TextContent));
        Assert.DoesNotContain("Max Other", page.Markup);
        Assert.DoesNotContain(maxs.FormattedNumber, page.Markup);
        Assert.DoesNotContain("12,34", page.Markup);
        Assert.DoesNotContain("monthly rent", page.Markup);
    }

    [Fact]
    public async Task My_payments_lists_the_members_payments_and_refunds_in_the_spaces_time()
    {
        var invoice = await InvoiceAsync(Mia, new DateOnly(2026, 3, 20));
        var payment = await PayAsync(invoice, 100m, PaymentProviders.PayPal);
        Clock.Advance(TimeSpan.FromHours(1));
        Assert.True((await S.GetRequiredService<PaymentRecorder>().RecordRefundAsync(payment.Id, 30m, "refund-1", "test")).Succeeded);
        await PayAsync(await InvoiceAsync(Max, new DateOnly(2026, 3, 20)), 77m);

        var page = RenderPage<MyPaymentsPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=my-payment-amount]").Count));
        var rows = page.FindAll("[data-testid=my-payments] tbody tr").Select(r => r.TextContent).ToList();
        Assert.Contains("Wed 11 Mar 2026, 01:30", rows[0]);   // 00:30 UTC, Berlin time
        Assert.Contains("-30,00 EUR", rows[0]);
        Assert.Contains("Refunded to you", rows[0]);
        Assert.Contains("Wed 11 Mar 2026, 00:30", rows[1]);
        Assert.Contains("100,00 EUR", rows[1]);
        Assert.Contains("PayPal", rows[1]);
        Assert.Contains("Paid, partly refunded", rows[1]);
        Assert.Contains($"Invoice {invoice.FormattedNumber}", rows[1]);
        Assert.DoesNotContain("77,00", page.Markup);
    }

    [Fact]
    public async Task My_bookings_shows_upcoming_and_past_bookings_with_their_price_in_the_spaces_time()
    {
        var room = await S.AddResourceAsync("Board room", hourlyPrice: 10m);
        var desk = await S.AddResourceAsync("Hot desk", hourlyPrice: 0m, kind: ResourceKind.Desk);
        var soon = Clock.GetUtcNow().AddHours(1);   // 01:30 in Berlin
        await BookForAsync(Mia, room, soon, "Pitch rehearsal");
        await BookForAsync(Mia, desk, soon.AddDays(2), "Quiet day");
        await BookForAsync(Max, room, soon.AddDays(3), "Max's meeting");
        Clock.Advance(TimeSpan.FromHours(3));   // the pitch is over

        var page = RenderPage<MyBookingsPage>();

        page.WaitForAssertion(() => Assert.Contains("Quiet day", page.Find("[data-testid=my-upcoming-bookings]").TextContent));
        var upcoming = page.Find("[data-testid=my-upcoming-bookings]").TextContent;
        Assert.Contains("Free", upcoming);
        Assert.Contains("Fri 13 Mar 2026, 01:30–03:30", upcoming);
        var past = page.Find("[data-testid=my-past-bookings]").TextContent;
        Assert.Contains("Pitch rehearsal", past);
        Assert.Contains("Wed 11 Mar 2026, 01:30–03:30", past);
        Assert.Contains("20,00 EUR", past);
        Assert.DoesNotContain("Max's meeting", page.Markup);
    }

    private async Task BookForAsync(CreatedMember who, Resource resource, DateTimeOffset from, string title)
    {
        var result = await S.GetRequiredService<BookingService>().BookAsync(new BookingDraft
        {
            ResourceId = resource.Id, From = from, To = from.AddHours(2), Title = title, MembershipId = who.Membership.Id,
        }, "test");
        Assert.True(result.Succeeded, result.Errors.ToString());
    }

    [Fact]
    public void An_account_without_a_membership_is_told_so_on_my_invoices() => AssertNoMembership<MyInvoicesPage>();

    [Fact]
    public void An_account_without_a_membership_is_told_so_on_my_bookings() => AssertNoMembership<MyBookingsPage>();

    [Fact]
    public void An_account_without_a_membership_is_told_so_on_my_payments() => AssertNoMembership<MyPaymentsPage>();

    private void AssertNoMembership<TPage>() where TPage : Microsoft.AspNetCore.Components.IComponent
    {
        LogIn("admin@example.com", "admin-without-membership", Roles.Admin);

        var page = RenderPage<TPage>();

        page.WaitForAssertion(() => Assert.Contains("Your account has no membership.", page.Find("[data-testid=no-membership]").TextContent));
    }
}
