using EasySpace.Core.Space.Bookings;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Harness;
using static Microsoft.Playwright.Assertions;

namespace EasySpace.Tests.E2E;

/// <summary>The activity log in a real browser: its sentences and lists of changes stack on a phone instead of scrolling sideways.</summary>
[Collection(BrowserCollection.Name)]
public class ActivityLogBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly AppHost app = new();

    public async Task InitializeAsync()
    {
        await app.SetUpSpaceAsync();
        // What a phone must wrap: a long webhook address changed, a booking moved, a member's name.
        var hook = await app.CreateEndpointAsync(new Uri("https://crm.example.com/hooks/easyspace/members-and-bookings/v2"), ["created_admin"]);
        var changed = await app.Get<EndpointService>().UpdateAsync(hook.Endpoint.Id, new EndpointDraft
        {
            Name = "CRM", Url = "https://crm.example.com/hooks/easyspace/members-and-bookings/v3?tenant=co-up", Events = ["created_admin", "deleted_admin", "created_membership"],
        }, WebhookHostExtensions.Owner);
        Assert.True(changed.Succeeded, changed.Errors.ToString());
        var room = (await app.Get<ResourceService>().AddAsync(new ResourceDraft
        {
            Name = "Room 1", Kind = ResourceKind.Room, Capacity = 6, HourlyPrice = 20m, Currency = "EUR", TaxRate = 19m,
        }, AppHost.OwnerEmail)).Value!;
        var from = DateTimeOffset.UtcNow.Date.AddDays(2).AddHours(9);
        var booking = (await app.Get<BookingService>().BookAsync(new BookingDraft
        {
            ResourceId = room.Id, From = from, To = from.AddHours(1), Title = "Team sync", MemberName = "Ada Keller",
        }, AppHost.OwnerEmail)).Value!;
        var moved = await app.Get<BookingService>().ChangeAsync(booking.Id, new BookingDraft
        {
            ResourceId = room.Id, From = from.AddHours(2), To = from.AddHours(3), Title = "Board meeting", MemberName = "Ada Keller",
        }, AppHost.OwnerEmail);
        Assert.True(moved.Succeeded, moved.Errors.ToString());
    }

    public Task DisposeAsync()
    {
        app.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_log_reads_as_sentences_and_fits_a_desktop_and_a_phone()
    {
        foreach (var (width, height) in new[] { (1280, 800), (390, 844) })
        {
            var page = await browser.NewPageAsync(app.BaseAddress, width, height);
            await page.GotoAsync("/Account/Login");
            await page.LogInAsync(AppHost.OwnerEmail, AppHost.Password);
            await page.WaitForInteractiveAsync();

            await page.GotoAsync("/settings/integrations/activity");
            await page.WaitForInteractiveAsync();

            await Expect(page.Locator("[data-testid=activity-table]")).ToContainTextAsync("Ada Keller's booking of Room 1 on");
            await Expect(page.Locator("[data-testid=activity-table]")).ToContainTextAsync("Webhook CRM was changed by owner@example.com");
            await page.AssertNoSidewaysScrollAsync("activity-log", width);
            await page.Context.CloseAsync();
        }
    }
}
