using EasySpace.Tests.Harness;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EasySpace.Tests.E2E;

/// <summary>
/// Integrations > Events in a real browser: reached from the overview and the webhook form, each event in a manager's
/// words with its code beside, and a body's example and schema opened as code that scrolls inside itself on a phone.
/// </summary>
[Collection(BrowserCollection.Name)]
public class EventsPageBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly AppHost app = new();
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
    public async Task A_manager_finds_what_each_event_sends_and_reads_its_example_and_schema_on_a_phone()
    {
        await page.GotoAsync("/Account/Login");
        await page.LogInAsync(AppHost.OwnerEmail, AppHost.Password);
        await page.WaitForInteractiveAsync();
        await page.GotoAsync("/settings/integrations/webhooks/new");
        await page.WaitForInteractiveAsync();
        await Expect(page.Locator("[data-testid=events-what-they-send]")).ToHaveAttributeAsync("href", "settings/integrations/events");

        await page.GotoAsync("/settings/integrations");
        await page.WaitForInteractiveAsync();
        await page.Locator("[data-testid=link-events]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/settings/integrations/events$"));
        await page.WaitForInteractiveAsync();

        var membership = page.Locator("[data-testid=event-deleted_membership]");
        await Expect(membership.Locator("h3")).ToHaveTextAsync("Membership deleted");
        await Expect(membership.Locator("[data-testid=event-code]")).ToHaveTextAsync("deleted_membership");
        await Expect(page.Locator("[data-testid=event-booking_will_begin] [data-testid=event-filters]")).ToContainTextAsync("one room or desk");

        foreach (var (width, height) in new[] { (1280, 800), (390, 844) })
        {
            await page.SetViewportSizeAsync(width, height);
            var panel = membership.Locator("[data-testid=payload-thin]");
            if (await panel.CountAsync() == 0) await membership.Locator("[data-testid=show-thin]").ClickAsync();
            await Expect(membership.Locator("[data-testid=show-thin]")).ToHaveAttributeAsync("aria-expanded", "true");
            await Expect(panel.Locator("[data-testid=payload-example]")).ToContainTextAsync("\"membership\": {");   // Cobot's last state, under its name
            await Expect(panel.Locator("[data-testid=payload-schema]")).ToContainTextAsync("https://json-schema.org/draft/2020-12/schema");
            await panel.Locator("[data-testid=payload-schema]").ScrollIntoViewIfNeededAsync();
            await page.AssertNoSidewaysScrollAsync("events", width);
            await page.AssertNoSeriousViolationsAsync($"events at {width} px, a body open");
        }
    }
}
