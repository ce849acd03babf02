using EasySpace.Core.Demo;
using EasySpace.Core.Space;
using EasySpace.Tests.Harness;
using static Microsoft.Playwright.Assertions;

namespace EasySpace.Tests.E2E;

/// <summary>The dashboard of the demo space a manager opens in the morning, on a phone and on a desktop, in a real browser.</summary>
[Collection(BrowserCollection.Name)]
public class DashboardBrowserTests(BrowserFixture browser, DashboardBrowserTests.DemoSpace space) : IClassFixture<DashboardBrowserTests.DemoSpace>
{
    private AppHost App => space.App;

    /// <summary>One demo space for both widths: making it is most of the test's time.</summary>
    public sealed class DemoSpace : IAsyncLifetime
    {
        public AppHost App { get; } = new();

        public async Task InitializeAsync()
        {
            await App.SetUpSpaceAsync("Co-Up Berlin");
            Assert.True((await App.Get<DemoData>().CreateAsync()).Succeeded);
        }

        public Task DisposeAsync()
        {
            App.Dispose();
            return Task.CompletedTask;
        }
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 800)]
    public async Task The_demo_dashboard_shows_the_day_in_words_and_stacks_its_cards_on_a_phone(int width, int height)
    {
        var page = await browser.NewPageAsync(App.BaseAddress, width, height);
        await page.GotoAsync("/Account/Login?ReturnUrl=%2F");
        await page.LogInAsync(AppHost.OwnerEmail, AppHost.Password);
        await page.WaitForInteractiveAsync();

        await Expect(page.Locator("[data-testid=upcoming-booking]")).ToHaveCountAsync(8);   // the first of the week's 24
        await Expect(page.Locator("[data-testid=present-member]")).ToHaveCountAsync(6);
        await Expect(page.Locator("[data-testid=open-invoice][data-overdue=true]")).ToHaveCountAsync(3);
        await Expect(page.Locator("[data-testid=leaving-member]")).ToHaveCountAsync(2);
        await Expect(page.Locator("[data-testid=integrations-fine]")).ToBeVisibleAsync();   // the example webhooks are switched off, not failing
        var text = await page.Locator("main, body").First.InnerTextAsync();
        Assert.DoesNotContain("_", text.Replace("Example", ""));   // no event codes such as created_membership
        await page.AssertNoSidewaysScrollAsync("dashboard", width);
        await page.AssertNoSeriousViolationsAsync($"dashboard at {width}");
    }
}
