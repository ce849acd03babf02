using EasySpace.Core.Data;
using EasySpace.Core.Identity;
using EasySpace.Core.Space;
using EasySpace.Core.Space.Community;
using EasySpace.Core.Space.Guests;
using EasySpace.Core.Space.Passes;
using EasySpace.Core.Space.Payments;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Harness;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Tests.Core.Webhooks;

/// <summary>
/// Each kind of event is raised with what it is about in a manager's words (the delivery log's "Ada Keller became a member"),
/// by the real action, in a space in Zurich (its clock reads 2026-03-02 10:00 there).
/// </summary>
public class EventAboutTests : IAsyncLifetime
{
    private readonly CoreHost core = new();
    private IServiceProvider Services => core.Services;

    public async Task InitializeAsync()
    {
        await core.InitializeAsync();
        var setup = await core.Get<SetupService>().CompleteAsync(new SetupRequest
        {
            Email = "owner@example.com", Password = AppHost.Password, SpaceName = "Co-Up", PublicBaseUrl = "https://space.example.com",
            TimeZone = "Europe/Zurich", Country = "CH",
        }, "test");
        Assert.True(setup.Succeeded, setup.Errors.ToString());
    }

    public Task DisposeAsync() => core.DisposeAsync();

    /// <summary>What the newest event of this name was raised about.</summary>
    private async Task<string> AboutAsync(string eventName)
    {
        await using var db = await core.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Events.Where(e => e.Name == eventName).OrderByDescending(e => e.Id).Select(e => e.About).FirstAsync();
    }

    private static DateOnly Soon => new(2026, 3, 16);

    [Fact]
    public async Task A_membership_is_about_the_member()
    {
        var plan = await Services.AddPlanAsync();
        await Services.AddMemberAsync(plan.Id, "Ada Keller");

        Assert.Equal("Ada Keller", await AboutAsync("created_membership"));
    }

    [Fact]
    public async Task A_booking_is_about_its_room_and_time_on_the_spaces_clock()
    {
        var room = await Services.AddResourceAsync("Room 1");
        await Services.BookAsync(room, new DateTimeOffset(2026, 3, 3, 9, 0, 0, TimeSpan.Zero), TimeSpan.FromHours(1));   // 10:00 in Zurich (CET)

        Assert.Equal("Room 1 booking, Tue 3 Mar 2026, 10:00–11:00", await AboutAsync("created_booking"));
    }

    [Fact]
    public async Task An_invoice_is_about_its_number_and_whom_it_bills_and_a_payment_about_its_amount_and_invoice()
    {
        var invoice = await Services.CreateInvoiceAsync(BillingTestData.CobotExample(Soon));
        Assert.NotEmpty(invoice.FormattedNumber);
        Assert.Equal($"Invoice {invoice.FormattedNumber} to joe doe", await AboutAsync("created_invoice"));

        Assert.True((await core.Get<PaymentRecorder>().RecordPaymentAsync(invoice.Id, 100, "EUR", PaymentProviders.Manual, "cash", "owner@example.com")).Succeeded);

        Assert.Equal($"Payment of 100.00 EUR for invoice {invoice.FormattedNumber}", await AboutAsync("created_payment"));
    }

    [Fact]
    public async Task A_recurring_payment_is_about_the_member_who_pays()
    {
        var member = await Services.AddMemberAsync((await Services.AddPlanAsync()).Id, "Ada Keller");

        Assert.True((await core.Get<PaymentRecorder>().RecordSubscriptionChangeAsync(
            new PaymentSubscriptionChange(member.Membership.Id, PaymentProviders.Stripe, "sub_1", "active", 240, "EUR", "month"), "stripe")).Succeeded);

        Assert.Equal("Ada Keller", await AboutAsync("updated_payment_subscription"));
    }

    [Fact]
    public async Task Check_ins_and_their_tokens_are_about_the_member()
    {
        await Services.CheckInAsync("Ada Keller");
        await Services.AddTokenAsync(memberName: "Bea Berg");

        Assert.Equal("Ada Keller", await AboutAsync("created_checkin"));
        Assert.Equal("Bea Berg", await AboutAsync("created_checkin_token"));
    }

    [Fact]
    public async Task Guests_day_passes_community_events_and_sign_ups_are_about_whom_or_what_they_name()
    {
        Assert.True((await core.Get<GuestAccountService>().AddAsync(new GuestAccountDraft { Name = "Gus Guest", ValidUntil = Soon }, "owner@example.com")).Succeeded);
        Assert.True((await core.Get<DropInPassService>().SellAsync(new DropInPassDraft { Name = "Vera Visitor", Email = "vera@example.com", Date = Soon, Price = 25 },
            "owner@example.com")).Succeeded);
        var community = core.Get<CommunityService>();
        var draft = await community.CreateDraftAsync(new CommunityEventDraft
        {
            Title = "Friday drinks", Starts = new DateTime(2026, 3, 6, 17, 0, 0), Ends = new DateTime(2026, 3, 6, 19, 0, 0), Capacity = 10,
        }, "owner@example.com");
        var id = draft.Value!.Id;
        Assert.True((await community.PublishAsync(id, "owner@example.com")).Succeeded);
        Assert.True((await community.RegisterAsync(id, new AttendeeDraft { Name = "Ann Attendee", Email = "ann@example.com" }, "owner@example.com")).Succeeded);

        Assert.Equal("Gus Guest", await AboutAsync("created_guest_account"));
        Assert.Equal("Vera Visitor", await AboutAsync("created_drop_in_pass"));
        Assert.Equal("Community event “Friday drinks”", await AboutAsync("published_event"));
        Assert.Equal("Ann Attendee", await AboutAsync("created_event_attendance"));
    }

    [Fact]
    public async Task An_admin_is_about_the_admin()
    {
        Assert.True((await core.Get<UserAdministration>().AddAdminAsync(new NewAccount("ada@example.com", AppHost.Password), false, "test")).Succeeded);

        Assert.Equal("ada@example.com", await AboutAsync("created_admin"));   // no name given: the e-mail, as the API's "name" reads
    }
}
