using EasySpace.Core;
using EasySpace.Core.Identity;
using EasySpace.Core.Space.Members;
using EasySpace.Tests.Harness;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Tests.Core.Space;

/// <summary>Every member, plan and custom-field input refused with a message at its field, and nothing raised or written.</summary>
public class MembersValidationTests : IAsyncLifetime
{
    private readonly CoreHost core = new();
    private IServiceProvider S => core.Services;
    private Plan plan = default!;
    private Plan inactive = default!;
    private Membership member = default!;

    public async Task InitializeAsync()
    {
        await core.InitializeAsync();
        await PublicUrlsTests.SetUpAsync(core, "https://space.example.com"); // Europe/Berlin; the clock says 2026-03-02 10:00 there
        plan = await S.AddPlanAsync("Flex desk");
        inactive = await S.AddPlanAsync("Old plan", active: false);
        member = (await S.AddMemberAsync(plan.Id, "Mia Member", "mia@example.com")).Membership;
        Assert.True((await S.GetRequiredService<CustomFieldService>().AddAsync("T-shirt size", "test")).Succeeded);
    }

    public Task DisposeAsync() => core.DisposeAsync();

    public static TheoryData<string, string, string> NewMemberRows => new()
    {
        { "Name", "", "Enter the member's name." },
        { "Name", "   ", "Enter the member's name." },
        { "Name", new string('a', 201), "at most 200 characters" },
        { "Name", "Mia\u0007Member", "cannot contain control characters" },
        { "Name", "Mia\nMember", "cannot contain control characters or line breaks" },
        { "Email", "", "Enter an e-mail address." },
        { "Email", "not-an-address", "Enter an e-mail address like name@example.com." },
        { "Email", new string('a', 250) + "@example.com", "at most 256 characters" },
        { "Email", "owner@example.com", "An account with this e-mail address already exists." },
        { "Email", "mia@example.com", "An account with this e-mail address already exists." },
        { "Company", new string('c', 201), "at most 200 characters" },
        { "Address", new string('x', 1001), "at most 1,000 characters" },
        { "Address", "Main St\u0000 1", "cannot contain control characters" },
        { "Phone", "call me maybe", "digits, spaces and + ( ) - . / only" },
        { "Phone", new string('1', 41), "at most 40 characters" },
        { "ConfirmationDate", "2026-02-30", "Enter a date like 2026-03-31." },
        { "ConfirmationDate", "31.12.2026", "Enter a date like 2026-03-31." },
        { "ConfirmationDate", "tomorrow", "Enter a date like 2026-03-31." },
        { "ConfirmationDate", "2099-01-01", "more than 10 years ahead" },
        { "ConfirmationDate", "1999-01-01", "more than 10 years ago" },
        { "PlanId", "none", "Choose a plan." },
        { "PlanId", "999", "That plan does not exist" },
        { "PlanId", "inactive", "\"Old plan\" is inactive" },
    };

    [Theory]
    [MemberData(nameof(NewMemberRows))]
    public async Task A_new_member_with_bad_input_is_refused_at_the_field_and_nothing_is_created(string field, string value, string message)
    {
        var draft = new NewMember { Name = "Nina New", Email = "nina@example.com", PlanId = plan.Id };
        switch (field)
        {
            case "Name": draft.Name = value; break;
            case "Email": draft.Email = value; break;
            case "Company": draft.Company = value; break;
            case "Address": draft.Address = value; break;
            case "Phone": draft.Phone = value; break;
            case "ConfirmationDate": draft.ConfirmationDate = value; break;
            case "PlanId": draft.PlanId = value switch { "none" => null, "inactive" => inactive.Id, _ => long.Parse(value) }; break;
        }
        var eventsBefore = await S.EventNamesAsync();

        var result = await S.GetRequiredService<MembershipService>().CreateAsync(draft, "test");

        Assert.False(result.Succeeded);
        Assert.Contains(message, result.Errors.For(field));
        Assert.Equal(eventsBefore, await S.EventNamesAsync());
        await using var scope = S.CreateAsyncScope();
        Assert.Null(await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync("nina@example.com"));
    }

