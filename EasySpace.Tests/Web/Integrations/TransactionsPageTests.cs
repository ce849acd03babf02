using EasySpace.Core;
using Bunit;
using EasySpace.Core.Space.Invoices;
using EasySpace.Core.Space.Payments;
using EasySpace.Tests.Core.Space;
using EasySpace.Web.Components.Pages.Integrations.Payments;
using Microsoft.Extensions.Time.Testing;

namespace EasySpace.Tests.Web.Integrations;

/// <summary>Settings > Integrations > Payments > Transactions, for a space in Berlin.</summary>
public class TransactionsPageTests : IntegrationsTest
{
    private readonly FakeTimeProvider clock;

    // 23:30 UTC on 10 March is 00:30 on 11 March in Berlin: the day a manager sees and filters by is the 11th.
    public TransactionsPageTests() : this(new FakeTimeProvider(new DateTimeOffset(2026, 3, 10, 23, 30, 0, TimeSpan.Zero))) { }

    private TransactionsPageTests(FakeTimeProvider clock) : base(clock) => this.clock = clock;

    protected override (string TimeZone, string Country) Space => ("Europe/Berlin", "DE");

    private PaymentRecorder Recorder => Get<PaymentRecorder>();

    private async Task<Invoice> InvoiceAsync(string name, long? membershipId = null)
    {
        var draft = BillingTestData.CobotExample();
        draft.Name = name;
        draft.MembershipId = membershipId;
        return (await Get<InvoiceService>().CreateAsync(draft, "test")).Ok();
    }

    private IRenderedComponent<TransactionsPage> RenderPage(int rows)
    {
        var page = Render<TransactionsPage>();
        page.WaitForAssertion(() => Assert.Equal(rows, page.FindAll("[data-testid=transaction-when]").Count));
        return page;
    }

    /// <summary>Types a day into a date field the way the space writes it (Germany: 11/03/2026), or empties it.</summary>
    private static void SetDay(IRenderedComponent<TransactionsPage> page, string testId, DateOnly? day)
    {
        var berlin = SpaceClock.For("Europe/Berlin", "DE");
        var typed = day?.ToString(berlin.DateInputFormat, berlin.Culture) ?? "";
        page.InvokeAsync(() => page.Find($"[data-testid={testId}] input, input[data-testid={testId}]").Change(typed)).GetAwaiter().GetResult();
    }

    [Fact]
    public async Task A_payment_shows_member_invoice_provider_amount_status_and_refunds_in_the_spaces_time_and_numbers()
    {
        var plan = await Services.AddPlanAsync();
        var ada = (await Services.AddMemberAsync(plan.Id, "Ada Keller", "ada@example.com")).Membership;
        var invoice = await InvoiceAsync("Ada Keller", ada.Id);
        var payment = (await Recorder.RecordPaymentAsync(invoice.Id, 240m, "EUR", PaymentProviders.Manual, "Bank 42", OwnerEmail)).Ok();
        clock.Advance(TimeSpan.FromHours(1));
        (await Recorder.RecordRefundAsync(payment.Id, 40m, "R-1", OwnerEmail)).Ok();

        var page = RenderPage(rows: 1);

        Assert.Equal("Europe/Berlin", page.Find("[data-testid=transactions-zone]").TextContent);
        Assert.Equal("Wed 11 Mar 2026, 00:30", page.Find("[data-testid=transaction-when]").TextContent.Trim());
        Assert.Equal($"members/{ada.Id}", page.Find("[data-testid=transaction-member] a").GetAttribute("href"));
        Assert.Equal("Ada Keller", page.Find("[data-testid=transaction-member] a").TextContent.Trim());
        Assert.Equal($"invoices/{invoice.Id}", page.Find("[data-testid=transaction-invoice]").GetAttribute("href"));
        Assert.Equal($"Invoice {invoice.FormattedNumber}", page.Find("[data-testid=transaction-invoice]").TextContent.Trim());
        Assert.Equal("240,00 EUR", page.Find("[data-testid=transaction-amount]").TextContent.Trim());   // German digits for a space in Germany
        var row = page.Find("[data-testid=transactions-table] tbody tr").TextContent;
        Assert.Contains("Recorded by hand", row);
        Assert.Contains("n/a", row);
        Assert.Contains("Bank 42", row);
        Assert.StartsWith("Partly refunded", page.Find("[data-testid=transaction-status]").TextContent.Trim());
        Assert.Equal("40,00 EUR refunded Wed 11 Mar 2026, 01:30 (R-1)", page.Find("[data-testid=transaction-refund]").TextContent.Trim());
        Assert.Null(page.Find("[data-testid=payment-reference]").GetAttribute("href"));   // a note typed by hand links nowhere
    }

