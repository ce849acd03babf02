using EasySpace.Core.Space.Community;
using EasySpace.Core.Space.Guests;
using EasySpace.Core.Space.Passes;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Core.Space;

/// <summary>Drop-in passes, wifi guest accounts and community events. The clock reads 2026-03-02 10:00 in Berlin.</summary>
public class BillingCommunityTests : IAsyncLifetime
{
    private const string Actor = BillingTestData.Actor;
    private static readonly DateOnly Today = new(2026, 3, 2);
    private CoreHost core = default!;
    private IServiceProvider Services => core.Services;

    public async Task InitializeAsync() => core = await BillingTestData.StartAsync();

    public Task DisposeAsync() => core.DisposeAsync();

    private static DropInPassDraft Pass() => new() { Name = "Vera Visitor", Email = "vera@example.com", Date = Today, Price = 25 };

    private static CommunityEventDraft Breakfast(int capacity = 2) => new()
    {
        Title = "Founders' breakfast",
        Description = "Coffee, croissants\nand a short talk.",
        Location = "Kitchen",
        Starts = new DateTime(2026, 3, 10, 8, 30, 0),
        Ends = new DateTime(2026, 3, 10, 10, 0, 0),
        Capacity = capacity,
    };

    private async Task<CommunityEvent> PublishedAsync(int capacity = 2)
    {
        var community = core.Get<CommunityService>();
        var draft = (await community.CreateDraftAsync(Breakfast(capacity), Actor)).Ok();
        return (await community.PublishAsync(draft.Id, Actor)).Ok();
    }

    [Fact]
    public async Task A_day_pass_is_sold_in_the_spaces_currency_and_raises_created_drop_in_pass()
    {
        var pass = (await core.Get<DropInPassService>().SellAsync(Pass(), Actor)).Ok();

        var resource = (await core.Get<DropInPassService>().ResourceAsync(pass.Id.ToString()))!;
        Assert.Equal(new DropInPassResource(pass.Id.ToString(), "Vera Visitor", "vera@example.com", "2026/03/02", "25.0", "EUR",
            "2026/03/02 09:00:00 +0000", $"https://space.example.com/api/drop_in_passes/{pass.Id}"), resource);
        Assert.Equal(new[] { "created_drop_in_pass" }, await Services.RaisedAsync());
    }

    public static TheoryData<string, string, Action<DropInPassDraft>, string> BadPasses => new()
    {
        { "Name", "no name", p => p.Name = "", "Enter the visitor's name." },
        { "Name", "a control character", p => p.Name = "Vera\u001b[31m", "control characters" },
        { "Email", "no e-mail", p => p.Email = "", "Enter an e-mail address." },
        { "Email", "a script tag", p => p.Email = "<script>@example.com", "like name@example.com" },
        { "Date", "no day", p => p.Date = null, "Choose the day of the visit." },
        { "Date", "yesterday", p => p.Date = Today.AddDays(-1), "Choose today or a later day" },
        { "Date", "in two years", p => p.Date = Today.AddYears(2), "within the next year" },
        { "Price", "a negative price", p => p.Price = -5, "cannot be negative" },
        { "Price", "a huge price", p => p.Price = 1_000_000, "at most 100,000" },
        { "Price", "fractions of a cent", p => p.Price = 9.999m, "whole cents" },
    };

    [Theory]
    [MemberData(nameof(BadPasses))]
    public async Task A_pass_with_bad_input_is_refused_at_its_field_and_nothing_is_raised(string field, string tried, Action<DropInPassDraft> spoil, string message)
    {
        var draft = Pass();
        spoil(draft);

        var result = await core.Get<DropInPassService>().SellAsync(draft, Actor);

        Assert.False(result.Succeeded, $"{tried} was accepted");
        Assert.Contains(message, result.Errors.For(field) ?? result.Errors.ToString());
        Assert.Empty(await Services.RaisedAsync());
    }

    [Fact]
    public async Task A_guest_account_gets_a_unique_user_name_and_a_password_that_is_kept_only_as_a_hash()
    {
        var guests = core.Get<GuestAccountService>();

        var first = (await guests.AddAsync(new GuestAccountDraft { Name = "Gus Guest", ValidUntil = Today.AddDays(2) }, Actor)).Ok();
        var second = (await guests.AddAsync(new GuestAccountDraft { Name = "Gus Guest", Email = "gus@example.com", ValidUntil = Today }, Actor)).Ok();

        Assert.Matches("^guest-[a-z2-9]{6}$", first.Account.Username);
        Assert.NotEqual(first.Account.Username, second.Account.Username);
        Assert.Matches("^[A-Za-z2-9]{12}$", first.Password);
        Assert.NotEqual(first.Password, second.Password);
        Assert.Equal(0L, core.Scalar("SELECT COUNT(*) FROM GuestAccounts WHERE PasswordHash LIKE '%' || $p || '%'", ("$p", first.Password)));
        var resource = (await guests.ResourceAsync(first.Account.Id.ToString()))!;
        Assert.Equal(("Gus Guest", null, "2026/03/04"), (resource.Name, resource.Email, resource.ValidUntil));
        Assert.DoesNotContain(first.Password, resource.ToJson().ToJsonString());
        Assert.Equal(new[] { "created_guest_account", "created_guest_account" }, await Services.RaisedAsync());
    }