    /// <summary>Each row: an action on the existing member (or a plan/field), the field that must carry the error, and the message.</summary>
    public static TheoryData<string, string, string> ActionRows => new()
    {
        { "details: empty name", "Name", "Enter the member's name." },
        { "details: script in phone", "Phone", "A phone number has digits, spaces and + ( ) - . / only" },
        { "details: letters in phone", "Phone", "digits, spaces" },
        { "email: not an address", "Email", "like name@example.com" },
        { "email: taken by the owner", "Email", "already exists" },
        { "email: unchanged", "Email", "already the e-mail address" },
        { "plan: none chosen", "PlanId", "Choose a plan." },
        { "plan: unknown", "PlanId", "does not exist" },
        { "plan: inactive", "PlanId", "is inactive" },
        { "plan: the current one", "PlanId", "already on this plan" },
        { "plan: from yesterday", "From", "Choose today (2026-03-02) or a later day." },
        { "plan: from a wrong date", "From", "Enter a date like" },
        { "cancel: no date", "CanceledTo", "Enter the day the membership ends." },
        { "cancel: yesterday", "CanceledTo", "Choose today (2026-03-02) or a later day." },
        { "cancel: 2040", "CanceledTo", "more than 10 years ahead" },
        { "cancel: not a date", "CanceledTo", "Enter a date like" },
        { "uncancel: not canceled", "", "no cancellation to remove" },
        { "reactivate: not ended", "", "nothing to reactivate" },
        { "drop plan change: none planned", "", "no planned plan change" },
        { "add passes: zero", "Count", "from 1 up" },
        { "add passes: negative", "Count", "from 1 up" },
        { "add passes: huge", "Count", "At most 1,000" },
        { "add passes: no reason", "Reason", "Enter a reason." },
        { "remove passes: none there", "Count", "no time passes to remove" },
        { "remove passes: zero", "Count", "from 1 up" },
        { "custom field: unknown name", "CustomFields[Shoe size]", "is not one of the space's custom fields" },
        { "custom field: too long", "CustomFields[T-shirt size]", "at most 500 characters" },
        { "custom field: control character", "CustomFields[T-shirt size]", "without control characters" },
        { "picture: empty", "Picture", "Choose a picture file." },
        { "picture: over 1 MB", "Picture", "larger than 1 MB" },
        { "picture: a GIF", "Picture", "Only PNG and JPEG" },
        { "picture: a script", "Picture", "Only PNG and JPEG" },
        { "picture: remove when none", "Picture", "has no picture" },
        { "payment: unchanged", "PaymentMethod", "already Invoice" },
        { "payment: unknown value", "PaymentMethod", "Choose invoice, card, PayPal or SEPA." },
        { "unknown membership", "", "This membership no longer exists." },
        { "delete: unknown membership", "", "This membership no longer exists." },
    };

