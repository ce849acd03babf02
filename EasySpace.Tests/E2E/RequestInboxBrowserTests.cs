using EasySpace.Core.RequestInbox;
using EasySpace.Tests.Harness;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EasySpace.Tests.E2E;

/// <summary>
/// The request inbox in a real browser on a box with the default guard (its own address, 127.0.0.1, is private): the
/// manager creates an inbox, the shortcut opens the webhook form with its address, and a real delivery appears on the
/// open page without a reload, its signature valid. The pages fit a phone.
/// </summary>
[Collection(BrowserCollection.Name)]
public class RequestInboxBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly AppHost app = new AppHost().With("Webhooks:AllowPrivateNetworks", "false");
    private IPage page = default!;

    public async Task InitializeAsync()
    {
        await app.SetUpSpaceAsync();
        page = await browser.NewPageAsync(app.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        await page.Context.CloseAsync();
        app.Dispose();
    }

    [Fact]
    public async Task A_delivery_appears_live_on_the_inbox_page_with_a_valid_signature_and_the_pages_fit_a_phone()
    {
        await page.GotoAsync("/Account/Login");
        await page.LogInAsync(AppHost.OwnerEmail, AppHost.Password);
        await page.WaitForInteractiveAsync();

        await page.GotoAsync("/settings/integrations/request-inbox");
        await page.WaitForInteractiveAsync();
        await page.ByTestId("inbox-name").FillAsync("CRM trial");
        await page.ByTestId("create-inbox").ClickAsync();
        await Expect(page.Locator("[data-testid=inbox-title]")).ToHaveTextAsync("CRM trial");
        var url = (await page.Locator("[data-testid=inbox-url]").TextContentAsync())!;
        Assert.StartsWith(app.BaseAddress.ToString().TrimEnd('/') + "/inbox/", url);
        var inboxPath = new Uri(page.Url).AbsolutePath;

        await page.Locator("[data-testid=new-webhook-here]").ClickAsync();
        await page.WaitForURLAsync("**/settings/integrations/webhooks/new?**");
        await page.WaitForInteractiveAsync();
        await Expect(page.ByTestId("webhook-url-input")).ToHaveValueAsync(url);
        await Expect(page.ByTestId("webhook-name-input")).ToHaveValueAsync("Request inbox: CRM trial");

        await app.CreateEndpointAsync(new Uri(url), ["created_admin"], name: "CRM");
        await page.GotoAsync(inboxPath);
        await page.WaitForInteractiveAsync();
        await Expect(page.Locator("[data-testid=requests-empty]")).ToBeVisibleAsync();

        await app.AddAdminAsync("ines@example.com");
        await app.PumpAsync();
        await Expect(page.Locator("[data-testid=request-signature]")).ToHaveTextAsync("Valid signature (CRM)");
        await Expect(page.Locator("[data-testid=request-body]")).ToContainTextAsync("ines@example.com");
        await page.AssertNoSidewaysScrollAsync("request-inbox", 1280);

        await page.SetViewportSizeAsync(390, 844);
        await page.AssertNoSidewaysScrollAsync("request-inbox", 390);
        await page.GotoAsync("/settings/integrations/request-inbox");
        await page.WaitForInteractiveAsync();
        await Expect(page.Locator("[data-testid=inbox-link]")).ToHaveTextAsync("CRM trial");
        await page.AssertNoSidewaysScrollAsync("request-inboxes", 390);
    }
}
