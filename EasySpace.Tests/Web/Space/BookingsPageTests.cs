using EasySpace.Core;
using AngleSharp.Dom;
using Bunit;
using EasySpace.Core.Identity;
using EasySpace.Core.Space;
using EasySpace.Core.Space.Bookings;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Harness;
using EasySpace.Web.Components.Pages.Bookings;
using Microsoft.Extensions.DependencyInjection;
using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace EasySpace.Tests.Web.Space;

/// <summary>
/// A space in Berlin with the owner looking at its pages. The clock is the real one (a component test's services
/// are fixed before a test can swap them), so times are chosen relative to now.
/// </summary>
public abstract class BookingsPageTest : ComponentTest
{
    protected static readonly SpaceClock Berlin = SpaceClock.For("Europe/Berlin", "DE");   // as set up below (SetupRequest's default country)
    /// <summary>These pages read and write a real database; with the whole suite on two cores a render can take longer than bUnit's default second.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    protected BookingsPageTest()
    {
        Auth.SetAuthorized("owner@example.com");
        Auth.SetPolicies(Policies.Staff);
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var result = await Services.GetRequiredService<SetupService>().CompleteAsync(new SetupRequest
        {
            Email = "owner@example.com", Password = "Corr3ct-horse!", SpaceName = "Co-Up", TimeZone = "Europe/Berlin", PublicBaseUrl = "https://space.example.com",
        }, "test");
        Assert.True(result.Succeeded, result.Errors.ToString());
    }

    /// <summary>Tomorrow at <paramref name="hour"/> on the space's clock, plus <paramref name="days"/>.</summary>
    protected static DateTimeOffset Tomorrow(int hour, int days = 0) =>
        Berlin.ToInstant(Berlin.Local(DateTimeOffset.UtcNow).Date.AddDays(1 + days).AddHours(hour));

    /// <summary>How many weeks (Monday to Sunday, on the space's clock) lie between this week and <paramref name="instant"/>'s.</summary>
    protected static int WeeksAhead(DateTimeOffset instant)
    {
        static DateTime Monday(DateTimeOffset at)
        {
            var d = Berlin.Local(at).Date;
            return d.AddDays(-(((int)d.DayOfWeek + 6) % 7));
        }
        return (int)((Monday(instant) - Monday(DateTimeOffset.UtcNow)).TotalDays / 7);
    }

    /// <summary>Puts a booking straight into the database, for states the services refuse to create (one that has started).</summary>
    protected async Task InsertBookingAsync(Resource resource, DateTimeOffset from, DateTimeOffset to, string title)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        db.Bookings.Add(Booking.Make(resource, new BookingDraft { ResourceId = resource.Id, From = from, To = to, Title = title }, from.AddDays(-1)));
        await db.SaveChangesAsync();
    }

    protected IRenderedComponent<MudDialogProvider> Dialogs = default!;

    protected IRenderedComponent<T> RenderWithDialogs<T>() where T : Microsoft.AspNetCore.Components.IComponent
    {
        RenderPopoverProvider();
        Dialogs = Render<MudDialogProvider>();
        return Render<T>();
    }

    protected static void Fill<T>(IRenderedComponent<T> root, string testId, string value) where T : Microsoft.AspNetCore.Components.IComponent =>
        root.Find($"[data-testid={testId}] input, input[data-testid={testId}], [data-testid={testId}] textarea, textarea[data-testid={testId}]").Input(value);

    /// <summary>The rendered markup with entities decoded, to look for messages as a reader sees them.</summary>
    protected static string Text<T>(IRenderedComponent<T> root) where T : Microsoft.AspNetCore.Components.IComponent => System.Net.WebUtility.HtmlDecode(root.Markup);

    /// <summary>Clicks the button of a confirmation box once it is there.</summary>
    protected void Confirm(string yesText)
    {
        Dialogs.WaitForAssertion(() => Assert.Contains(Dialogs.FindAll("button"), b => b.TextContent.Trim() == yesText), Patience);
        Dialogs.FindAll("button").First(b => b.TextContent.Trim() == yesText).Click();
    }
}

