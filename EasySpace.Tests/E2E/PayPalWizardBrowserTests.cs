using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EasySpace.Tests.E2E;

/// <summary>
/// A manager connects PayPal through its wizard in a real browser, against the fake PayPal. The app's public address
/// is the loopback one Kestrel listens on, so PayPal could not reach it: the wizard settles on local mode, as on a box
/// without a public https address.
/// </summary>
[Collection(BrowserCollection.Name)]
public class PayPalWizardBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly AppHost app = new();
    private FakePayPal paypal = null!;

    public async Task InitializeAsync()
    {
        paypal = await FakePayPal.StartAsync();
        app.With("Payments:PayPal:ApiBase", paypal.Url);
        await app.SetUpSpaceAsync("Co-Up Berlin");
    }

    public async Task DisposeAsync()
    {
        app.Dispose();
        await paypal.DisposeAsync();
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 800)]
    public async Task A_manager_connects_PayPal_in_the_sandbox_to_Active_in_local_mode_without_sideways_scrolling(int width, int height)
    {
        var page = await browser.NewPageAsync(app.BaseAddress, width, height);
        await page.GotoAsync("/Account/Login?ReturnUrl=%2Fsettings%2Fintegrations%2Fpayments%2Fpaypal");
        await page.LogInAsync(AppHost.OwnerEmail, AppHost.Password);
        await page.WaitForInteractiveAsync();

        await page.AssertStepTitlesReadableAsync(width);
        await page.ByTestId("wizard-next").ClickAsync();   // the sandbox is chosen already
        await Expect(page.Locator("[data-testid=where-credentials]")).ToContainTextAsync("Apps & Credentials");
        await page.ByTestId("client-id").FillAsync(paypal.ClientId);
        await page.ByTestId("secret").FillAsync(paypal.Secret);
        await page.AssertNoSidewaysScrollAsync("paypal-wizard-credentials", width);
        await page.ByTestId("wizard-next").ClickAsync();

        await Expect(page.Locator("[data-testid=local-mode]")).ToContainTextAsync("local mode");
        // The third step, reached: its name is on screen with the other two.
        await Expect(page.Locator(".mud-step.active")).ToContainTextAsync("Notifications");
        await page.AssertStepTitlesReadableAsync(width);
        await page.ScreenshotAsync($"paypal-wizard-notifications-{width}");
        await page.ByTestId("wizard-next").ClickAsync();   // Connect
        await Expect(page.Locator("[data-testid=wizard-done]")).ToContainTextAsync("PayPal is active in the sandbox, in local mode");

        await page.GotoAsync("/settings/integrations/payments");
        await page.WaitForInteractiveAsync();
        var card = page.Locator("[data-testid=card-paypal]");
        await Expect(card.Locator("[data-testid=provider-status]")).ToHaveTextAsync("Active");
        await Expect(card.Locator("[data-testid=provider-mode]")).ToContainTextAsync("local mode");
        // Each action's words fit its button (at 390 px the three buttons wrap rather than squeeze their words out).
        var squeezed = await card.EvaluateAsync<string[]>(
            "c => [...c.querySelectorAll('.mud-card-actions .mud-button-root')].filter(b => b.scrollWidth > b.clientWidth).map(b => b.textContent.trim())");
        Assert.True(squeezed.Length == 0, $"At {width} px these buttons do not fit their words: {string.Join(", ", squeezed)}");
        Assert.DoesNotContain(paypal.Secret, await page.ContentAsync());
        Assert.Empty(paypal.Webhooks);
        await page.AssertNoSidewaysScrollAsync("paypal-card", width);
    }
}
