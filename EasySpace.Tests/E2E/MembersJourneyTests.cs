using EasySpace.Tests.Harness;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EasySpace.Tests.E2E;

/// <summary>In real Chromium: the owner adds a plan and a member, the member logs in with the password shown once.</summary>
[Collection(BrowserCollection.Name)]
public class MembersJourneyTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly AppHost app = new();

    public Task InitializeAsync() => app.SetUpSpaceAsync("Co-Up Berlin");

    [Fact]
    public async Task The_owner_adds_a_plan_and_a_member_who_then_chooses_a_password_from_the_invitation_link()
    {
        var page = await browser.NewPageAsync(app.BaseAddress);
        await LogInAsync(page, AppHost.OwnerEmail, AppHost.Password);

        await page.GotoAsync("/members");
        await page.WaitForInteractiveAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "Plans" }).ClickAsync();
        await page.ByTestId("add-plan").ClickAsync();
        await page.ByTestId("plan-name").FillAsync("Flex desk");
        await page.ByTestId("plan-price").FillAsync("-1");
        await page.ByTestId("plan-submit").ClickAsync();
        await Expect(page.GetByText("The price cannot be negative.")).ToBeVisibleAsync();
        await page.ByTestId("plan-price").FillAsync("120");
        await page.ByTestId("plan-submit").ClickAsync();
        await Expect(page.GetByText("120.00 EUR per month")).ToBeVisibleAsync();
        await page.ScreenshotAsync("members-plans");

        await page.GetByRole(AriaRole.Tab, new() { Name = "Members" }).ClickAsync();
        await page.ByTestId("add-member").ClickAsync();
        await page.ByTestId("new-member-name").FillAsync("Mia Member");
        await page.ByTestId("new-member-email").FillAsync("mia@example.com");
        await page.ScreenshotAsync("members-add-dialog");
        await page.ByTestId("new-member-submit").ClickAsync();
        // E-mail is off: the invitation link is shown once, to pass on.
        var link = await page.Locator("[data-testid=invitation-link] textarea, textarea[data-testid=invitation-link]").First.InputValueAsync();
        Assert.Contains("/Account/Invitation?token=", link);
        await page.ScreenshotAsync("members-invitation-once");
        await page.ByTestId("invitation-done").ClickAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Mia Member" }).ClickAsync();
        await Expect(page.Locator("[data-testid=member-name]")).ToHaveTextAsync("Mia Member");
        await page.ByTestId("open-add-time-passes").ClickAsync();
        await page.ByTestId("time-passes-count").FillAsync("2");
        await page.ByTestId("time-passes-reason").FillAsync("welcome");
        await page.ByTestId("time-passes-submit").ClickAsync();
        await Expect(page.Locator("[data-testid=member-time-passes]")).ToHaveTextAsync("2");
        await page.ScreenshotAsync("member-detail");

        // The member opens the link, chooses a password and is logged in; the link then works no more.
        var memberPage = await browser.NewPageAsync(app.BaseAddress);
        await memberPage.GotoAsync(link);
        await memberPage.Locator("#Input\\.Password").FillAsync("M1a-chose-this!");
        await memberPage.Locator("#Input\\.ConfirmPassword").FillAsync("M1a-chose-this!");
        await memberPage.ByTestId("set-password").ClickAsync();
        await memberPage.WaitForInteractiveAsync();
        await memberPage.GotoAsync(link);
        await Expect(memberPage.Locator("[data-testid=link-expired]")).ToContainTextAsync("expired or was already used");
        await memberPage.GotoAsync("/me");
        await memberPage.WaitForInteractiveAsync();
        await Expect(memberPage.Locator("[data-testid=my-time-passes]")).ToContainTextAsync("Time passes: 2");
        await memberPage.ScreenshotAsync("member-me");
    }

    private static async Task LogInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/Account/Login");
        await page.LogInAsync(email, password);
        await page.WaitForInteractiveAsync();
    }

    public Task DisposeAsync()
    {
        app.Dispose();
        return Task.CompletedTask;
    }
}