public class BookingsPageTests : BookingsPageTest
{
    private BookingDirectory Directory => Services.GetRequiredService<BookingDirectory>();

    [Fact]
    public void Without_rooms_the_page_says_to_add_one_first_and_offers_no_booking()
    {
        var page = RenderWithDialogs<BookingsPage>();

        page.WaitForAssertion(() => Assert.Contains("Add a room or desk on the Resources tab", page.Find("[data-testid=bookings-no-resources]").TextContent), Patience);
        Assert.True(page.Find("button[data-testid=booking-new]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task The_week_lists_its_bookings_in_local_time_and_shows_typed_markup_as_text()
    {
        var room = await Services.AddResourceAsync("Meeting Room", hourlyPrice: 10m);
        var from = Tomorrow(10);
        await Services.BookAsync(room, from, TimeSpan.FromHours(2), title: "<script>alert(1)</script>", memberName: "Ada");
        await Services.BookAsync(room, from.AddDays(7), TimeSpan.FromHours(1), title: "A week later");
        var page = RenderWithDialogs<BookingsPage>();
        page.WaitForElement("[data-testid=bookings-table]", Patience);

        for (var i = 0; i < WeeksAhead(from); i++) page.Find("button[data-testid=bookings-next]").Click();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=booking-title]")), Patience);
        Assert.Equal("<script>alert(1)</script>", page.Find("[data-testid=booking-title]").TextContent);
        Assert.Contains(Berlin.Span(from, from.AddHours(2)), page.Markup);
        Assert.Contains("20.00 EUR", page.Markup);
        Assert.Empty(page.FindAll("script"));

        page.Find("button[data-testid=bookings-next]").Click();
        page.WaitForAssertion(() => Assert.Equal("A week later", page.Find("[data-testid=booking-title]").TextContent), Patience);
    }

    [Fact]
    public async Task The_new_booking_form_says_what_is_missing_at_the_field_and_books_nothing()
    {
        await Services.AddResourceAsync();
        var page = RenderWithDialogs<BookingsPage>();
        page.WaitForAssertion(() => Assert.False(page.Find("button[data-testid=booking-new]").HasAttribute("disabled")), Patience);

        page.Find("button[data-testid=booking-new]").Click();
        Dialogs.WaitForAssertion(() => Assert.Contains("Price: 10.00 EUR", Dialogs.Find("[data-testid=booking-price]").TextContent), Patience);
        Fill(Dialogs, "booking-member", "Ada\u0007");
        Dialogs.Find("button[data-testid=booking-save]").Click();

        Dialogs.WaitForAssertion(() => Assert.Contains("Enter a title.", Dialogs.Markup), Patience);
        Assert.Contains("A member's name cannot contain control characters.", Text(Dialogs));
        Assert.Equal(0, (await Directory.PageAsync(null, null, null, 0, 10)).Total);
    }

    [Fact]
    public async Task A_booking_made_in_the_form_starts_at_the_next_full_hour_local_time_and_appears_in_the_list()
    {
        await Services.AddResourceAsync();
        var page = RenderWithDialogs<BookingsPage>();
        page.WaitForAssertion(() => Assert.False(page.Find("button[data-testid=booking-new]").HasAttribute("disabled")), Patience);
        var before = DateTimeOffset.UtcNow;

        page.Find("button[data-testid=booking-new]").Click();
        Dialogs.WaitForElement("[data-testid=booking-title-input]", Patience);
        Fill(Dialogs, "booking-title-input", "Team sync");
        Fill(Dialogs, "booking-member", "Ada Lovelace");
        Fill(Dialogs, "booking-comments", "coffee please");
        Dialogs.Find("button[data-testid=booking-save]").Click();

        Dialogs.WaitForAssertion(() => Assert.Empty(Dialogs.FindAll("[data-testid=booking-dialog]")), Patience);
        var booking = Assert.Single((await Directory.PageAsync(null, null, null, 0, 10)).Items).Booking;
        Assert.Equal(("Team sync", "Ada Lovelace", "coffee please"), (booking.Title, booking.MemberName, booking.Comments));
        Assert.Equal((0, 0, TimeSpan.FromHours(1)), (booking.From.Minute, booking.From.Second, booking.To - booking.From));
        Assert.InRange(booking.From, before, DateTimeOffset.UtcNow.AddHours(1));
        if (WeeksAhead(booking.From) == 0)
            page.WaitForAssertion(() => Assert.Equal("Team sync", page.Find("[data-testid=booking-title]").TextContent), Patience);
        Assert.Empty(Dialogs.FindAll("[data-testid=booking-dialog]"));
    }

    [Fact]
    public async Task A_clash_is_explained_in_the_form_with_the_other_bookings_local_time()
    {
        var room = await Services.AddResourceAsync();
        // Long enough to cover the form's default: the next full hour, for an hour.
        var from = DateTimeOffset.UtcNow.AddMinutes(1);
        var to = from.AddHours(3);
        await Services.BookAsync(room, from, to - from, title: "Board meeting");
        var page = RenderWithDialogs<BookingsPage>();
        page.WaitForAssertion(() => Assert.False(page.Find("button[data-testid=booking-new]").HasAttribute("disabled")), Patience);

        page.Find("button[data-testid=booking-new]").Click();
        Dialogs.WaitForElement("[data-testid=booking-title-input]", Patience);
        Fill(Dialogs, "booking-title-input", "Overlapping");
        Dialogs.Find("button[data-testid=booking-save]").Click();

        Dialogs.WaitForAssertion(() => Assert.Equal(
            $"Meeting Room is already booked {Berlin.Span(from, to)} (“Board meeting”). Choose another time or room.",
            Dialogs.Find("[data-testid=booking-error]").TextContent.Trim()), Patience);
        Assert.Equal(1, (await Directory.PageAsync(null, null, null, 0, 10)).Total);
    }

    [Fact]
    public async Task Canceling_asks_first_and_then_removes_the_booking()
    {
        var room = await Services.AddResourceAsync();
        var from = Tomorrow(10);
        await Services.BookAsync(room, from, TimeSpan.FromHours(1), title: "To cancel");
        var page = RenderWithDialogs<BookingsPage>();
        page.WaitForElement("[data-testid=bookings-table]", Patience);
        for (var i = 0; i < WeeksAhead(from); i++) page.Find("button[data-testid=bookings-next]").Click();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=booking-title]")), Patience);

        page.Find("button[data-testid=booking-cancel]").Click();
        Confirm("Cancel booking");

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=bookings-empty]")), Patience);
        Assert.Equal(0, (await Directory.PageAsync(null, null, null, 0, 10)).Total);
        Assert.Single(await Services.EventsAsync("deleted_booking"));
    }