    [Fact]
    public async Task Removing_a_guest_account_sends_its_last_state_without_the_password()
    {
        var guests = core.Get<GuestAccountService>();
        var created = (await guests.AddAsync(new GuestAccountDraft { Name = "Gus Guest", ValidUntil = Today }, Actor)).Ok();

        (await guests.RemoveAsync(created.Account.Id, Actor)).Ok();
        var again = await guests.RemoveAsync(created.Account.Id, Actor);

        Assert.Null(await guests.ResourceAsync(created.Account.Id.ToString()));
        Assert.Contains("no guest account", again.Errors.For(""));
        var snapshot = (string)core.Scalar("SELECT DataJson FROM Events WHERE Name = 'deleted_guest_account'")!;
        Assert.Contains(created.Account.Username, snapshot);
        Assert.DoesNotContain(created.Password, snapshot);
        Assert.DoesNotContain("password", snapshot, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(new[] { "created_guest_account", "deleted_guest_account" }, await Services.RaisedAsync());
    }

    [Theory]
    [InlineData("Name", "no name", "", null, 0, "Enter the guest's name.")]
    [InlineData("Name", "201 characters", "x", null, 0, "at most 200 characters")]
    [InlineData("Email", "a broken e-mail", "Gus", "gus@", 0, "like name@example.com")]
    [InlineData("ValidUntil", "yesterday", "Gus", null, -1, "today or a later day")]
    [InlineData("ValidUntil", "two years", "Gus", null, 730, "at most a year")]
    [InlineData("ValidUntil", "no day", "Gus", null, null, "Choose the last day")]
    public async Task A_guest_account_with_bad_input_is_refused_at_its_field(string field, string tried, string name, string? email, int? days, string message)
    {
        var draft = new GuestAccountDraft { Name = name == "x" ? new string('x', 201) : name, Email = email, ValidUntil = days is { } d ? Today.AddDays(d) : null };

        var result = await core.Get<GuestAccountService>().AddAsync(draft, Actor);

        Assert.False(result.Succeeded, $"{tried} was accepted");
        Assert.Contains(message, result.Errors.For(field) ?? result.Errors.ToString());
        Assert.Empty(await Services.RaisedAsync());
    }

    [Fact]
    public async Task An_event_starts_as_a_draft_and_publishing_it_raises_published_event_once()
    {
        var community = core.Get<CommunityService>();
        var draft = (await community.CreateDraftAsync(Breakfast(), Actor)).Ok();

        Assert.Empty(await Services.RaisedAsync());
        Assert.Null(await community.ResourceAsync(draft.Id.ToString(), staff: false));
        var published = (await community.PublishAsync(draft.Id, Actor)).Ok();
        var twice = await community.PublishAsync(draft.Id, Actor);

        Assert.True(published.IsPublished);
        Assert.Contains("already published", twice.Errors.For(""));
        var resource = (await community.ResourceAsync(draft.Id.ToString(), staff: false))!;
        // 08:30 in Berlin (UTC+1 in March) is 07:30 UTC.
        Assert.Equal(("2026/03/10 07:30:00 +0000", "2026/03/10 09:00:00 +0000", true, 2, 0), (resource.StartsAt, resource.EndsAt, resource.Published, resource.Capacity, resource.AttendeesCount));
        Assert.Equal(new[] { "published_event" }, await Services.RaisedAsync());
    }

    [Fact]
    public async Task A_draft_can_be_edited_until_it_is_published()
    {
        var community = core.Get<CommunityService>();
        var draft = (await community.CreateDraftAsync(Breakfast(), Actor)).Ok();
        var changed = Breakfast(10);
        changed.Title = "Founders' brunch";

        Assert.Equal("Founders' brunch", (await community.UpdateDraftAsync(draft.Id, changed, Actor)).Ok().Title);
        await community.PublishAsync(draft.Id, Actor);
        Assert.Contains("published event can't be edited", (await community.UpdateDraftAsync(draft.Id, changed, Actor)).Errors.For(""));
    }

    public static TheoryData<string, string, Action<CommunityEventDraft>, string> BadEvents => new()
    {
        { "Title", "no title", e => e.Title = " ", "Enter a title." },
        { "Title", "201 characters", e => e.Title = new string('t', 201), "at most 200 characters" },
        { "Description", "a bell character", e => e.Description = "ding\u0007", "control characters" },
        { "Location", "a line break in a one-line field", e => e.Location = "Kitchen\nfloor 2", "control characters" },
        { "Starts", "no start", e => e.Starts = null, "Choose when the event starts." },
        { "Starts", "a start in the past", e => e.Starts = new DateTime(2026, 3, 2, 9, 0, 0), "cannot start in the past" },
        { "Starts", "a start in five years", e => { e.Starts = new DateTime(2031, 3, 2, 9, 0, 0); e.Ends = new DateTime(2031, 3, 2, 10, 0, 0); }, "within the next two years" },
        { "Ends", "no end", e => e.Ends = null, "Choose when the event ends." },
        { "Ends", "an end before the start", e => e.Ends = new DateTime(2026, 3, 10, 8, 0, 0), "must end after it starts" },
        { "Ends", "an end at the start", e => e.Ends = e.Starts, "must end after it starts" },
        { "Ends", "three weeks long", e => e.Ends = new DateTime(2026, 3, 31, 8, 0, 0), "at most 14 days" },
        { "Capacity", "no places", e => e.Capacity = 0, "at least 1" },
        { "Capacity", "negative places", e => e.Capacity = -3, "at least 1" },
        { "Capacity", "a stadium", e => e.Capacity = 100_000, "at most 10,000" },
    };

    [Theory]
    [MemberData(nameof(BadEvents))]
    public async Task An_event_with_bad_input_is_refused_at_its_field(string field, string tried, Action<CommunityEventDraft> spoil, string message)
    {
        var draft = Breakfast();
        spoil(draft);

        var result = await core.Get<CommunityService>().CreateDraftAsync(draft, Actor);

        Assert.False(result.Succeeded, $"{tried} was accepted");
        Assert.Contains(message, result.Errors.For(field) ?? result.Errors.ToString());
        Assert.Equal(0L, core.Scalar("SELECT COUNT(*) FROM CommunityEvents"));
    }

    [Fact]
    public async Task Registration_fills_the_places_and_then_says_the_event_is_full()
    {
        var community = core.Get<CommunityService>();
        var e = await PublishedAsync(capacity: 2);

        (await community.RegisterAsync(e.Id, new AttendeeDraft { Name = "Ann", Email = "ann@example.com" }, Actor)).Ok();
        var duplicate = await community.RegisterAsync(e.Id, new AttendeeDraft { Name = "Ann again", Email = "ANN@example.com" }, Actor);
        (await community.RegisterAsync(e.Id, new AttendeeDraft { Name = "Bob", Email = "bob@example.com" }, Actor)).Ok();
        var full = await community.RegisterAsync(e.Id, new AttendeeDraft { Name = "Cat", Email = "cat@example.com" }, Actor);

        Assert.Contains("ANN@example.com is already registered", duplicate.Errors.For("Email"));
        Assert.Equal("This event is full: all 2 places are taken.", full.Errors.For(""));
        Assert.Equal(2, (await community.FindAsync(e.Id))!.AttendeeCount);
        Assert.Equal(new[] { "Ann", "Bob" }, (await community.AttendeesAsync(e.Id)).Select(a => a.Name));
        Assert.Equal(2, await Services.RaisedAsync("created_event_attendance"));
    }

    [Fact]
    public async Task The_last_place_goes_to_one_of_many_people_registering_at_once()
    {
        var community = core.Get<CommunityService>();
        var e = await PublishedAsync(capacity: 3);

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            Task.Run(() => community.RegisterAsync(e.Id, new AttendeeDraft { Name = $"P{i}", Email = $"p{i}@example.com" }, Actor))));

