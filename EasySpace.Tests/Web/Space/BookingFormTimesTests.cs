using Bunit;
using EasySpace.Core;
using Microsoft.Extensions.DependencyInjection;
using EasySpace.Core.Space.Bookings;
using EasySpace.Tests.Core.Space;
using EasySpace.Web.Components.Pages.Bookings;

namespace EasySpace.Tests.Web.Space;

/// <summary>
/// Days and times typed into the booking form are the space's wall clock (Berlin) in the space's date format, whatever
/// the browser's, and land as the instant that clock means, across Berlin's 2027 clock changes.
/// </summary>
public class BookingFormTimesTests : BookingsPageTest
{
    [Theory]
    [InlineData(2027, 1, 12, "09:15", "2027-01-12T08:15:00Z")]   // winter time, UTC+1
    [InlineData(2027, 3, 28, "02:30", "2027-03-28T01:30:00Z")]   // skipped when the clocks go forward: the wall clock shows 03:30
    [InlineData(2027, 10, 31, "02:30", "2027-10-31T00:30:00Z")]  // happens twice when the clocks go back: the first, still summer time
    public async Task A_start_typed_in_the_form_is_booked_at_that_time_on_the_spaces_clock(int year, int month, int day, string time, string expected)
    {
        await Services.AddResourceAsync();
        var page = RenderWithDialogs<BookingsPage>();
        page.WaitForAssertion(() => Assert.False(page.Find("button[data-testid=booking-new]").HasAttribute("disabled")), Patience);
        await page.InvokeAsync(() => page.Find("button[data-testid=booking-new]").Click());
        Dialogs.WaitForElement("[data-testid=booking-title-input]", Patience);
        Assert.Equal("Times are in Europe/Berlin.", Dialogs.Find("[data-testid=booking-zone]").TextContent.Trim());

        var typed = new DateOnly(year, month, day).ToString(Berlin.DateInputFormat, Berlin.Culture);   // 28/03/2027, not the browser's 3/28/2027
        await Dialogs.InvokeAsync(() => Dialogs.Find("input[data-testid=booking-start-date]").Change(typed));
        await Dialogs.InvokeAsync(() => Dialogs.Find("input[data-testid=booking-start-time]").Change(time));
        await Dialogs.InvokeAsync(() => Dialogs.Find("input[data-testid=booking-end-date]").Change(typed));
        await Dialogs.InvokeAsync(() => Dialogs.Find("input[data-testid=booking-end-time]").Change("11:00"));
        Fill(Dialogs, "booking-title-input", "Typed by hand");
        await Dialogs.InvokeAsync(() => Dialogs.Find("button[data-testid=booking-save]").Click());

        Dialogs.WaitForAssertion(() => Assert.Empty(Dialogs.FindAll("[data-testid=booking-dialog]")), Patience);
        var booking = Assert.Single((await Services.GetRequiredService<BookingDirectory>().PageAsync(null, null, null, 0, 10)).Items).Booking;
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), booking.From);
    }

    [Fact]
    public async Task A_start_day_typed_the_ISO_way_is_refused_at_its_field_naming_the_spaces_format()
    {
        await Services.AddResourceAsync();
        var page = RenderWithDialogs<BookingsPage>();
        page.WaitForAssertion(() => Assert.False(page.Find("button[data-testid=booking-new]").HasAttribute("disabled")), Patience);
        await page.InvokeAsync(() => page.Find("button[data-testid=booking-new]").Click());
        Dialogs.WaitForElement("[data-testid=booking-title-input]", Patience);

        await Dialogs.InvokeAsync(() => Dialogs.Find("input[data-testid=booking-start-date]").Change("2026-12-10"));   // tried: the ISO way
        Fill(Dialogs, "booking-title-input", "Typed the ISO way");
        await Dialogs.InvokeAsync(() => Dialogs.Find("button[data-testid=booking-save]").Click());

        // Before, the picker kept no day and the form asked for a start as if none had been typed.
        Dialogs.WaitForAssertion(() => Assert.Contains($"Enter a date like 31/03/2026, as {Berlin.DateInputFormat.ToUpperInvariant()}.", Text(Dialogs)), Patience);
        Assert.Equal(0, (await Services.GetRequiredService<BookingDirectory>().PageAsync(null, null, null, 0, 10)).Total);
    }
}