    [Fact]
    public async Task Changing_a_booking_in_the_form_keeps_its_time_and_raises_updated_booking()
    {
        var room = await Services.AddResourceAsync();
        var from = Tomorrow(14);
        await Services.BookAsync(room, from, TimeSpan.FromHours(1), title: "Before");
        var page = RenderWithDialogs<BookingsPage>();
        page.WaitForElement("[data-testid=bookings-table]", Patience);
        for (var i = 0; i < WeeksAhead(from); i++) page.Find("button[data-testid=bookings-next]").Click();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=booking-title]")), Patience);

        page.Find("button[data-testid=booking-edit]").Click();
        Dialogs.WaitForElement("[data-testid=booking-title-input]", Patience);
        Fill(Dialogs, "booking-title-input", "After");
        Dialogs.Find("button[data-testid=booking-save]").Click();

        page.WaitForAssertion(() => Assert.Equal("After", page.Find("[data-testid=booking-title]").TextContent), Patience);
        var booking = Assert.Single((await Directory.PageAsync(null, null, null, 0, 10)).Items).Booking;
        Assert.Equal((from, from.AddHours(1)), (booking.From, booking.To));
        Assert.Single(await Services.EventsAsync("updated_booking"));
    }

    [Fact]
    public async Task A_booking_that_has_started_offers_no_change_or_cancel()
    {
        var room = await Services.AddResourceAsync();
        var now = DateTimeOffset.UtcNow;
        // Started a minute ago and runs for a week, so it shows in this week's list whatever day today is.
        await InsertBookingAsync(room, now.AddMinutes(-1), now.AddDays(7), "Running");

        var page = RenderWithDialogs<BookingsPage>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=booking-title]")), Patience);
        Assert.True(page.Find("button[data-testid=booking-edit]").HasAttribute("disabled"));
        Assert.True(page.Find("button[data-testid=booking-cancel]").HasAttribute("disabled"));
    }
}

