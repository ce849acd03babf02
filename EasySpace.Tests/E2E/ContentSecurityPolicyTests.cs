using EasySpace.Tests.Api;
using EasySpace.Tests.Harness;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EasySpace.Tests.E2E;

[Collection(BrowserCollection.Name)]
public class ContentSecurityPolicyTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly ApiFixture app = new();

    public Task InitializeAsync() => app.InitializeAsync();

    [Fact]
    public async Task The_main_pages_work_under_the_content_security_policy()
    {
        var page = await browser.NewPageAsync(app.BaseAddress);
        var violations = new List<string>();
        // Chromium reports each blocked script, style, connection or frame on the console.
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy")) lock (violations) violations.Add($"{page.Url}: {message.Text}");
        };

        await page.GotoAsync("/Account/Login");
        await page.LogInAsync(AppHost.OwnerEmail, AppHost.Password);
        await page.WaitForInteractiveAsync();

        foreach (var path in new[]
                 {
                     "/members", "/bookings", "/checkins", "/invoices", "/settings/admins", "/settings/integrations",
                     "/settings/integrations/webhooks/new", "/settings/integrations/api-access", "/settings/integrations/activity", "/me",
                 })
        {
            await page.GotoAsync(path);
            await page.WaitForInteractiveAsync();   // the circuit's WebSocket is open
        }
        // A dialog: MudBlazor positions it with inline styles.
        await page.GotoAsync("/settings/admins");
        await page.WaitForInteractiveAsync();
        await page.Locator("[data-testid=add-admin]").ClickAsync();
        await Expect(page.Locator(".mud-dialog")).ToBeVisibleAsync();

        await page.GotoAsync("/api/docs", new() { WaitUntil = WaitUntilState.DOMContentLoaded, Timeout = 60_000 });
        await Expect(page.GetByText("/api/admins/{id}").First).ToBeVisibleAsync(new() { Timeout = 60_000 });

        Assert.Empty(violations);
    }

    public Task DisposeAsync()
    {
        app.Dispose();
        return Task.CompletedTask;
    }
}
