using EasySpace.Core.Space.Bookings;
using EasySpace.Core.Space.Invoices;
using EasySpace.Core.Space.Members;
using EasySpace.Core.Space.Payments;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Harness;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EasySpace.Tests.E2E;

/// <summary>
/// In real Chromium, on a phone and on a desktop: a member logs in, finds their invoices, bookings and payments from
/// the "My space" navigation, and cannot open another member's invoice by typing its address.
/// </summary>
[Collection(BrowserCollection.Name)]
public class PortalBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly AppHost app = new();
    private CreatedMember mia = default!;
    private Invoice miasInvoice = default!, maxsInvoice = default!;

    public async Task InitializeAsync()
    {
        await app.SetUpSpaceAsync("Co-Up Berlin");
        var plan = await app.Services.AddPlanAsync("Flex desk", 120m);
        mia = await app.Services.AddMemberAsync(plan.Id, "Mia Member", "mia@example.com");
        var max = await app.Services.AddMemberAsync(plan.Id, "Max Other", "max@example.com");
        miasInvoice = await SentInvoiceAsync(app, mia);
        maxsInvoice = await SentInvoiceAsync(app, max);
        Assert.True((await app.Get<PaymentRecorder>().RecordPaymentAsync(miasInvoice.Id, 40m, "EUR", PaymentProviders.Manual, "cash", "test")).Succeeded);
        var room = await app.Services.AddResourceAsync("Board room", hourlyPrice: 10m);
        var from = DateTimeOffset.UtcNow.AddDays(2);
        Assert.True((await app.Get<BookingService>().BookAsync(new BookingDraft
        {
            ResourceId = room.Id, From = from, To = from.AddHours(2), Title = "Pitch rehearsal", MembershipId = mia.Membership.Id,
        }, "test")).Succeeded);
    }

    /// <summary>Cobot's example invoice for the member, sent: the portal shows members only sent invoices.</summary>
    internal static async Task<Invoice> SentInvoiceAsync(AppHost app, CreatedMember who)
    {
        var draft = BillingTestData.CobotExample(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(14));
        draft.Name = who.Membership.Name;
        draft.MembershipId = who.Membership.Id;
        var invoice = (await app.Get<InvoiceService>().CreateAsync(draft, "test")).Value!;
        Assert.True((await app.Get<InvoiceService>().SendAsync(invoice.Id, "test")).Succeeded);
        return invoice;
    }

    public Task DisposeAsync()
    {
        app.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 800)]
    public async Task A_member_sees_their_invoices_bookings_payments_and_membership_and_not_another_members_invoice(int width, int height)
    {
        var page = await browser.NewPageAsync(app.BaseAddress, width, height);
        await page.GotoAsync("/Account/Login?ReturnUrl=%2Fme%2Finvoices");
        await page.LogInAsync("mia@example.com", mia.Password);
        await page.WaitForInteractiveAsync();

        await Expect(page.Locator("[data-testid=my-invoice-link]")).ToHaveTextAsync(miasInvoice.FormattedNumber);
        await Expect(page.GetByText(maxsInvoice.FormattedNumber)).ToHaveCountAsync(0);
        await page.AssertNoSidewaysScrollAsync("portal-my-invoices", width);

        await page.Locator("[data-testid=my-invoice-link]").ClickAsync();
        await Expect(page.Locator("[data-testid=my-invoice-lines]")).ToContainTextAsync("monthly rent");
        await Expect(page.Locator("[data-testid=my-payments]")).ToContainTextAsync("Recorded by the space");
        await page.AssertNoSidewaysScrollAsync("portal-my-invoice", width);

        await page.GotoAsync("/me/bookings");
        await page.WaitForInteractiveAsync();
        await Expect(page.Locator("[data-testid=my-upcoming-bookings]")).ToContainTextAsync("Pitch rehearsal");
        await Expect(page.Locator("[data-testid=my-upcoming-bookings]")).ToContainTextAsync("Not paid");
        await page.AssertNoSidewaysScrollAsync("portal-my-bookings", width);

        await page.GotoAsync("/me/payments");
        await page.WaitForInteractiveAsync();
        await Expect(page.Locator("[data-testid=my-payment-amount]")).ToContainTextAsync("40,00 EUR");
        await page.AssertNoSidewaysScrollAsync("portal-my-payments", width);

        await page.GotoAsync("/me");
        await page.WaitForInteractiveAsync();
        await Expect(page.Locator("[data-testid=recurring-payment-status]")).ToContainTextAsync("No recurring payment by card or PayPal.");
        await page.AssertNoSidewaysScrollAsync("portal-me", width);

        // Max's invoice by its address: the not-found answer, and nothing of it on the page.
        var response = await page.GotoAsync($"/me/invoices/{maxsInvoice.Id}");
        Assert.Equal(404, response!.Status);
        await page.WaitForInteractiveAsync();
        await Expect(page.GetByText("Max Other")).ToHaveCountAsync(0);
        await Expect(page.GetByText(maxsInvoice.FormattedNumber)).ToHaveCountAsync(0);
        await page.ScreenshotAsync($"portal-someone-elses-invoice-{width}");
    }
}
