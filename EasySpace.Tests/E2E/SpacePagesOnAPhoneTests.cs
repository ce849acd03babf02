using EasySpace.Core.Demo;
using EasySpace.Core.Space;
using EasySpace.Core.Space.Community;
using EasySpace.Core.Space.Invoices;
using EasySpace.Core.Space.Members;
using EasySpace.Tests.Harness;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EasySpace.Tests.E2E;

/// <summary>The space's own pages with the demo data on a 390 px phone: nothing scrolls sideways and nothing is cut off
/// (the members' search box shows its whole placeholder; the space's name keeps to one line of the app bar).</summary>
[Collection(BrowserCollection.Name)]
public class SpacePagesOnAPhoneTests(BrowserFixture browser) : IAsyncLifetime
{
    private const int Width = 390;
    private readonly AppHost app = new();

    public async Task InitializeAsync()
    {
        await app.SetUpSpaceAsync("Co-Up Berlin");
        Assert.True((await app.Get<DemoData>().CreateAsync()).Succeeded);
    }

    public Task DisposeAsync()
    {
        app.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Every_space_page_fits_a_phone_and_shows_the_invoice_net_column_the_filters_Add_admin_and_the_search_hint()
    {
        var invoice = (await app.Get<InvoiceReader>().PageAsync(null, 0, 1)).Items[0];
        var member = (await app.Get<MembershipDirectory>().PageAsync(null, 0, 1)).Items[0];
        var communityEvent = (await app.Get<CommunityService>().PageAsync(0, 1)).Items.FirstOrDefault();
        var page = await browser.NewPageAsync(app.BaseAddress, Width, 844);
        await page.GotoAsync("/Account/Login?ReturnUrl=%2Finvoices");
        await page.LogInAsync(AppHost.OwnerEmail, AppHost.Password);
        await page.WaitForInteractiveAsync();

        string[] paths =
        [
            "/bookings", "/checkins", "/community", "/guests", "/passes", "/invoices", $"/invoices/{invoice.Id}", "/members", $"/members/{member.Id}",
            "/me", "/settings/admins", "/settings/space", "/settings/integrations/payments", "/settings/integrations/payments/transactions",
            "/settings/integrations/api-access", .. communityEvent is null ? Array.Empty<string>() : [$"/community/{communityEvent.Id}"],
        ];
        foreach (var path in paths)
        {
            await page.GotoAsync(path);
            await page.WaitForInteractiveAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            var name = path.Trim('/').Replace('/', '-');
            await page.AssertNoSidewaysScrollAsync(name, Width);

            if (path == "/invoices")
                foreach (var filter in await page.Locator("[data-testid^=invoice-filter-]").AllAsync()) await AssertOnScreenAsync(filter, "an invoice filter");
            if (path == $"/invoices/{invoice.Id}")
                await AssertOnScreenAsync(page.Locator("[data-testid=invoice-item-net]").First, "a line item's Net amount");
            if (path == "/settings/admins")
                await AssertOnScreenAsync(page.Locator("button[data-testid=add-admin]"), "Add admin");
            if (path == "/members")
            {
                var search = page.Locator("[data-testid=members-search] input, input[data-testid=members-search]").First;
                // The placeholder is drawn, not laid out: measure its text in the box's own font against the room inside the box.
                var room = await search.EvaluateAsync<double>("""
                    i => { const s = getComputedStyle(i), c = document.createElement('canvas').getContext('2d'); c.font = s.font;
                           return i.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight) - c.measureText(i.placeholder).width; }
                    """);
                Assert.True(room >= 0, $"The members' search box cuts its placeholder off by {-room:0} px.");
            }
        }

        // The space's name in the app bar: one line, cut short if it must be, and whole in its title.
        var spaceName = page.Locator("[data-testid=space-name]");
        await Expect(spaceName).ToHaveAttributeAsync("title", "Co-Up Berlin");
        var lines = await spaceName.EvaluateAsync<double>("n => n.getBoundingClientRect().height / parseFloat(getComputedStyle(n).lineHeight)");
        Assert.True(lines < 1.5, $"The space's name takes {lines:0.#} lines of the app bar.");
    }

    /// <summary>The element is shown whole inside the 390 px window: not clipped by a table that scrolls inside itself.</summary>
    private static async Task AssertOnScreenAsync(ILocator element, string what)
    {
        await Expect(element).ToBeVisibleAsync();
        var box = await element.BoundingBoxAsync() ?? throw new InvalidOperationException($"{what} has no box.");
        Assert.True(box.X >= 0 && box.X + box.Width <= Width, $"{what} spans {box.X:0}–{box.X + box.Width:0} px of a {Width} px phone.");
    }
}
