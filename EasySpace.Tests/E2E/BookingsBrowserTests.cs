using EasySpace.Core;
using EasySpace.Core.Space.Bookings;
using EasySpace.Core.Space.CheckIns;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Harness;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EasySpace.Tests.E2E;

/// <summary>The owner adds a room, books it and checks a member in, in a real browser.</summary>
[Collection(BrowserCollection.Name)]
public class BookingsBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly AppHost app = new();

    public Task InitializeAsync() => app.SetUpSpaceAsync("Co-Up Berlin");

    private async Task<IPage> LoggedInPageAsync()
    {
        var page = await browser.NewPageAsync(app.BaseAddress);
        await page.GotoAsync("/Account/Login");
        await page.LogInAsync(AppHost.OwnerEmail, AppHost.Password);
        await page.WaitForInteractiveAsync();
        return page;
    }

    [Fact]
    public async Task The_owner_adds_a_room_books_it_and_sees_the_booking_in_the_week()
    {
        var page = await LoggedInPageAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Bookings", Exact = true }).ClickAsync();
        await Expect(page.Locator("[data-testid=bookings-no-resources]")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Tab, new() { Name = "Resources" }).ClickAsync();
        await page.ByTestId("resource-add").ClickAsync();
        await page.ByTestId("resource-name-input").FillAsync("Blue Room");
        await page.ByTestId("resource-price").FillAsync("-3");
        await page.ByTestId("resource-save").ClickAsync();
        await Expect(page.GetByText("The hourly price cannot be negative.")).ToBeVisibleAsync();
        await page.ScreenshotAsync("bookings-resource-error");
        await page.ByTestId("resource-price").FillAsync("12.5");
        await page.ByTestId("resource-save").ClickAsync();
        await Expect(page.Locator("[data-testid=resource-name]")).ToContainTextAsync("Blue Room");
        await page.ScreenshotAsync("bookings-resources");

        await page.GetByRole(AriaRole.Tab, new() { Name = "Bookings" }).ClickAsync();
        await page.ByTestId("booking-new").ClickAsync();
        await page.ByTestId("booking-title-input").FillAsync("Team sync");
        await page.ByTestId("booking-member").FillAsync("Ada Lovelace");
        await Expect(page.Locator("[data-testid=booking-price]")).ToContainTextAsync("12.50 EUR");
        await page.ScreenshotAsync("bookings-new");
        await page.ByTestId("booking-save").ClickAsync();
        await Expect(page.Locator("[data-testid=booking-dialog]")).ToHaveCountAsync(0);

        var booking = Assert.Single((await app.Get<BookingDirectory>().PageAsync(null, null, null, 0, 10)).Items);
        Assert.Equal(("Team sync", "Ada Lovelace", 12.5m), (booking.Booking.Title, booking.Booking.MemberName, booking.Booking.Price));
        // The form suggests the next full hour; late on a Sunday that is already next week.
        var space = await app.Get<SpaceClockReader>().CurrentAsync();
        var local = space.Local(booking.Booking.From).Date;
        var today = space.Local(DateTimeOffset.UtcNow).Date;
        if (local.AddDays(-(((int)local.DayOfWeek + 6) % 7)) != today.AddDays(-(((int)today.DayOfWeek + 6) % 7)))
            await page.ByTestId("bookings-next").ClickAsync();
        await Expect(page.Locator("[data-testid=booking-title]")).ToHaveTextAsync("Team sync");
        await page.ScreenshotAsync("bookings-week");
    }

    [Fact]
    public async Task The_manager_books_a_room_for_a_member_picked_by_e_mail()
    {
        var plan = await app.Services.AddPlanAsync();
        await app.Services.AddMemberAsync(plan.Id, "Bruno Bauer", "bruno@example.com");
        var ada = await app.Services.AddMemberAsync(plan.Id, "Ada Lovelace", "ada@analytical.example");
        await app.Services.AddResourceAsync("Blue Room");
        var page = await LoggedInPageAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Bookings", Exact = true }).ClickAsync();

        await page.ByTestId("booking-new").ClickAsync();
        await page.ByTestId("booking-title-input").FillAsync("Pitch rehearsal");
        await page.ByTestId("booking-membership").PressSequentiallyAsync("ada@analytical");
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Ada Lovelace (ada@analytical.example)" }).ClickAsync();
        await Expect(page.Locator("[data-testid=booking-member]")).ToHaveCountAsync(0);
        await page.ScreenshotAsync("bookings-for-a-member");
        await page.ByTestId("booking-save").ClickAsync();
        await Expect(page.Locator("[data-testid=booking-dialog]")).ToHaveCountAsync(0);

        var booking = Assert.Single((await app.Get<BookingDirectory>().PageAsync(null, null, null, 0, 10)).Items).Booking;
        Assert.Equal((ada.Membership.Id, "Ada Lovelace", "Pitch rehearsal"), (booking.MembershipId, booking.MemberName, booking.Title));
    }

    [Fact]
    public async Task The_owner_checks_a_member_in_and_out()
    {
        var page = await LoggedInPageAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Check-ins", Exact = true }).ClickAsync();
        await Expect(page.Locator("[data-testid=present-empty]")).ToBeVisibleAsync();

        await page.ByTestId("checkin-member").FillAsync("Grace Hopper");
        await page.ByTestId("checkin-submit").ClickAsync();
        await Expect(page.Locator("[data-testid=present-member]")).ToContainTextAsync("Grace Hopper");
        await Expect(page.Locator("[data-testid=present-member] [data-testid=no-membership]")).ToHaveTextAsync("guest");
        await page.ScreenshotAsync("checkins-present");

        await page.ByTestId("checkout").ClickAsync();
        await Expect(page.Locator("[data-testid=present-empty]")).ToBeVisibleAsync();
        Assert.Empty(await app.Get<CheckInDirectory>().PresentAsync());
    }

    public Task DisposeAsync()
    {
        app.Dispose();
        return Task.CompletedTask;
    }
}
