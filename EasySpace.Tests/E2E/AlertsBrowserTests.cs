using EasySpace.Core.Alerts;
using EasySpace.Core.Data;
using EasySpace.Tests.Harness;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using static Microsoft.Playwright.Assertions;

namespace EasySpace.Tests.E2E;

/// <summary>The bell and the alerts page in a real browser, on a desktop and a phone: readable, no sideways scroll, axe-clean with the list open.</summary>
[Collection(BrowserCollection.Name)]
public class AlertsBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly AppHost app = new();

    public async Task InitializeAsync()
    {
        await app.SetUpSpaceAsync();
        // Two alerts at once: a webhook with a long name EasySpace switched off, and a full disk.
        var hook = await app.CreateEndpointAsync(new Uri("https://crm.example.com/hooks/easyspace"), ["created_admin"], name: "CRM for members and bookings (production)");
        await using (var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            (await db.Endpoints.SingleAsync(e => e.Id == hook.Endpoint.Id))
                .Deactivate("Every retry failed (11 attempts over 19 hours); the last one: HTTP 503 Service Unavailable.", DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        }
        app.Get<StorageHealth>().Failed(new SqliteException("database or disk is full", 13));
        await app.Get<AlertEvaluator>().EvaluateAsync();
    }

    public Task DisposeAsync()
    {
        app.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_bell_and_the_alerts_page_fit_a_desktop_and_a_phone()
    {
        foreach (var (width, height) in new[] { (1280, 800), (390, 844) })
        {
            var page = await browser.NewPageAsync(app.BaseAddress, width, height);
            await page.GotoAsync("/Account/Login");
            await page.LogInAsync(AppHost.OwnerEmail, AppHost.Password);
            await page.WaitForInteractiveAsync();

            await page.GotoAsync("/settings/integrations/alerts");
            await page.WaitForInteractiveAsync();
            await Expect(page.Locator("[data-testid=alerts-open]")).ToContainTextAsync("Webhook “CRM for members and bookings (production)” was switched off by EasySpace");
            await Expect(page.ByTestId("alert-bell")).ToHaveAttributeAsync("aria-label", "Alerts: 2 unread");
            await page.AssertNoSidewaysScrollAsync("alerts-page", width);
            await page.AssertNoSeriousViolationsAsync($"alerts page at {width} px");

            await page.ByTestId("alert-bell").ClickAsync();
            await Expect(page.Locator("[data-testid=alert-item]")).ToHaveCountAsync(2);
            // The list fades in: look at it (and let axe judge its colours) once it is fully there.
            await Expect(page.Locator(".alert-list")).ToHaveCSSAsync("opacity", "1");
            await page.AssertNoSidewaysScrollAsync("alert-bell-open", width);
            await page.AssertNoSeriousViolationsAsync($"open alert list at {width} px");
            await page.Context.CloseAsync();
        }
    }
}
