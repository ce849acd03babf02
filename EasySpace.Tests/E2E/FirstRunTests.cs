using EasySpace.Tests.Harness;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EasySpace.Tests.E2E;

[Collection(BrowserCollection.Name)]
public class FirstRunTests(BrowserFixture browser) : IDisposable
{
    private readonly AppHost app = new();

    [Fact]
    public async Task A_new_owner_completes_setup_logs_in_and_opens_Space_Settings_Integrations()
    {
        var page = await browser.NewPageAsync(app.BaseAddress);

        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/setup$"));
        await page.WaitForInteractiveAsync();
        await page.AssertNoSidewaysScrollAsync("setup", 1280);
        await page.AssertNoSeriousViolationsAsync("setup at 1280");
        var phone = await browser.NewPageAsync(app.BaseAddress, 390, 844);
        await phone.GotoAsync("/setup");
        await phone.WaitForInteractiveAsync();
        await phone.AssertNoSidewaysScrollAsync("setup", 390);
        await phone.AssertNoSeriousViolationsAsync("setup at 390");

        await page.ByTestId("setup-owner-name").FillAsync("Ada Keller");
        await page.ByTestId("setup-email").FillAsync("owner@example.com");
        await page.ByTestId("setup-password").FillAsync("weak");
        await page.ByTestId("setup-space-name").FillAsync("Co-Up Berlin");
        await page.ByTestId("setup-submit").ClickAsync();
        await Expect(page.GetByText("Passwords must be at least 10 characters.")).ToBeVisibleAsync();
        await page.ScreenshotAsync("setup-weak-password");

        await page.ByTestId("setup-password").FillAsync(AppHost.Password);
        await page.ByTestId("setup-submit").ClickAsync();

        await page.WaitForURLAsync("**/Account/Login?email=*");
        await Expect(page.Locator("#Input\\.Email")).ToHaveValueAsync("owner@example.com");
        await page.Locator("#Input\\.Password").FillAsync(AppHost.Password);
        await page.ScreenshotAsync("login");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();

        await page.WaitForInteractiveAsync();
        await Expect(page.Locator("[data-testid=space-name]")).ToHaveTextAsync("Co-Up Berlin");
        await page.ScreenshotAsync("dashboard");
        await page.GotoAsync("/Account/Manage");
        await Expect(page.Locator("[data-testid=account-name]")).ToHaveTextAsync("Ada Keller");
        await page.GotoAsync("/");
        await page.WaitForInteractiveAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Integrations", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/settings/integrations$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Integrations" })).ToBeVisibleAsync();
        await page.ScreenshotAsync("integrations");
    }

    public void Dispose() => app.Dispose();
}