public class BookingsResourcesTabTests : BookingsPageTest
{
    private IRenderedComponent<BookingsPage> OpenResourcesTab()
    {
        var page = RenderWithDialogs<BookingsPage>();
        page.WaitForAssertion(() => page.FindAll(".mud-tab").First(t => t.TextContent.Contains("Resources")).Click(), Patience);
        page.WaitForElement("button[data-testid=resource-add]", Patience);
        return page;
    }

    [Fact]
    public void Adding_a_room_with_bad_values_shows_each_problem_at_its_field()
    {
        var page = OpenResourcesTab();

        page.Find("button[data-testid=resource-add]").Click();
        Dialogs.WaitForElement("[data-testid=resource-name-input]", Patience);
        Fill(Dialogs, "resource-price", "-5");
        Fill(Dialogs, "resource-capacity", "0");
        Fill(Dialogs, "resource-tax", "150");
        Fill(Dialogs, "resource-currency", "XX");
        Dialogs.Find("button[data-testid=resource-save]").Click();

        Dialogs.WaitForAssertion(() => Assert.Contains("Enter a name.", Dialogs.Markup), Patience);
        Assert.Contains("The hourly price cannot be negative.", Dialogs.Markup);
        Assert.Contains("Capacity is 1 to 1,000 people.", Dialogs.Markup);
        Assert.Contains("The tax rate is 0 to 100 %.", Dialogs.Markup);
        Assert.Contains("Use a three-letter ISO currency code", Dialogs.Markup);
        Assert.Contains("No rooms or desks yet", page.Markup);
    }

    [Fact]
    public async Task A_room_added_in_the_form_is_listed_with_its_name_as_text_and_can_be_booked()
    {
        var page = OpenResourcesTab();

        page.Find("button[data-testid=resource-add]").Click();
        Dialogs.WaitForElement("[data-testid=resource-name-input]", Patience);
        Fill(Dialogs, "resource-name-input", "<b>Blue</b> Room");
        Fill(Dialogs, "resource-price", "12.5");
        Dialogs.Find("button[data-testid=resource-save]").Click();

        page.WaitForAssertion(() => Assert.Contains("<b>Blue</b> Room", page.Find("[data-testid=resource-name]").TextContent), Patience);
        Assert.Empty(page.FindAll("[data-testid=resource-name] b"));
        Assert.Contains("12.50 EUR", page.Markup);
        var room = Assert.Single(await Services.GetRequiredService<BookingDirectory>().ResourcesAsync());
        Assert.Equal(("<b>Blue</b> Room", 12.5m, "EUR"), (room.Name, room.HourlyPrice, room.Currency));
    }

    [Fact]
    public async Task Archiving_asks_first_and_takes_the_room_out_of_the_list()
    {
        await Services.AddResourceAsync("Old Room");
        var page = OpenResourcesTab();
        page.WaitForElement("button[data-testid=resource-archive]", Patience);

        page.Find("button[data-testid=resource-archive]").Click();
        Confirm("Archive");

        page.WaitForAssertion(() => Assert.Contains("No rooms or desks yet", page.Markup), Patience);
        Assert.True(Assert.Single(await Services.GetRequiredService<BookingDirectory>().ResourcesAsync(includeArchived: true)).IsArchived);
    }
}
