using EasySpace.Core.Demo;
using EasySpace.Core.Data;
using EasySpace.Core.RequestInbox;
using EasySpace.Core.Space;
using EasySpace.Core.Space.Invoices;
using EasySpace.Core.Space.Members;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;
using EasySpace.Web.Components.Layout;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EasySpace.Tests.E2E;

/// <summary>
/// The demo space (demo-data), plus what it lacks for the detail pages: a webhook with a delivery in its log, and a
/// member who can log in and has an invoice. One app for all the every-page tests.
/// </summary>
public sealed class LivelySpace : IAsyncLifetime
{
    private Receiver receiver = default!;

    public AppHost App { get; } = new();
    public CreatedMember Member { get; private set; } = default!;
    public Invoice MembersInvoice { get; private set; } = default!;
    public long WebhookId { get; private set; }
    public long InboxId { get; private set; }
    public long DemoMemberId { get; private set; }
    public long DemoInvoiceId { get; private set; }

    public async Task InitializeAsync()
    {
        await App.SetUpSpaceAsync("Co-Up Berlin");
        var demo = await App.Get<DemoData>().CreateAsync();
        Assert.True(demo.Succeeded, demo.Errors.ToString());

        receiver = await Receiver.StartAsync();
        WebhookId = (await App.CreateEndpointAsync(receiver.Url, ["created_admin"], name: "CRM")).Endpoint.Id;
        await App.AddAdminAsync();
        await App.PumpAsync();
        var inbox = (await App.Get<RequestInboxService>().CreateAsync("CRM trial", AppHost.OwnerEmail)).Value!;
        await App.Get<RequestInboxReceiver>().ReceiveAsync(inbox.Token, "POST", new Dictionary<string, string> { ["Content-Type"] = "application/json" },
            """{"type":"created_admin","data":{"email":"ines@example.com"}}"""u8.ToArray(), default);
        InboxId = inbox.Id;

        await using var db = await App.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var plan = await db.Plans.OrderBy(p => p.Id).FirstAsync();
        DemoMemberId = (await db.Memberships.OrderBy(m => m.Id).FirstAsync()).Id;
        DemoInvoiceId = (await db.Invoices.OrderBy(i => i.Id).FirstAsync()).Id;
        Member = await App.Services.AddMemberAsync(plan.Id, "Mia Member", "mia@example.com");
        MembersInvoice = await PortalBrowserTests.SentInvoiceAsync(App, Member);
    }

    public async Task DisposeAsync()
    {
        await receiver.DisposeAsync();
        App.Dispose();
    }
}

/// <summary>
/// axe-core and the sideways-scroll check over every page the navigation links to (read from the rendered menu, so a
/// new item is covered without editing this test) and the pages one click deeper, for the owner and for a member,
/// at desktop and phone width, in the light and the dark theme. Every finding is collected, then reported at once.
/// </summary>
[Collection(BrowserCollection.Name)]
public class EveryPageTests(BrowserFixture browser, LivelySpace space) : IClassFixture<LivelySpace>
{
    [Theory]
    [InlineData(1280, 800, "light")]
    [InlineData(1280, 800, "dark")]
    [InlineData(390, 844, "light")]
    [InlineData(390, 844, "dark")]
    public async Task Every_page_has_no_serious_accessibility_violation_and_no_sideways_scroll(int width, int height, string theme)
    {
        var page = await OwnersPageAsync(width, height, theme);
        var findings = new List<string>();
        try
        {
            var webhook = $"/settings/integrations/webhooks/{space.WebhookId}";
            string[] deeper =
            [
                $"/members/{space.DemoMemberId}", $"/invoices/{space.DemoInvoiceId}", webhook, webhook + "/edit",
                "/settings/integrations/webhooks/new", $"/settings/integrations/request-inbox/{space.InboxId}", "/settings/integrations/payments/stripe", "/settings/integrations/payments/paypal",
                "/settings/integrations/alerts", "/settings/integrations/events", "/Account/Manage", "/Account/ForgotPassword", "/Account/Invitation?token=expired", "/error/500", "/not-found",
            ];
            foreach (var path in (await NavigationLinksAsync(page)).Concat(deeper).Distinct())
                await CheckAsync(page, path, width, theme, findings);

            // The member portal, as a member: their own navigation, an invoice of theirs, and a section they may not open.
            await page.Context.ClearCookiesAsync();
            await RememberThemeAsync(page, theme);
            await page.GotoAsync("/Account/Login");
            await page.LogInAsync("mia@example.com", space.Member.Password);
            await page.WaitForInteractiveAsync();
            foreach (var path in (await NavigationLinksAsync(page)).Concat([$"/me/invoices/{space.MembersInvoice.Id}", "/members"]).Distinct())
                await CheckAsync(page, path, width, theme, findings, who: "member");
        }
        finally
        {
            await page.Context.CloseAsync();
        }

        Assert.True(findings.Count == 0, $"{findings.Count} finding(s) at {width} px, {theme} theme:\n" + string.Join("\n", findings));
    }

