using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EasySpace.Tests.E2E;

/// <summary>
/// The webhook pages in a real browser against the real app: a CRM that receives and a team chat whose receiver answers 500,
/// five admins added (five deliveries each). The manager answers "did the CRM get anything?" on Integrations > Deliveries,
/// and every webhook page fits a phone without sideways scrolling (axe runs over them with every other page in the
/// accessibility suite).
/// </summary>
[Collection(BrowserCollection.Name)]
public class WebhookPagesBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly AppHost app = new();
    private Receiver crm = default!;
    private Receiver chat = default!;
    private long crmId;
    private IPage page = default!;

    public async Task InitializeAsync()
    {
        crm = await Receiver.StartAsync();
        chat = await Receiver.StartAsync();
        chat.Respond = Receiver.Status(500);
        await app.SetUpSpaceAsync();
        crmId = (await app.CreateEndpointAsync(crm.Url, ["created_admin"], name: "CRM")).Endpoint.Id;
        await app.CreateEndpointAsync(chat.Url, ["created_admin"], name: "Team chat");
        for (var i = 0; i < 5; i++) await app.AddAdminAsync();
        await app.PumpAsync();
        page = await browser.NewPageAsync(app.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        await page.Context.CloseAsync();
        await crm.DisposeAsync();
        await chat.DisposeAsync();
        app.Dispose();
    }

    [Fact]
    public async Task The_deliveries_of_all_webhooks_narrow_to_one_and_every_webhook_page_fits_a_phone()
    {
        await page.GotoAsync("/Account/Login");
        await page.LogInAsync(AppHost.OwnerEmail, AppHost.Password);
        await page.WaitForInteractiveAsync();

        await page.GotoAsync("/settings/integrations/deliveries");
        await page.WaitForInteractiveAsync();
        var rows = page.Locator("[data-testid=delivery-log] tbody tr");
        await Expect(rows).ToHaveCountAsync(10);
        await page.Locator("[data-testid=log-webhook]").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "CRM" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(5);
        await Expect(page.Locator("[data-testid=log-webhook-name]", new() { HasText = "Team chat" })).ToHaveCountAsync(0);
        await Expect(rows.First.Locator("[data-testid=log-about]")).ToContainTextAsync("became an admin");

        foreach (var width in new[] { 1280, 390 })
        {
            await page.SetViewportSizeAsync(width, width == 390 ? 844 : 800);
            await CheckAsync("webhooks", "/settings/integrations/webhooks", "[data-testid=webhooks-table]");
            await CheckAsync("webhook", $"/settings/integrations/webhooks/{crmId}", "[data-testid=webhook-title]");
            foreach (var tab in new[] { "Settings", "Stats", "Log", "Signatures" })   // all four in view: none scrolled off the edge
                await Expect(page.GetByRole(AriaRole.Tab, new() { Name = tab })).ToBeInViewportAsync(new() { Ratio = 1 });
            await page.GetByRole(AriaRole.Tab, new() { Name = "Log" }).ClickAsync();
            await Expect(rows).ToHaveCountAsync(5);
            await page.AssertNoSidewaysScrollAsync("webhook-log", width);
            await CheckAsync("deliveries", "/settings/integrations/deliveries", "[data-testid=delivery-log] tbody tr >> nth=9");
        }
    }

    private async Task CheckAsync(string name, string path, string loaded)
    {
        await page.GotoAsync(path);
        await page.WaitForInteractiveAsync();
        await page.Locator(loaded).WaitForAsync();
        var width = page.ViewportSize!.Width;
        await page.AssertNoSidewaysScrollAsync(name, width);
    }
}
