using EasySpace.Tests.Harness;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EasySpace.Tests.E2E;

/// <summary>
/// In real Chromium: the login, account and password pages (static, no circuit) wear the app's theme, read well on a
/// phone, pass axe-core, and their forms work as plain posts.
/// </summary>
[Collection(BrowserCollection.Name)]
public class AccountPagesBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly AppHost app = new();

    public Task InitializeAsync() => app.SetUpSpaceAsync();

    [Theory]
    [InlineData(1280, 800)]
    [InlineData(390, 844)]
    public async Task Login_account_and_password_pages_look_like_the_app_and_pass_axe(int width, int height)
    {
        var page = await browser.NewPageAsync(app.BaseAddress, width, height);

        await page.GotoAsync("/Account/Login");
        await AssertAppLookAsync(page);
        await page.AssertNoSidewaysScrollAsync("account-login", width);
        await page.AssertNoSeriousViolationsAsync($"login at {width}");

        await page.LogInAsync(AppHost.OwnerEmail, AppHost.Password);
        await page.WaitForInteractiveAsync();
        await page.GotoAsync("/Account/Manage");
        await AssertAppLookAsync(page);
        // Links in the text read as links: underlined, not only coloured.
        foreach (var decoration in await page.Locator("main a").EvaluateAllAsync<string[]>("as => as.map(a => getComputedStyle(a).textDecorationLine)"))
            Assert.Contains("underline", decoration);
        await page.AssertNoSidewaysScrollAsync("account-manage", width);
        await page.AssertNoSeriousViolationsAsync($"account at {width}");

        await page.GotoAsync("/Account/Manage/ChangePassword");
        await AssertAppLookAsync(page);
        await page.AssertNoSidewaysScrollAsync("account-change-password", width);
        await page.AssertNoSeriousViolationsAsync($"change password at {width}");
    }

    [Fact]
    public async Task The_account_page_shows_the_name_and_saves_a_new_one_without_a_circuit()
    {
        var page = await browser.NewPageAsync(app.BaseAddress, 390, 844);
        await page.GotoAsync("/Account/Login");
        await page.LogInAsync(AppHost.OwnerEmail, AppHost.Password);
        await page.WaitForInteractiveAsync();
        await page.GotoAsync("/Account/Manage");

        await page.Locator("#NameInput\\.Name").FillAsync("Ada Keller");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save name" }).ClickAsync();

        await Expect(page.GetByText("Your name is saved.")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=account-name]")).ToHaveTextAsync("Ada Keller");
        await page.ScreenshotAsync("account-name-saved-390");
    }

    /// <summary>The theme's app bar colour and typeface, and a heading that takes focus (for screen readers) without a box round it.</summary>
    private static async Task AssertAppLookAsync(IPage page)
    {
        await Expect(page.Locator("header.account-header")).ToHaveCSSAsync("background-color", "rgb(31, 111, 92)");
        await Expect(page.Locator("h1")).ToHaveCSSAsync("font-family", new System.Text.RegularExpressions.Regex("Roboto"));
        var outline = await page.Locator("h1").EvaluateAsync<string>("h => { h.setAttribute('tabindex', '-1'); h.focus(); return getComputedStyle(h).outlineStyle; }");
        Assert.Equal("none", outline);
    }

    public Task DisposeAsync()
    {
        app.Dispose();
        return Task.CompletedTask;
    }
}
