using System.Globalization;
using EasySpace.Core.Payments;
using EasySpace.Core.Payments.PayPal;
using EasySpace.Core.Space.Invoices;
using EasySpace.Core.Space.Members;
using EasySpace.Tests.Core.Payments;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EasySpace.Tests.E2E;

/// <summary>
/// In real Chromium a member pays a sent invoice from "My invoices" through each provider's (fake) hosted page and
/// comes back to our return page; the payment reaches a webhook of ours and the manager's transaction history. The box
/// listens on loopback: Stripe runs in local mode with a forwarding tool's secret (the fake plays "stripe listen"),
/// PayPal with a webhook registered at the fake.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class MemberPaysBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly AppHost app = new();
    private FakeStripe stripe = null!;
    private FakePayPal paypal = null!;
    private Receiver receiver = null!;
    private CreatedMember mia = null!;
    private Invoice invoice = null!;

    public async Task InitializeAsync()
    {
        stripe = await FakeStripe.StartAsync();
        paypal = await FakePayPal.StartAsync();
        receiver = await Receiver.StartAsync();
        app.With("Payments:Stripe:ApiBase", stripe.ApiBase).With("Payments:PayPal:ApiBase", paypal.Url);
        await app.SetUpSpaceAsync("Co-Up Berlin");

        await app.Services.ConnectStripeAsync(StripeCheckoutKit.ForwardingSecret);
        stripe.ForwardTo(new Uri(app.BaseAddress, StripeConnector.WebhookPath).ToString(), StripeCheckoutKit.ForwardingSecret);
        var paypalWebhook = paypal.RegisterWebhook(new Uri(app.BaseAddress, PayPalConnector.WebhookPath).ToString(), PayPalEvents.Handled);
        await app.Services.ConnectPayPalAsync(paypal, paypalWebhook);
        await app.CreateEndpointAsync(receiver.Url, ["created_payment", "updated_invoice", "failed_payment"]);

        var plan = await app.Services.AddPlanAsync("Flex desk", 120m);
        mia = await app.Services.AddMemberAsync(plan.Id, "Mia Member", "mia@example.com");
        invoice = await PortalBrowserTests.SentInvoiceAsync(app, mia);
    }

    public async Task DisposeAsync()
    {
        app.Dispose();
        await receiver.DisposeAsync();
        await paypal.DisposeAsync();
        await stripe.DisposeAsync();
    }

    private async Task<IPage> LogInAsync(string email, string password, string returnUrl, int width, int height)
    {
        var page = await browser.NewPageAsync(app.BaseAddress, width, height);
        await page.GotoAsync("/Account/Login?ReturnUrl=" + Uri.EscapeDataString(returnUrl));
        await page.LogInAsync(email, password);
        await page.WaitForInteractiveAsync();
        return page;
    }

    /// <summary>From "My invoices": Pay, the provider, and on to the provider's hosted page.</summary>
    private async Task<IPage> ChoosePayAsync(string provider, string testId, int width, int height)
    {
        var page = await LogInAsync("mia@example.com", mia.Password, "/me/invoices", width, height);
        await Expect(page.Locator("[data-testid=my-invoice-status]")).ToHaveTextAsync("Open");
        await page.AssertNoSeriousViolationsAsync("My invoices");

        await page.Locator($"[data-testid=pay-invoice-{invoice.Id}] button").ClickAsync();
        var choice = page.Locator($"[data-testid=pay-invoice-{invoice.Id}-{testId}]");
        await Expect(choice).ToContainTextAsync(provider);
        await choice.ClickAsync();
        await Expect(page.Locator("[data-testid=fake-pay]")).ToBeVisibleAsync();
        return page;
    }

    /// <summary>Our events until created_payment arrives, waiting on the receiver (not a clock); its payment's data.</summary>
    private async Task<System.Text.Json.JsonElement> CreatedPaymentAsync()
    {
        while (true)
        {
            var request = await receiver.NextAsync();
            if (request.Header("X-EasySpace-Event") == "created_payment") return request.Json.GetProperty("data");
        }
    }

    private async Task AssertTransactionListedAsync(string provider)
    {
        var manager = await LogInAsync(AppHost.OwnerEmail, AppHost.Password, "/settings/integrations/payments/transactions", 1280, 800);
        var row = manager.Locator("[data-testid=transactions-table] tbody tr").Filter(new() { HasText = "Invoice " + invoice.FormattedNumber });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync(provider);
        await Expect(row.Locator("[data-testid=transaction-mode]")).ToHaveTextAsync("Test");
        await Expect(row.Locator("[data-testid=transaction-status]")).ToContainTextAsync("Received");
        await manager.ScreenshotAsync($"member-pays-transactions-{provider.ToLowerInvariant()}");
    }

    private async Task AssertPaidAndAnnouncedAsync(IPage page, string provider, string name, int width)
    {
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/me/pay/[^/]+/done"));
        await page.WaitForInteractiveAsync();
        await Expect(page.Locator("[data-testid=payment-paid]")).ToContainTextAsync("your payment is received");
        await Expect(page.Locator("[data-testid=payment-what]")).ToContainTextAsync(invoice.FormattedNumber);
        await page.AssertNoSidewaysScrollAsync("member-pays-" + name, width);
        await page.AssertNoSeriousViolationsAsync("the return page");

        var payment = await CreatedPaymentAsync();
        Assert.Equal(invoice.Id.ToString(CultureInfo.InvariantCulture), payment.GetProperty("invoice_id").GetString());
        Assert.Equal(provider.ToLowerInvariant(), payment.GetProperty("provider").GetString());

        await page.GotoAsync("/me/invoices");
        await page.WaitForInteractiveAsync();
        await Expect(page.Locator("[data-testid=my-invoice-status]")).ToHaveTextAsync("Paid");
        await Expect(page.Locator($"[data-testid=pay-invoice-{invoice.Id}]")).ToHaveCountAsync(0);

        await page.GotoAsync("/me");
        await page.WaitForInteractiveAsync();
        await page.AssertNoSeriousViolationsAsync("My membership");

        await AssertTransactionListedAsync(provider);
    }

    [Fact]
    public async Task A_member_pays_an_invoice_by_card_through_Stripe_on_a_desktop()
    {
        var page = await ChoosePayAsync("Card (Stripe)", "stripe", 1280, 800);

        await page.Locator("[data-testid=fake-pay]").ClickAsync();

        await AssertPaidAndAnnouncedAsync(page, "Stripe", "stripe-done", 1280);
    }

    [Fact]
    public async Task A_member_pays_an_invoice_through_PayPal_on_a_phone()
    {
        var page = await ChoosePayAsync("PayPal", "paypal", 390, 844);

        await page.Locator("[data-testid=fake-pay]").ClickAsync();

        await AssertPaidAndAnnouncedAsync(page, "PayPal", "paypal-done", 390);
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 800)]
    public async Task A_member_who_cancels_on_the_provider_s_page_is_told_nothing_was_charged_and_the_invoice_stays_open(int width, int height)
    {
        var page = await ChoosePayAsync("Card (Stripe)", "stripe", width, height);

        await page.Locator("[data-testid=fake-cancel]").ClickAsync();

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/me/pay/[^/]+/canceled"));
        await Expect(page.Locator("[data-testid=payment-canceled]")).ToContainTextAsync("nothing was charged");
        await Expect(page.Locator("[data-testid=payment-invoice-state]")).ToContainTextAsync("The invoice is still open");
        await page.AssertNoSidewaysScrollAsync("member-pays-canceled", width);
        await page.AssertNoSeriousViolationsAsync("the canceled page");

        await page.GotoAsync("/me/invoices");
        await page.WaitForInteractiveAsync();
        await Expect(page.Locator("[data-testid=my-invoice-status]")).ToHaveTextAsync("Open");
        Assert.False((await app.Services.InvoiceAsync(invoice.Id)).IsPaid);
        Assert.Equal(0, await app.Services.RaisedAsync("created_payment"));
        await app.PumpAsync();   // every delivery due has been tried when this returns
        Assert.Empty(receiver.Received);
    }
}
