using EasySpace.Core;
using EasySpace.Core.Events;

namespace EasySpace.Tests.Core;

/// <summary>The space's one clock, across Zurich's daylight-saving changes of 2026 (29 March 02:00→03:00, 25 October 03:00→02:00).</summary>
public sealed class SpaceClockTests
{
    private static readonly SpaceClock Zurich = SpaceClock.For("Europe/Zurich", "CH");

    [Fact]
    public void A_time_the_clocks_skip_moves_on_by_the_gap()
    {
        var instant = Zurich.ToInstant(new DateTime(2026, 3, 29, 2, 30, 0));

        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 30, 0, TimeSpan.Zero), instant);
        Assert.Equal("03:30", Zurich.Time(instant));
    }

    [Fact]
    public void A_time_that_happens_twice_is_its_first_occurrence()
    {
        var instant = Zurich.ToInstant(new DateTime(2026, 10, 25, 2, 30, 0));

        Assert.Equal(new DateTimeOffset(2026, 10, 25, 0, 30, 0, TimeSpan.Zero), instant);
        Assert.Equal("02:30", Zurich.Time(instant));
    }

    [Fact]
    public void Times_either_side_of_a_change_read_in_the_offset_then_in_force()
    {
        Assert.Equal("Sun 29 Mar 2026, 01:59", Zurich.When(new DateTimeOffset(2026, 3, 29, 0, 59, 0, TimeSpan.Zero)));
        Assert.Equal("Sun 29 Mar 2026, 03:00", Zurich.When(new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2026, 7, 1, 8, 0, 0, TimeSpan.Zero), Zurich.ToInstant(new DateTime(2026, 7, 1, 10, 0, 0)));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero), Zurich.ToInstant(new DateTime(2026, 12, 1, 10, 0, 0)));
    }

    [Fact]
    public void A_day_that_skips_midnight_begins_at_its_first_minute()
    {
        // Chile moves its clocks from 00:00 to 01:00 on the first Sunday of September.
        var santiago = SpaceClock.For("America/Santiago", "CL");
        var start = santiago.StartOf(new DateOnly(2026, 9, 6));

        Assert.Equal("01:00", santiago.Time(start));
        Assert.Equal(new DateOnly(2026, 9, 6), santiago.Today(start));
        Assert.Equal(new DateOnly(2026, 9, 5), santiago.Today(start.AddMinutes(-1)));
    }

    [Fact]
    public void The_space_day_is_not_the_UTC_day()
    {
        var lateEvening = new DateTimeOffset(2026, 12, 31, 23, 30, 0, TimeSpan.Zero);

        Assert.Equal(new DateOnly(2027, 1, 1), Zurich.Today(lateEvening));
        Assert.Equal(new DateTimeOffset(2026, 12, 31, 23, 0, 0, TimeSpan.Zero), Zurich.StartOf(new DateOnly(2027, 1, 1)));
    }

    [Fact]
    public void One_format_with_the_country_deciding_the_clock_and_the_typed_date()
    {
        var at = new DateTimeOffset(2026, 12, 1, 14, 38, 0, TimeSpan.Zero);
        var newYork = SpaceClock.For("America/New_York", "US");

        Assert.Equal("Tue 1 Dec 2026, 15:38", Zurich.When(at));
        Assert.Equal("dd.MM.yyyy", Zurich.DateInputFormat);
        Assert.Equal("Tue 1 Dec 2026, 9:38\u202FAM", newYork.When(at));   // ICU puts a narrow no-break space before AM
        Assert.Equal("M/d/yyyy", newYork.DateInputFormat);
        Assert.Equal("Tue 1 Dec 2026, 14:00–15:30", Zurich.Span(at.AddMinutes(-98), at.AddMinutes(-8)));
        Assert.Equal("Tue 1 Dec 2026, 23:00 – Wed 2 Dec 2026, 01:00", Zurich.Span(at.AddMinutes(442), at.AddMinutes(562)));
    }

    [Theory]
    [InlineData("Mars/Olympus", "CH", "15:38", "en-CH", "a zone this machine does not know: UTC")]
    [InlineData("", "", "15:38", "en-GB", "nothing set yet: UTC and a 24-hour clock")]
    [InlineData("Europe/Zurich", "XX", "16:38", "en-GB", "a country .NET has no English for: a 24-hour clock")]
    public void What_cannot_be_found_falls_back_to_UTC_or_a_24_hour_clock(string zone, string country, string shown, string culture, string tried)
    {
        var clock = SpaceClock.For(zone, country);

        Assert.True(shown == clock.Time(new DateTimeOffset(2026, 12, 1, 15, 38, 0, TimeSpan.Zero)), tried);
        Assert.True(culture == clock.Culture.Name, tried);
    }

    [Fact]
    public void Every_event_has_a_title_and_a_sentence_about_its_subject()
    {
        Assert.Equal(EventCatalogue.All.Count, EventCatalogue.All.Select(e => e.Title).Distinct().Count());
        Assert.All(EventCatalogue.All, e => Assert.Contains("{0}", e.Sentence));
        Assert.Equal("Ada Keller became a member", EventCatalogue.Find("confirmed_membership")!.Describe("Ada Keller"));
    }
}