        Assert.Equal(3, results.Count(r => r.Succeeded));
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Contains("full", r.Errors.For("")));
        Assert.Equal(3, (await community.FindAsync(e.Id))!.AttendeeCount);
        Assert.Equal(3, await Services.RaisedAsync("created_event_attendance"));
    }

    [Fact]
    public async Task Registration_needs_a_published_event_that_is_not_over()
    {
        var community = core.Get<CommunityService>();
        var draft = (await community.CreateDraftAsync(Breakfast(), Actor)).Ok();
        var e = await PublishedAsync();

        var onDraft = await community.RegisterAsync(draft.Id, new AttendeeDraft { Name = "Ann", Email = "ann@example.com" }, Actor);
        var unknown = await community.RegisterAsync(404, new AttendeeDraft { Name = "Ann", Email = "ann@example.com" }, Actor);
        var bad = await community.RegisterAsync(e.Id, new AttendeeDraft { Name = "", Email = "not an address" }, Actor);
        core.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.Zero));
        var over = await community.RegisterAsync(e.Id, new AttendeeDraft { Name = "Ann", Email = "ann@example.com" }, Actor);

        Assert.Contains("opens when the event is published", onDraft.Errors.For(""));
        Assert.Contains("no event", unknown.Errors.For(""));
        Assert.Equal("Enter the attendee's name.", bad.Errors.For("Name"));
        Assert.Contains("like name@example.com", bad.Errors.For("Email"));
        Assert.Contains("over", over.Errors.For(""));
        Assert.Equal(0, await Services.RaisedAsync("created_event_attendance"));
    }
}