    [Theory]
    [MemberData(nameof(ActionRows))]
    public async Task A_refused_change_says_why_at_the_field_and_raises_nothing(string row, string field, string message)
    {
        var service = S.GetRequiredService<MembershipService>();
        var id = member.Id;
        var eventsBefore = await S.EventNamesAsync();

        Result<Membership> result = row switch
        {
            "details: empty name" => await service.UpdateDetailsAsync(id, new MemberDetails { Name = "" }, "test"),
            "details: script in phone" => await service.UpdateDetailsAsync(id, new MemberDetails { Name = "Mia", Phone = "<script>" }, "test"),
            "details: letters in phone" => await service.UpdateDetailsAsync(id, new MemberDetails { Name = "Mia", Phone = "call me" }, "test"),
            "email: not an address" => await service.ChangeEmailAsync(id, "mia at example", "test"),
            "email: taken by the owner" => await service.ChangeEmailAsync(id, "owner@example.com", "test"),
            "email: unchanged" => await service.ChangeEmailAsync(id, "mia@example.com", "test"),
            "plan: none chosen" => await service.ChangePlanAsync(id, null, null, "test"),
            "plan: unknown" => await service.ChangePlanAsync(id, 999, null, "test"),
            "plan: inactive" => await service.ChangePlanAsync(id, inactive.Id, null, "test"),
            "plan: the current one" => await service.ChangePlanAsync(id, plan.Id, null, "test"),
            "plan: from yesterday" => await service.ChangePlanAsync(id, (await S.AddPlanAsync("Fixed")).Id, "2026-03-01", "test"),
            "plan: from a wrong date" => await service.ChangePlanAsync(id, (await S.AddPlanAsync("Fixed")).Id, "2026-13-01", "test"),
            "cancel: no date" => await service.CancelAsync(id, "", "test"),
            "cancel: yesterday" => await service.CancelAsync(id, "2026-03-01", "test"),
            "cancel: 2040" => await service.CancelAsync(id, "2040-01-01", "test"),
            "cancel: not a date" => await service.CancelAsync(id, "<script>", "test"),
            "uncancel: not canceled" => await service.UncancelAsync(id, "test"),
            "reactivate: not ended" => await service.ReactivateAsync(id, "test"),
            "drop plan change: none planned" => await service.DropPlanChangeAsync(id, "test"),
            "add passes: zero" => await service.AddTimePassesAsync(id, 0, "gift", "test"),
            "add passes: negative" => await service.AddTimePassesAsync(id, -5, "gift", "test"),
            "add passes: huge" => await service.AddTimePassesAsync(id, 1_000_000, "gift", "test"),
            "add passes: no reason" => await service.AddTimePassesAsync(id, 2, " ", "test"),
            "remove passes: none there" => await service.RemoveTimePassesAsync(id, 1, null, "test"),
            "remove passes: zero" => await service.RemoveTimePassesAsync(id, 0, null, "test"),
            "custom field: unknown name" => await service.UpdateCustomFieldsAsync(id, new Dictionary<string, string?> { ["Shoe size"] = "42" }, "test"),
            "custom field: too long" => await service.UpdateCustomFieldsAsync(id, new Dictionary<string, string?> { ["T-shirt size"] = new string('L', 501) }, "test"),
            "custom field: control character" => await service.UpdateCustomFieldsAsync(id, new Dictionary<string, string?> { ["T-shirt size"] = "L\u001bXL" }, "test"),
            "picture: empty" => await service.ChangePictureAsync(id, [], "test"),
            "picture: over 1 MB" => await service.ChangePictureAsync(id, [.. MembersKit.Png, .. new byte[1024 * 1024]], "test"),
            "picture: a GIF" => await service.ChangePictureAsync(id, "GIF89a..."u8.ToArray(), "test"),
            "picture: a script" => await service.ChangePictureAsync(id, "<script>alert(1)</script>"u8.ToArray(), "test"),
            "picture: remove when none" => await service.RemovePictureAsync(id, "test"),
            "payment: unchanged" => await service.ChangePaymentMethodAsync(id, PaymentMethod.Invoice, "test"),
            "payment: unknown value" => await service.ChangePaymentMethodAsync(id, (PaymentMethod)99, "test"),
            "unknown membership" => await service.UpdateDetailsAsync(424242, new MemberDetails { Name = "X" }, "test"),
            "delete: unknown membership" => await service.DeleteAsync(424242, "test"),
            _ => throw new ArgumentOutOfRangeException(nameof(row)),
        };

        Assert.False(result.Succeeded, row);
        Assert.Contains(message, result.Errors.For(field) ?? $"(no error at '{field}': {result.Errors})");
        Assert.Equal(eventsBefore, await S.EventNamesAsync());
        var after = await S.MembershipAsync(id);
        Assert.Equal(("Mia Member", "mia@example.com", plan.Id, 0, (DateOnly?)null), (after.Name, after.Email, after.PlanId, after.TimePasses, after.CanceledTo));
    }

    [Theory]
    [InlineData("zoé@example.com", "an accented letter")]
    [InlineData("jürgen.müller@beispiel.de", "umlauts in the name and a German domain")]
    public async Task A_member_whose_e_mail_has_letters_beyond_ASCII_gets_an_account(string email, string tried)
    {
        var created = await S.AddMemberAsync(plan.Id, "Zoé Ünal", email);

        using var scope = S.CreateScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(email);
        Assert.True(user is not null, tried);
        Assert.Equal(email, created.Membership.Email);
    }

    [Fact]
    public async Task Removing_more_time_passes_than_there_are_says_how_many_there_are()
    {
        var service = S.GetRequiredService<MembershipService>();
        Assert.True((await service.AddTimePassesAsync(member.Id, 3, "welcome", "test")).Succeeded);

        var result = await service.RemoveTimePassesAsync(member.Id, 5, null, "test");

        Assert.Equal("This member has only 3 time passes; remove at most that many.", result.Errors.For("Count"));
        Assert.Equal(3, (await S.MembershipAsync(member.Id)).TimePasses);
    }

    public static TheoryData<string, string, decimal, string, string> PlanRows => new()
    {
        { "Name", "", 10m, "", "Enter the plan's name." },
        { "Name", new string('p', 101), 10m, "", "at most 100 characters" },
        { "Name", "flex DESK", 10m, "", "There is already a plan called \"flex DESK\"." },
        { "Price", "Cheap", -1m, "", "The price cannot be negative." },
        { "Price", "Dear", 1_000_001m, "", "The price is at most 1,000,000." },
        { "Price", "Odd", 1.234m, "", "at most two decimal places" },
        { "Currency", "Euro plan", 10m, "EURO", "three-letter ISO currency code" },
        { "Currency", "Fake plan", 10m, "ABC", "three-letter ISO currency code" },
    };

