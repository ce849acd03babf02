using System.Security.Claims;
using Bunit;
using EasySpace.Core.Data;
using EasySpace.Core.Identity;
using EasySpace.Core.Space.Bookings;
using EasySpace.Core.Space.CheckIns;
using EasySpace.Core.Space.Invoices;
using EasySpace.Core.Space.Members;
using EasySpace.Tests.Web.Integrations;
using EasySpace.Web.Components.Pages.Dashboard;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace EasySpace.Tests.Web.Space;

/// <summary>
/// What the dashboard picks for a manager's morning, on the space's clock (Zurich, UTC+1): it is Tue 1 Dec 2026, 11:00.
/// </summary>
public class DashboardTests : IntegrationsTest
{
    private static readonly TimeSpan Zurich = TimeSpan.FromHours(1);
    private readonly FakeTimeProvider clock;
    private long? planId;
    private int members;

    public DashboardTests() : this(new FakeTimeProvider(new DateTimeOffset(2026, 11, 20, 9, 0, 0, Zurich))) { }

    private DashboardTests(FakeTimeProvider clock) : base(clock) => this.clock = clock;

    protected override (string TimeZone, string Country) Space => ("Europe/Zurich", "CH");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Auth.SetPolicies(Policies.Staff, Policies.ManageIntegrations);
    }

    private IRenderedComponent<DashboardPage> RenderDashboard()
    {
        clock.SetUtcNow(new DateTimeOffset(2026, 12, 1, 11, 0, 0, Zurich));
        var page = Render<DashboardPage>();
        page.WaitForElement("[data-testid=dashboard-invoices]");
        return page;
    }

    private void At(int month, int day, int hour) => clock.SetUtcNow(new DateTimeOffset(2026, month, day, hour, 0, 0, Zurich));

    private static DateTimeOffset Local(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, Zurich);

    private async Task<long> MemberAsync(string name, string joined)
    {
        planId ??= Check(await Get<PlanService>().CreateAsync(new PlanDraft { Name = "Flex desk", Price = 190m, Interval = PlanInterval.Month }, "test")).Id;
        return Check(await Get<MembershipService>().CreateAsync(new NewMember
        {
            Name = name, Email = $"member{++members}@example.com", PlanId = planId, ConfirmationDate = joined,
        }, "test")).Membership.Id;
    }

    private static T Check<T>(EasySpace.Core.Result<T> result)
    {
        Assert.True(result.Succeeded, result.Errors.ToString());
        return result.Value!;
    }

    [Fact]
    public async Task Todays_bookings_say_which_has_ended_which_is_on_now_and_which_is_later_and_tomorrows_come_next()
    {
        At(12, 1, 8);
        var room = Check(await Get<ResourceService>().AddAsync(new ResourceDraft { Name = "Meeting room", Currency = "EUR" }, "test"));
        foreach (var (from, to, title) in new[]
                 {
                     (Local(12, 1, 9), Local(12, 1, 10), "Stand-up"), (Local(12, 1, 10, 30), Local(12, 1, 12), "Workshop"),
                     (Local(12, 1, 14), Local(12, 1, 15), "Interview"), (Local(12, 2, 9), Local(12, 2, 10), "Tomorrow's call"),
                     (Local(12, 9, 9), Local(12, 9, 10), "Next week's call"),
                 })
            Check(await Get<BookingService>().BookAsync(new BookingDraft { ResourceId = room.Id, From = from, To = to, Title = title }, "test"));

        var page = RenderDashboard();

        var today = page.FindAll("[data-testid=today-booking]");
        Assert.Equal(["Ended", "Now", "Later"], today.Select(li => li.GetAttribute("data-moment")));
        Assert.Equal(["Ended", "Now", "Later"], today.Select(li => li.QuerySelector(".mud-chip")!.TextContent.Trim()));
        Assert.Contains("09:00–10:00 · Meeting room · Stand-up", today[0].TextContent);
        Assert.Contains("10:30–12:00 · Meeting room · Workshop", today[1].TextContent);
        var upcoming = Assert.Single(page.FindAll("[data-testid=upcoming-booking]"));   // next week's is beyond the six days ahead
        Assert.Contains("Wed 2 Dec 2026, 09:00–10:00 · Meeting room · Tomorrow's call", upcoming.TextContent);
        Assert.Contains("Tue 1 Dec 2026 · times in Europe/Zurich", page.Find("[data-testid=dashboard-today]").TextContent);
        Assert.DoesNotContain("created_booking", page.Markup);
    }

    [Fact]
    public async Task Open_invoices_list_the_overdue_one_first_with_what_is_still_owed_in_the_space_currency()
    {
        var ada = await MemberAsync("Ada Keller", "2026-10-01");
        var overdue = Check(await Get<InvoiceService>().CreateAsync(new InvoiceDraft
        {
            MembershipId = ada, Name = "Ada Keller", DueDate = new DateOnly(2026, 11, 25), Items = [new InvoiceLineDraft { Description = "Flex desk", Quantity = 1, Amount = 190m }],
        }, "test"));
        Check(await Get<InvoiceService>().SendAsync(overdue.Id, "test"));
        At(12, 1, 8);
        var notDue = Check(await Get<InvoiceService>().CreateAsync(new InvoiceDraft
        {
            MembershipId = ada, Name = "Ada Keller", DueDate = new DateOnly(2026, 12, 10), Items = [new InvoiceLineDraft { Description = "Room", Quantity = 2, Amount = 25m }],
        }, "test"));
        Check(await Get<InvoiceService>().SendAsync(notDue.Id, "test"));

        var page = RenderDashboard();

        var invoices = page.FindAll("[data-testid=open-invoice]");
        Assert.Equal(["true", "false"], invoices.Select(li => li.GetAttribute("data-overdue")));
        Assert.Contains($"{overdue.FormattedNumber} · Ada Keller · 190.00 EUR · overdue since Wed 25 Nov 2026", Squash(invoices[0].TextContent));
        Assert.Equal($"invoices/{overdue.Id}", invoices[0].QuerySelector("a")!.GetAttribute("href"));
        Assert.Contains($"{notDue.FormattedNumber} · Ada Keller · 50.00 EUR · due Thu 10 Dec 2026", Squash(invoices[1].TextContent));
        Assert.Equal("240.00 EUR open, of which 190.00 EUR overdue", page.Find("[data-testid=invoice-totals]").TextContent.Trim());
    }

    [Fact]
    public async Task Who_joined_lately_who_leaves_soon_and_who_is_in_link_to_their_member_pages()
    {
        await MemberAsync("Old Timer", "2026-10-01");
        At(12, 1, 8);
        var ben = await MemberAsync("Ben Novak", "2026-11-28");
        var chloe = await MemberAsync("Chloé Moreau", "2026-10-01");
        Check(await Get<MembershipService>().CancelAsync(chloe, "2026-12-06", "test"));
        At(12, 1, 10);
        Check(await Get<CheckInService>().CheckInAsync(new CheckInDraft { MembershipId = ben }, "test"));
        Check(await Get<CheckInService>().CheckInAsync(new CheckInDraft { MemberName = "Mara Vogel" }, "test"));

        var page = RenderDashboard();

        var joined = Assert.Single(page.FindAll("[data-testid=joined-member]"));
        Assert.Equal("Ben Novak · since Sat 28 Nov 2026", Squash(joined.TextContent));
        Assert.Equal($"members/{ben}", joined.QuerySelector("a")!.GetAttribute("href"));
        var leaving = Assert.Single(page.FindAll("[data-testid=leaving-member]"));
        Assert.Equal("Chloé Moreau · membership ends Sun 6 Dec 2026 (in 5 days)", Squash(leaving.TextContent));
        Assert.Equal(["Ben Novak since 10:00", "Mara Vogel (guest) since 10:00"], page.FindAll("[data-testid=present-member]").Select(li => Squash(li.TextContent)));
        Assert.Contains("Members (3 active)", page.Find("[data-testid=dashboard-members]").TextContent);
        Assert.DoesNotContain("created_membership", page.Markup);
    }

    [Fact]
    public async Task A_webhook_EasySpace_switched_off_shows_on_the_dashboard_as_on_the_overview_with_the_link_to_fix_it()
    {
        var endpoint = await CreateEndpointAsync("CRM");
        await using (var db = await Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            (await db.Endpoints.SingleAsync(e => e.Id == endpoint.Id)).Deactivate("The receiver answered 410 Gone.", DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        }

        var page = RenderDashboard();

        var problem = page.WaitForElement("[data-testid=dashboard-integrations] [data-testid=problem]");
        Assert.Contains("“CRM” was switched off by EasySpace: The receiver answered 410 Gone.", problem.TextContent);
        Assert.Equal($"settings/integrations/webhooks/{endpoint.Id}", problem.QuerySelector("a")!.GetAttribute("href"));
    }

    [Fact]
    public void With_nothing_to_do_every_card_says_what_to_do_next_and_integrations_say_they_are_fine()
    {
        var page = RenderDashboard();

        page.WaitForElement("[data-testid=integrations-fine]");
        Assert.Contains("No bookings today. Book a room or desk", page.Find("[data-testid=dashboard-bookings]").TextContent);
        Assert.Contains("Nobody is checked in.", page.Find("[data-testid=dashboard-checkins]").TextContent);
        Assert.Contains("Every invoice sent is paid.", page.Find("[data-testid=dashboard-invoices]").TextContent);
        Assert.Contains("Nobody new. Add members on the Members page.", page.Find("[data-testid=dashboard-members]").TextContent);
    }

    [Fact]
    public void An_admin_without_the_integrations_permission_sees_no_integrations_card()
    {
        Auth.SetPolicies(Policies.Staff);

        var page = RenderDashboard();

        Assert.Empty(page.FindAll("[data-testid=dashboard-integrations]"));
    }

    private static string Squash(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ").Trim();
}