    [Fact]
    public async Task A_chosen_dark_theme_is_kept_over_a_full_reload_and_rendered_dark_by_the_server()
    {
        var page = await OwnersPageAsync();
        try
        {
            await page.Locator("button[data-testid=theme-toggle]").ClickAsync();
            await Expect(page.Locator("button[data-testid=theme-toggle]")).ToHaveAttributeAsync("aria-label", "Switch to light theme");

            var reloaded = await page.ReloadAsync();

            // The server's first HTML is already dark (no flash of the light theme), and it stays dark once interactive.
            var html = await reloaded!.TextAsync();
            Assert.Contains("Switch to light theme", html);
            await page.WaitForInteractiveAsync();
            await Expect(page.Locator("button[data-testid=theme-toggle]")).ToHaveAttributeAsync("aria-label", "Switch to light theme");
            var background = await page.EvaluateAsync<int[]>("getComputedStyle(document.body).backgroundColor.match(/\\d+/g).slice(0, 3).map(Number)");
            Assert.All(background, channel => Assert.True(channel < 100, $"the page background is rgb({string.Join(", ", background)}), not dark"));
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task The_accessibility_check_reports_a_serious_violation_that_a_page_has()
    {
        // Tried: the dashboard with an image added that has no text alternative (axe's critical "image-alt"): the check
        // the page walk above relies on must see it.
        var page = await OwnersPageAsync();
        try
        {
            await page.EvaluateAsync("() => document.querySelector('main').appendChild(Object.assign(document.createElement('img'), { src: '/favicon.png' }))");
            var found = await page.SeriousViolationsAsync();
            Assert.Contains(found, f => f.Rule == "image-alt" && f.Impact == "critical");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task The_account_menu_opens_from_its_named_button_by_mouse_and_keyboard()
    {
        var page = await OwnersPageAsync();
        try
        {
            var account = page.GetByRole(AriaRole.Button, new() { Name = "Account", Exact = true });

            await account.ClickAsync();
            await Expect(page.GetByText("Your account")).ToBeVisibleAsync();

            // From the keyboard too.
            await page.ReloadAsync();
            await page.WaitForInteractiveAsync();
            await account.FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.GetByText("Your account")).ToBeVisibleAsync();
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>A fresh browser context at the given size (and remembered theme), logged in as the owner, on the dashboard.</summary>
    private async Task<IPage> OwnersPageAsync(int width = 1280, int height = 800, string? theme = null)
    {
        var page = await browser.NewPageAsync(space.App.BaseAddress, width, height);
        if (theme is not null) await RememberThemeAsync(page, theme);
        await page.GotoAsync("/Account/Login");
        await page.LogInAsync(AppHost.OwnerEmail, AppHost.Password);
        await page.WaitForInteractiveAsync();
        return page;
    }

    private Task RememberThemeAsync(IPage page, string theme) => page.Context.AddCookiesAsync(
        [new Cookie { Name = SpaceTheme.Cookie, Value = theme, Url = space.App.BaseAddress.ToString() }]);

    /// <summary>Where the menu the user sees links to (in the page whether or not the phone's drawer is open).</summary>
    private static async Task<IReadOnlyList<string>> NavigationLinksAsync(IPage page)
    {
        var links = await page.Locator("nav.mud-navmenu a[href]").EvaluateAllAsync<string[]>("links => links.map(a => new URL(a.href).pathname)");
        Assert.NotEmpty(links);
        return links;
    }

    /// <summary>Opens the page, checks it, then each of its tabs in turn.</summary>
    private static async Task CheckAsync(IPage page, string path, int width, string theme, List<string> findings, string who = "owner")
    {
        await page.GotoAsync(path);
        // The account pages post plain forms and render statically: they never become interactive.
        if (!path.StartsWith("/Account/", StringComparison.Ordinal)) await page.WaitForInteractiveAsync();
        var name = who == "member" ? $"{path} (member)" : path;
        await AuditAsync(page, name, width, theme, findings);

        // The page's own tabs (MudTabs, not a wizard's steps); nested tabs are checked as they first show.
        var tabs = page.Locator(".mud-tabs-tabbar").First.GetByRole(AriaRole.Tab);
        var count = await tabs.CountAsync();
        for (var i = 1; i < count; i++)
        {
            var tab = tabs.Nth(i);
            if (await tab.IsDisabledAsync()) continue;
            var label = (await tab.TextContentAsync())?.Trim();
            await tab.ClickAsync();
            await Expect(tab).ToHaveAttributeAsync("aria-selected", "true");
            await AuditAsync(page, $"{name} > {label}", width, theme, findings);
        }
    }

    private static async Task AuditAsync(IPage page, string name, int width, string theme, List<string> findings)
    {
        var found = (await page.SeriousViolationsAsync()).Select(v => (v.Rule, Text: v.ToString())).ToList();
        if (await page.Locator("main h1").CountAsync() != 1) found.Add(("page-has-heading-one", "the page has no h1 (or more than one) in its main landmark"));
        var shot = $"every-{theme}-{name.Trim('/').Replace('/', '-').Replace(' ', '-').Replace(">", "")}";
        if (await page.SidewaysScrollAsync(shot, width) is { } sideways) found.Add(("sideways-scroll", sideways));
        findings.AddRange(found.Select(f => $"{name} @ {width} px, {theme}: {f.Text}"));
    }
}
