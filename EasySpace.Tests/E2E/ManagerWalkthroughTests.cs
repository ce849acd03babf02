using System.Text.RegularExpressions;
using EasySpace.Core.Events;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EasySpace.Tests.E2E;

/// <summary>
/// A coworking manager in a real browser against the real app on Kestrel, with a receiver that really listens:
/// adds a webhook, tests it, watches an event arrive, switches it off and on, reads the stats and the log,
/// redelivers, deletes it; then makes an API token. Each page is photographed on a desktop and a phone.
/// </summary>
[Collection(BrowserCollection.Name)]
public class ManagerWalkthroughTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly AppHost app = new();
    private Receiver receiver = default!;
    private IPage page = default!;

    public async Task InitializeAsync()
    {
        receiver = await Receiver.StartAsync();
        await app.SetUpSpaceAsync("Co-Up Berlin");
        page = await browser.NewPageAsync(app.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        await page.Context.CloseAsync();
        await receiver.DisposeAsync();
        app.Dispose();
    }

    [Fact]
    public async Task A_manager_adds_tests_pauses_resumes_inspects_and_deletes_a_webhook()
    {
        await LogInAsync();

        await page.GotoAsync("/settings/integrations");
        await page.WaitForInteractiveAsync();
        await Expect(page.Locator("[data-testid=card-stripe] [data-testid=provider-availability]")).ToContainTextAsync("Germany");
        await ShotAsync("integrations-overview");

        await page.GetByRole(AriaRole.Link, new() { Name = "Webhooks", Exact = true }).ClickAsync();
        await Expect(page.Locator("[data-testid=webhooks-empty]")).ToBeVisibleAsync();
        await ShotAsync("webhooks-empty");

        // Add webhook: two admin events and a custom header, to the receiver on loopback (http: a warning, not an error).
        await page.Locator("[data-testid=webhooks-empty] [data-testid=add-webhook]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/settings/integrations/webhooks/new$"));
        await page.WaitForInteractiveAsync();
        await page.ByTestId("webhook-name-input").FillAsync("CRM Integration");
        await page.ByTestId("webhook-url-input").FillAsync(receiver.Url.ToString());
        await Expect(page.Locator("[data-testid=url-warning]")).ToContainTextAsync("not encrypted");
        await page.Locator("[data-testid=category-space-admins] .mud-expand-panel-header").ClickAsync();
        await page.Locator(".event-name", new() { HasTextRegex = new Regex("^created_admin$") }).ClickAsync();
        await Expect(page.Locator("[data-testid=events-count]")).ToHaveTextAsync("1 event chosen");
        await page.Locator(".event-name", new() { HasTextRegex = new Regex("^deleted_admin$") }).ClickAsync();
        await Expect(page.Locator("[data-testid=events-count]")).ToHaveTextAsync("2 events chosen");
        await page.ByTestId("header-add").ClickAsync();
        await page.ByTestId("header-name").FillAsync("X-Api-Key");
        await page.ByTestId("header-value").FillAsync("k-123");
        await ShotAsync("webhook-new");
        await page.ByTestId("webhook-submit").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/settings/integrations/webhooks/[0-9]+$"));
        await Expect(page.Locator("[data-testid=webhook-title]")).ToHaveTextAsync("CRM Integration");
        await Expect(page.Locator("[data-testid=status]").First).ToHaveTextAsync("Active");
        await ShotAsync("webhook-settings");

        // Test: 200 from the receiver, shown with the duration.
        await page.ByTestId("test-webhook").ClickAsync();
        await page.ByTestId("test-send").ClickAsync();
        await Expect(page.Locator("[data-testid=test-status]")).ToHaveTextAsync("200");
        await Expect(page.Locator("[data-testid=test-duration]")).ToHaveTextAsync(new Regex("^[0-9]+(\\.[0-9])? (ms|s)$"));
        await ShotAsync("webhook-test");
        var test = await receiver.NextAsync();
        Assert.Equal("test_webhook", test.Header("X-EasySpace-Event"));
        await page.ByTestId("test-close").ClickAsync();

        // A real action in the space: the event arrives, with the custom header.
        await app.AddAdminAsync();
        var created = await receiver.NextAsync();
        Assert.Equal("created_admin", created.Header("X-EasySpace-Event"));
        Assert.Equal("k-123", created.Header("X-Api-Key"));

        // Switched off: the next event is not sent.
        await page.ByTestId("toggle-status").ClickAsync();
        await Expect(page.Locator("[data-testid=status]").First).ToHaveTextAsync("Inactive");
        await ShotAsync("webhook-disabled");
        var before = receiver.Received.Count;
        await app.AddAdminAsync();
        await app.PumpAsync();
        Assert.Equal(before, receiver.Received.Count);

        // Switched on again (nothing was held: a switched-off webhook gets no deliveries).
        await page.ByTestId("toggle-status").ClickAsync();
        await Expect(page.Locator("[data-testid=status]").First).ToHaveTextAsync("Active");

        await page.GetByRole(AriaRole.Tab, new() { Name = "Stats" }).ClickAsync();
        await Expect(page.Locator("[data-testid=stats-succeeded]")).ToHaveTextAsync("1");
        await Expect(page.Locator("[data-testid=stats-failed]")).ToHaveTextAsync("0");
        await Expect(page.Locator("[data-testid=stats-rate]")).ToHaveTextAsync("100 %");
        await ShotAsync("webhook-stats");

        // The log: open the delivery, redeliver it; the receiver sees the same webhook-id again.
        await page.GetByRole(AriaRole.Tab, new() { Name = "Log" }).ClickAsync();
        // The log names the event by its title ("Admin added"); its code is in the opened delivery.
        var row = page.Locator("[data-testid=delivery-log] tbody tr").Filter(new() { HasText = EventCatalogue.Find("created_admin")!.Title });
        await Expect(row).ToHaveCountAsync(1);
        await row.ClickAsync();
        await Expect(page.Locator("[data-testid=delivery-details] [data-testid=request-body]")).ToContainTextAsync("\"type\": \"created_admin\"");
        await ShotAsync("webhook-log");
        await row.Locator("[data-testid=redeliver]").ClickAsync();
        var again = await receiver.NextAsync();
        Assert.Equal(created.Header("webhook-id"), again.Header("webhook-id"));
        Assert.Equal("2", again.Header("X-EasySpace-Attempt"));

        await page.GetByRole(AriaRole.Tab, new() { Name = "Signatures" }).ClickAsync();
        await Expect(page.Locator("[data-testid=snippet-csharp]")).ToContainTextAsync("webhook-signature");
        await ShotAsync("webhook-signature-help");

        await page.Locator("[data-testid=edit-webhook]").ClickAsync();
        await Expect(page.Locator("[data-testid=secret-masked]")).ToContainTextAsync("whsec_••");
        await ShotAsync("webhook-edit");
        await page.GoBackAsync();
        await page.WaitForInteractiveAsync();

        await page.GotoAsync("/settings/integrations/webhooks");
        await Expect(page.Locator("[data-testid=webhook-name]")).ToHaveTextAsync("CRM Integration");
        await ShotAsync("webhooks-list");

        // Delete, after a confirmation that names it.
        await page.Locator("[data-testid=webhook-name]").ClickAsync();
        await page.ByTestId("delete-webhook").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("Delete the webhook “CRM Integration”? This cannot be undone");
        await ShotAsync("webhook-delete");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/settings/integrations/webhooks$"));
        await Expect(page.Locator("[data-testid=webhooks-empty]")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_manager_creates_an_API_token_sees_it_once_and_finds_it_in_the_activity_log()
    {
        await LogInAsync();

        await page.GotoAsync("/settings/integrations/api-access");
        await page.WaitForInteractiveAsync();
        await ShotAsync("api-access-empty");
        await page.ByTestId("create-token").ClickAsync();
        await page.ByTestId("token-name-input").FillAsync("CRM sync");
        await CheckAsync("read_subscriptions");
        await CheckAsync("write_subscriptions");
        await ShotAsync("api-access-create");
        await page.ByTestId("token-create-confirm").ClickAsync();
        var token = (await page.Locator("[data-testid=new-token]").TextContentAsync())!;
        Assert.StartsWith("es_", token);
        await ShotAsync("api-access-token-once");
        await page.ByTestId("new-token-done").ClickAsync();
        await Expect(page.Locator("[data-testid=token-name]")).ToHaveTextAsync("CRM sync");
        // The dialog leaves the DOM after its closing animation; the list can show the new row before that.
        await Expect(page.Locator("[data-testid=new-token]")).ToHaveCountAsync(0);
        Assert.DoesNotContain(token, await page.ContentAsync());
        await ShotAsync("api-access-list");

        await page.GotoAsync("/settings/integrations/activity");
        await page.WaitForInteractiveAsync();
        await Expect(page.Locator("[data-testid=activity-table]")).ToContainTextAsync("API token “CRM sync” was created by");
        await ShotAsync("activity-log");
    }

    private async Task LogInAsync()
    {
        await page.GotoAsync("/Account/Login");
        await page.LogInAsync(AppHost.OwnerEmail, AppHost.Password);
        await page.WaitForInteractiveAsync();
    }

    // Toasts sit at the bottom of the window, which a full-page shot stretches into the middle of the page: left out.
    private Task FullPageAsync(string name) => page.ScreenshotAsync(new PageScreenshotOptions
    {
        Path = Path.Combine(BrowserFixture.ScreenshotDirectory, name + ".png"),
        FullPage = true,
        Animations = ScreenshotAnimations.Disabled,
        Style = ".mud-snackbar { visibility: hidden; }",
    });

    /// <summary>Ticks a scope by clicking its label, as a person would, and waits until the server has it.</summary>
    private async Task CheckAsync(string scope)
    {
        var box = page.Locator($"[data-testid=scope-{scope}] input, input[data-testid=scope-{scope}]").First;
        await page.Locator("code", new() { HasTextRegex = new Regex($"^{scope}$") }).ClickAsync();
        await Expect(box).ToBeCheckedAsync();
    }

    /// <summary>
    /// The page as a desktop (1280×800) and a phone (390×844) show it. The navigation drawer folds away below the
    /// medium breakpoint once the browser has told the server its new size, so each shot waits for that.
    /// </summary>
    private async Task ShotAsync(string name)
    {
        await page.EvaluateAsync("window.scrollTo(0, 0)");
        await FullPageAsync($"walkthrough-{name}-desktop");
        await page.SetViewportSizeAsync(390, 844);
        await Expect(page.Locator(".mud-drawer.mud-drawer--closed")).ToHaveCountAsync(1);
        await Expect(page.Locator(".mud-drawer")).Not.ToBeInViewportAsync();
        await FullPageAsync($"walkthrough-{name}-phone");
        await page.SetViewportSizeAsync(1280, 800);
        await Expect(page.Locator(".mud-drawer.mud-drawer--open")).ToHaveCountAsync(1);
        await Expect(page.Locator(".mud-drawer")).ToBeInViewportAsync(new() { Ratio = 1 });
    }
}