    [Fact]
    public async Task A_providers_payment_links_its_reference_to_the_providers_page()
    {
        var invoice = await InvoiceAsync("joe doe");
        (await Recorder.RecordFailureAsync(invoice.Id, 240m, "EUR", PaymentProviders.Stripe, "ch_3Mtw", "expired_card", "stripe")).Ok();

        var page = RenderPage(rows: 1);

        Assert.Equal("https://dashboard.stripe.com/payments/ch_3Mtw", page.Find("a[data-testid=payment-reference]").GetAttribute("href"));
        Assert.Equal("Failed: expired_card", page.Find("[data-testid=transaction-status]").TextContent.Trim());
        Assert.Contains("no membership", page.Find("[data-testid=transaction-member]").TextContent);
    }

    [Fact]
    public async Task Stripe_test_money_is_marked_Test_and_links_to_the_test_dashboard()
    {
        var invoice = await InvoiceAsync("joe doe");
        (await Recorder.RecordPaymentAsync(invoice.Id, 240m, "EUR", PaymentProviders.Stripe, "pi_3Mtw", "stripe", isTest: true)).Ok();

        var page = RenderPage(rows: 1);

        Assert.Equal("Test", page.Find("[data-testid=transaction-mode]").TextContent.Trim());
        Assert.Equal("https://dashboard.stripe.com/test/payments/pi_3Mtw", page.Find("a[data-testid=payment-reference]").GetAttribute("href"));
    }

    [Fact]
    public async Task The_filters_narrow_by_day_in_the_spaces_zone_status_provider_and_member()
    {
        var plan = await Services.AddPlanAsync();
        var ada = (await Services.AddMemberAsync(plan.Id, "Ada Keller", "ada@example.com")).Membership;
        (await Recorder.RecordPaymentAsync((await InvoiceAsync("Ada Keller", ada.Id)).Id, 240m, "EUR", PaymentProviders.Manual, null, OwnerEmail)).Ok();
        clock.Advance(TimeSpan.FromDays(1));                                                        // 12 March in Berlin
        (await Recorder.RecordPaymentAsync((await InvoiceAsync("Bruno Bauer")).Id, 100m, "EUR", PaymentProviders.Manual, null, OwnerEmail)).Ok();
        (await Recorder.RecordFailureAsync((await InvoiceAsync("Chloé Moreau")).Id, 240m, "EUR", PaymentProviders.Stripe, "ch_1", "expired_card", "stripe")).Ok();
        var page = RenderPage(rows: 3);

        // 10 March by UTC, 11 March on the space's clock.
        SetDay(page, "filter-from", new DateOnly(2026, 3, 11));
        SetDay(page, "filter-to", new DateOnly(2026, 3, 11));
        page.WaitForAssertion(() => Assert.Equal("Ada Keller", page.Find("[data-testid=transaction-member]").TextContent.Trim()));
        Assert.Single(page.FindAll("[data-testid=transaction-when]"));
        SetDay(page, "filter-to", new DateOnly(2026, 3, 10));
        page.WaitForAssertion(() => Assert.Contains("The end date is before the start date.", page.Markup));
        SetDay(page, "filter-from", null);
        SetDay(page, "filter-to", null);
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=transaction-when]").Count));

