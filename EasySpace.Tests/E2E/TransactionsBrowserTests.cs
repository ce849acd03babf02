using EasySpace.Core.Demo;
using EasySpace.Core.Space;
using EasySpace.Tests.Harness;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EasySpace.Tests.E2E;

/// <summary>The transaction history of the demo space, on a phone and on a desktop, in a real browser.</summary>
[Collection(BrowserCollection.Name)]
public class TransactionsBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
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

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 800)]
    public async Task The_transactions_page_shows_the_demo_payments_without_sideways_scrolling(int width, int height)
    {
        var page = await browser.NewPageAsync(app.BaseAddress, width, height);
        await page.GotoAsync("/Account/Login?ReturnUrl=%2Fsettings%2Fintegrations%2Fpayments%2Ftransactions");
        await page.LogInAsync(AppHost.OwnerEmail, AppHost.Password);
        await page.WaitForInteractiveAsync();

        await Expect(page.Locator("[data-testid=transaction-when]")).ToHaveCountAsync(5);
        await Expect(page.Locator("[data-testid=transaction-member] a").First).ToBeVisibleAsync();
        await page.AssertNoSidewaysScrollAsync("transactions", width);
    }
}