    [Theory]
    [MemberData(nameof(PlanRows))]
    public async Task A_plan_with_bad_input_is_refused_at_the_field(string field, string name, decimal price, string currency, string message)
    {
        var result = await S.GetRequiredService<PlanService>().CreateAsync(new PlanDraft { Name = name, Price = price, Currency = currency }, "test");

        Assert.False(result.Succeeded);
        Assert.Contains(message, result.Errors.For(field));
        Assert.Equal(2, (await S.GetRequiredService<PlanService>().ListAsync()).Count);
    }

    [Theory]
    [InlineData("a woman technologist: woman, zero-width joiner, laptop", "Hot desk 👩\u200D💻")]
    [InlineData("a rainbow flag: flag, variation selector, joiner, rainbow", "Pride desk 🏳\uFE0F\u200D🌈")]
    [InlineData("a skin tone before the joiner", "Dev desk 👩🏽\u200D💻")]
    [InlineData("angle brackets, shown as text like every name", "R&D <lab> desk")]
    public async Task A_plan_name_with_a_compound_emoji_or_angle_brackets_is_saved_as_typed(string tried, string name)
    {
        // Tried before the fix: the joiner was refused as "an invisible character" and < > as "cannot contain < or >".
        var result = await S.GetRequiredService<PlanService>().CreateAsync(new PlanDraft { Name = name, Price = 10m }, "test");

        Assert.True(result.Succeeded, $"{tried}: {result.Errors}");
        Assert.Equal(name, result.Value!.Name);
    }

    [Fact]
    public async Task A_plan_without_a_currency_takes_the_spaces_and_a_plan_in_use_cannot_be_deleted()
    {
        var plans = S.GetRequiredService<PlanService>();
        var created = (await plans.CreateAsync(new PlanDraft { Name = "Day pass", Price = 15.5m, Interval = PlanInterval.OneOff }, "test")).Value!;

        Assert.Equal("EUR", created.Currency);
        Assert.Equal("15.50 EUR one-off", created.PriceLabel);
        var refused = await plans.DeleteAsync(plan.Id, "test");
        Assert.Contains("Make it inactive instead", refused.Errors.For(""));
        Assert.True((await plans.DeleteAsync(created.Id, "test")).Succeeded);
    }

    public static TheoryData<string, string> FieldNameRows => new()
    {
        { "", "Enter the field's name." },
        { new string('f', 51), "at most 50 characters" },
        { "t-shirt SIZE", "There is already a field called" },
        { "Size\tXL", "cannot contain control characters" },
    };

    [Theory]
    [MemberData(nameof(FieldNameRows))]
    public async Task A_custom_field_with_a_bad_name_is_refused(string name, string message)
    {
        var result = await S.GetRequiredService<CustomFieldService>().AddAsync(name, "test");

        Assert.Contains(message, result.Errors.For("Name"));
        Assert.Single(await S.GetRequiredService<CustomFieldService>().ListAsync());
    }

    [Fact]
    public async Task A_space_has_at_most_twenty_custom_fields()
    {
        var fields = S.GetRequiredService<CustomFieldService>();
        for (var i = 2; i <= CustomFieldDefinition.MaxFields; i++) Assert.True((await fields.AddAsync($"Field {i}", "test")).Succeeded);

        var result = await fields.AddAsync("One too many", "test");

        Assert.Equal("A space has at most 20 custom fields.", result.Errors.For("Name"));
    }

    [Fact]
    public async Task A_member_changing_their_e_mail_must_give_their_current_password()
    {
        var accounts = S.GetRequiredService<MemberAccounts>();

        var result = await accounts.ChangeOwnEmailAsync(member.UserId, "mia.new@example.com", "wrong password");

        Assert.Equal("Enter your current password to change your e-mail address.", result.Errors.For("CurrentPassword"));
        Assert.Equal("mia@example.com", (await S.MembershipAsync(member.Id)).Email);
    }

    [Fact]
    public async Task Someone_without_a_membership_cannot_use_the_member_self_service()
    {
        var adminId = await core.AddUserAsync("admin@example.com", Roles.Admin);

        var result = await S.GetRequiredService<MemberAccounts>().UpdateOwnDetailsAsync(adminId, new MemberDetails { Name = "Ada" });

        Assert.Equal("Your account has no membership.", result.Errors.For(""));
    }
}