        Pick(page, "filter-status", "Failed");
        page.WaitForAssertion(() => Assert.Contains("Chloé Moreau", Assert.Single(page.FindAll("[data-testid=transaction-member]")).TextContent));
        Pick(page, "filter-provider", "Recorded by hand");
        page.WaitForAssertion(() => Assert.Equal("No payment matches these filters.", page.Find("[data-testid=transactions-empty]").TextContent.Trim()));
        Pick(page, "filter-status", "Received");
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=transaction-when]").Count));

        page.Find("[data-testid=filter-member] input, input[data-testid=filter-member]").Change("BRUNO");
        page.WaitForAssertion(() => Assert.Contains("Bruno Bauer", Assert.Single(page.FindAll("[data-testid=transaction-member]")).TextContent));
        Assert.Contains("provider=manual", page.Find("[data-testid=transactions-export]").GetAttribute("href"));
        Assert.Contains("member=BRUNO", page.Find("[data-testid=transactions-export]").GetAttribute("href"));
    }

    [Fact]
    public void A_reversed_date_range_is_explained_and_cannot_be_downloaded()
    {
        var page = RenderPage(rows: 0);

        SetDay(page, "filter-from", new DateOnly(2026, 3, 12));
        SetDay(page, "filter-to", new DateOnly(2026, 3, 1));

        page.WaitForAssertion(() => Assert.Contains("The end date is before the start date.", page.Markup));
        Assert.Equal("Correct the filters above to see payments.", page.Find("[data-testid=transactions-empty]").TextContent.Trim());
        Assert.True(page.Find("[data-testid=transactions-export]").HasAttribute("disabled")
                    || page.Find("[data-testid=transactions-export]").ClassList.Contains("mud-button-disabled"));
    }

    [Fact]
    public async Task The_invoice_page_lists_each_payment_and_refund_with_provider_and_reference()
    {
        var invoice = await InvoiceAsync("joe doe");
        var byHand = (await Recorder.RecordPaymentAsync(invoice.Id, 100m, "EUR", PaymentProviders.Manual, "Bank 42", OwnerEmail)).Ok();
        (await Recorder.RecordRefundAsync(byHand.Id, 30m, "Cash back", OwnerEmail)).Ok();
        (await Recorder.RecordPaymentAsync(invoice.Id, 140m, "EUR", PaymentProviders.PayPal, "8MC585209K746392H", "paypal")).Ok();

        var page = Render<EasySpace.Web.Components.Pages.Invoices.InvoicePage>(p => p.Add(x => x.Id, invoice.Id));

        page.WaitForElement("[data-testid=invoice-payments]");
        var rows = page.FindAll("[data-testid=invoice-payments] tbody tr").Select(r => r.TextContent).ToList();
        Assert.Equal(3, rows.Count);
        Assert.Contains("Recorded by hand", rows[0]);
        Assert.Contains("Bank 42", rows[0]);
        Assert.Contains("Recorded by hand (refund)", rows[1]);
        Assert.Contains("30.00 EUR", rows[1]);
        Assert.Contains("Cash back", rows[1]);
        Assert.Contains("PayPal", rows[2]);
        Assert.Equal("https://www.paypal.com/activity/payment/8MC585209K746392H",
            page.FindAll("[data-testid=invoice-payments] a[data-testid=payment-reference]").Single().GetAttribute("href"));
    }

    [Fact]
    public void With_no_payments_the_page_says_where_they_come_from()
    {
        var page = RenderPage(rows: 0);

        page.WaitForAssertion(() => Assert.Equal("No payments yet. A payment recorded on an invoice's page appears here.",
            page.Find("[data-testid=transactions-empty]").TextContent.Trim()));
    }
}
