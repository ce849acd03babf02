using EasySpace.Core.Space.Bookings;
using EasySpace.Core.Space.CheckIns;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Tests.Core.Space;

/// <summary>Every field of the booking, resource, check-in and token forms refuses bad input with a message a manager understands, and raises nothing.</summary>
public class BookingsValidationTests(BookingsCoreFixture fixture) : IClassFixture<BookingsCoreFixture>
{
    private IServiceProvider Services => fixture.Services;
    private DateTimeOffset Now => fixture.Host.Clock.GetUtcNow();

    private async Task<(Resource Open, Resource Archived)> RoomsAsync()
    {
        var all = await Services.GetRequiredService<BookingDirectory>().ResourcesAsync(includeArchived: true);
        if (all.FirstOrDefault(r => r.Name == "Validation Room") is { } open) return (open, all.First(r => r.Name == "Old Room"));
        open = await Services.AddResourceAsync("Validation Room");
        var old = await Services.AddResourceAsync("Old Room");
        Assert.True((await Services.GetRequiredService<ResourceService>().ArchiveAsync(old.Id, BookingsTestData.Actor)).Succeeded);
        return (open, old);
    }

    public static TheoryData<string, Action<BookingDraft, long>, string, string> BadBookings => new()
    {
        { "no room or desk", (d, _) => d.ResourceId = null, "ResourceId", "Choose a room or desk." },
        { "an unknown room", (d, _) => d.ResourceId = 987654, "ResourceId", "That room or desk does not exist." },
        { "an archived room", (d, archived) => d.ResourceId = archived, "ResourceId", "Old Room is archived; choose another room or desk." },
        { "no start", (d, _) => d.From = null, "From", "Choose when the booking starts." },
        { "no end", (d, _) => d.To = null, "To", "Choose when the booking ends." },
        { "an end before the start", (d, _) => d.To = d.From!.Value.AddMinutes(-30), "To", "The end must be after the start." },
        { "an end equal to the start", (d, _) => d.To = d.From, "To", "The end must be after the start." },
        { "15 days long", (d, _) => d.To = d.From!.Value.AddDays(15), "To", "A booking lasts at most 14 days." },
        { "14 days and a minute", (d, _) => d.To = d.From!.Value.AddDays(14).AddMinutes(1), "To", "A booking lasts at most 14 days." },
        { "a start in the past", (d, _) => { d.From = d.From!.Value.AddDays(-2); d.To = d.From.Value.AddHours(1); }, "From", "The start must be in the future." },
        { "a start right now", (d, _) => { d.From = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero); d.To = d.From.Value.AddHours(1); }, "From", "The start must be in the future." },
        { "a start in year 9999", (d, _) => { d.From = new DateTimeOffset(9999, 1, 1, 0, 0, 0, TimeSpan.Zero); d.To = d.From.Value.AddHours(1); }, "From", "Bookings can be made at most two years ahead." },
        { "an empty title", (d, _) => d.Title = "", "Title", "Enter a title." },
        { "a title of spaces", (d, _) => d.Title = "   ", "Title", "Enter a title." },
        { "a 201-character title", (d, _) => d.Title = new string('t', 201), "Title", "A title has at most 200 characters." },
        { "a title with a bell character", (d, _) => d.Title = "Sync\u0007", "Title", "A title cannot contain control characters." },
        { "a 201-character member name", (d, _) => d.MemberName = new string('m', 201), "MemberName", "A member's name has at most 200 characters." },
        { "a member name with a line break", (d, _) => d.MemberName = "Ada\nLovelace", "MemberName", "A member's name cannot contain control characters." },
        { "a negative membership id", (d, _) => d.MembershipId = -1, "MembershipId", "That membership does not exist." },
        { "2,001 characters of comments", (d, _) => d.Comments = new string('c', 2001), "Comments", "Comments have at most 2,000 characters." },
        { "comments with a NUL", (d, _) => d.Comments = "coffee\0please", "Comments", "Comments cannot contain control characters other than line breaks and tabs." },
    };

    [Theory]
    [MemberData(nameof(BadBookings))]
    public async Task A_bad_booking_is_refused_at_its_field_and_raises_nothing(string tried, Action<BookingDraft, long> spoil, string field, string message)
    {
        var (room, archived) = await RoomsAsync();
        var eventsBefore = (await Services.EventsAsync()).Count;
        var draft = new BookingDraft { ResourceId = room.Id, From = Now.AddDays(1), To = Now.AddDays(1).AddHours(1), Title = "Sync" };
        spoil(draft, archived.Id);

        var result = await Services.GetRequiredService<BookingService>().BookAsync(draft, BookingsTestData.Actor);

        Assert.False(result.Succeeded, tried);
        Assert.Equal(message, result.Errors.For(field));
        Assert.Equal(eventsBefore, (await Services.EventsAsync()).Count);
    }

    [Fact]
    public async Task Text_that_looks_like_markup_and_line_breaks_in_comments_are_kept_as_typed()
    {
        var (room, _) = await RoomsAsync();
        var booking = await Services.BookAsync(room, Now.AddDays(3), TimeSpan.FromHours(1), title: "<script>alert(1)</script>",
            memberName: "O'Brien & Söhne", comments: "line one\nline two\ttabbed");

        var shown = await Services.GetRequiredService<BookingDirectory>().FindAsync(booking.Id.ToString());
        Assert.Equal("<script>alert(1)</script>", shown!.Title);
        Assert.Equal("O'Brien & Söhne", shown.Membership!.Name);
        Assert.Equal("line one\nline two\ttabbed", shown.Comments);
    }

    public static TheoryData<string, Action<ResourceDraft>, string, string> BadResources => new()
    {
        { "an empty name", d => d.Name = "", "Name", "Enter a name." },
        { "a 101-character name", d => d.Name = new string('n', 101), "Name", "A name has at most 100 characters." },
        { "a name with a tab", d => d.Name = "Blue\tRoom", "Name", "A name cannot contain control characters." },
        { "the name of another room in other case", d => d.Name = "VALIDATION ROOM", "Name", "There is already a room or desk named VALIDATION ROOM." },
        { "an unknown kind", d => d.Kind = (ResourceKind)7, "Kind", "Choose room or desk." },
        { "no capacity", d => d.Capacity = null, "Capacity", "Enter how many people fit." },
        { "a capacity of 0", d => d.Capacity = 0, "Capacity", "Capacity is 1 to 1,000 people." },
        { "a negative capacity", d => d.Capacity = -4, "Capacity", "Capacity is 1 to 1,000 people." },
        { "a capacity of a million", d => d.Capacity = 1_000_000, "Capacity", "Capacity is 1 to 1,000 people." },
        { "no price", d => d.HourlyPrice = null, "HourlyPrice", "Enter an hourly price (0 for free)." },
        { "a negative price", d => d.HourlyPrice = -0.01m, "HourlyPrice", "The hourly price cannot be negative." },
        { "a huge price", d => d.HourlyPrice = 79_228_162_514_264_337_593_543_950_335m, "HourlyPrice", "The hourly price is at most 100,000." },
        { "a price in tenths of a cent", d => d.HourlyPrice = 12.345m, "HourlyPrice", "Use at most two decimal places for the hourly price." },
        { "no currency", d => d.Currency = "", "Currency", "Choose a currency." },
        { "a made-up currency", d => d.Currency = "XYZ", "Currency", "Use a three-letter ISO currency code, e.g. EUR or USD." },
        { "a currency with markup", d => d.Currency = "<b>", "Currency", "Use a three-letter ISO currency code, e.g. EUR or USD." },
        { "no tax rate", d => d.TaxRate = null, "TaxRate", "Enter a tax rate (0 for none)." },
        { "a negative tax rate", d => d.TaxRate = -1m, "TaxRate", "The tax rate is 0 to 100 %." },
        { "a tax rate of 101 %", d => d.TaxRate = 101m, "TaxRate", "The tax rate is 0 to 100 %." },
    };

    [Theory]
    [MemberData(nameof(BadResources))]
    public async Task A_bad_resource_is_refused_at_its_field(string tried, Action<ResourceDraft> spoil, string field, string message)
    {
        await RoomsAsync();
        var before = (await Services.GetRequiredService<BookingDirectory>().ResourcesAsync(includeArchived: true)).Count;
        var draft = new ResourceDraft { Name = "New Room", Capacity = 4, HourlyPrice = 5m, Currency = "EUR", TaxRate = 19m };
        spoil(draft);

        var result = await Services.GetRequiredService<ResourceService>().AddAsync(draft, BookingsTestData.Actor);

        Assert.False(result.Succeeded, tried);
        Assert.Equal(message, result.Errors.For(field));
        Assert.Equal(before, (await Services.GetRequiredService<BookingDirectory>().ResourcesAsync(includeArchived: true)).Count);
    }

    public static TheoryData<string, string, string, string> BadTokens => new()
    {
        { "an empty token", "", "Token", "Enter the token (the badge or tag number)." },
        { "a three-character token", "abc", "Token", "A token has at least 4 characters." },
        { "a 101-character token", new string('7', 101), "Token", "A token has at most 100 characters." },
        { "a token with markup", "<script>", "Token", "A token has only letters, digits and the characters - _ : ." },
        { "a token with spaces", "04 A2 3B", "Token", "A token has only letters, digits and the characters - _ : ." },
        { "a token with a control character", "04A2\u001b3B", "Token", "A token has only letters, digits and the characters - _ : ." },
        { "no member", "CAFE-0001", "MemberName", "Enter the member's name." },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_bad_token_is_refused_at_its_field_and_raises_nothing(string tried, string token, string field, string message)
    {
        var eventsBefore = (await Services.EventsAsync()).Count;

        var result = await Services.GetRequiredService<CheckInService>().AddTokenAsync(
            new CheckInTokenDraft { Token = token, MemberName = field == "MemberName" ? " " : "Ada" }, BookingsTestData.Actor);

        Assert.False(result.Succeeded, tried);
        Assert.Equal(message, result.Errors.For(field));
        Assert.Equal(eventsBefore, (await Services.EventsAsync()).Count);
    }

    [Theory]
    [InlineData("an empty name", "", "Enter the member's name.")]
    [InlineData("a 201-character name", "x", "The member's name has at most 200 characters.")]
    [InlineData("a name with a carriage return", "Ada\r", "The member's name cannot contain control characters.")]
    public async Task A_bad_check_in_is_refused_at_the_name_and_raises_nothing(string tried, string name, string message)
    {
        if (name == "x") name = new string('x', 201);
        var eventsBefore = (await Services.EventsAsync()).Count;

        var result = await Services.GetRequiredService<CheckInService>().CheckInAsync(new CheckInDraft { MemberName = name }, BookingsTestData.Actor);

        Assert.False(result.Succeeded, tried);
        Assert.Equal(message, result.Errors.For("MemberName"));
        Assert.Equal(eventsBefore, (await Services.EventsAsync()).Count);
    }
}
