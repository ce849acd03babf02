using System.Text.RegularExpressions;
using EasySpace.Core.Data;
using EasySpace.Core.Identity;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Harness;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EasySpace.Tests.E2E;

/// <summary>In real Chromium: an admin's open page stops working the moment the owner removes them.</summary>
[Collection(BrowserCollection.Name)]
public class SessionEndBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string Ada = "ada@example.com";
    private readonly AppHost app = new();

    public async Task InitializeAsync()
    {
        await app.SetUpSpaceAsync();
        await app.Services.AddPlanAsync();
        Assert.True((await app.Get<UserAdministration>().AddAdminAsync(new NewAccount(Ada, AppHost.Password), false, "test")).Succeeded);
    }

    [Fact]
    public async Task A_removed_admins_next_click_is_refused_and_leads_to_the_login_page()
    {
        // Ada has the "Add member" dialog filled in on an open page...
        var adaPage = await browser.NewPageAsync(app.BaseAddress);
        await LogInAsync(adaPage, Ada);
        await adaPage.GotoAsync("/members");
        await adaPage.WaitForInteractiveAsync();
        await adaPage.ByTestId("add-member").ClickAsync();
        await adaPage.ByTestId("new-member-name").FillAsync("Late Larry");
        await adaPage.ByTestId("new-member-email").FillAsync("larry@example.com");

        // ...when the owner removes her on the Admins page.
        var ownerPage = await browser.NewPageAsync(app.BaseAddress);
        await LogInAsync(ownerPage, AppHost.OwnerEmail);
        await ownerPage.GotoAsync("/settings/admins");
        await ownerPage.WaitForInteractiveAsync();
        await ownerPage.Locator($"button[data-testid=\"remove-admin-{Ada}\"]").ClickAsync();
        await ownerPage.GetByRole(AriaRole.Button, new() { Name = $"Remove {Ada}" }).ClickAsync();
        await Expect(ownerPage.GetByText($"{Ada} is no longer an admin.")).ToBeVisibleAsync();

        await adaPage.ByTestId("new-member-submit").ClickAsync();

        await Expect(adaPage).ToHaveURLAsync(new Regex("/Account/Login"));
        await Expect(adaPage.GetByRole(AriaRole.Button, new() { Name = "Log in" })).ToBeVisibleAsync();
        await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.False(await db.Memberships.AnyAsync(m => m.Email == "larry@example.com"));
        Assert.False(await db.ActivityLog.AnyAsync(e => e.Actor == Ada));
    }

    private static async Task LogInAsync(IPage page, string email)
    {
        await page.GotoAsync("/Account/Login");
        await page.LogInAsync(email, AppHost.Password);
        await page.WaitForInteractiveAsync();
    }

    public Task DisposeAsync()
    {
        app.Dispose();
        return Task.CompletedTask;
    }
}
