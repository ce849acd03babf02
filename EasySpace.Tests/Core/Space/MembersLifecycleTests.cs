using EasySpace.Core.Data;
using EasySpace.Core.Space.Members;
using EasySpace.Tests.Harness;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Tests.Core.Space;

/// <summary>How memberships behave over their life, read back through the services other features use.</summary>
public class MembersLifecycleTests : IAsyncLifetime
{
    private readonly CoreHost core = new();
    private IServiceProvider S => core.Services;

    public async Task InitializeAsync()
    {
        await core.InitializeAsync();
        await PublicUrlsTests.SetUpAsync(core, "https://space.example.com");
    }

    public Task DisposeAsync() => core.DisposeAsync();

    [Fact]
    public async Task Other_features_find_a_membership_by_id_by_user_and_by_search()
    {
        var plan = await S.AddPlanAsync();
        var ann = (await S.AddMemberAsync(plan.Id, "Ann Archer", "ann@example.com")).Membership;
        await S.AddMemberAsync(plan.Id, "Ben Baker", "ben@example.com");
        var directory = S.GetRequiredService<MembershipDirectory>();

        Assert.Equal(new MembershipSummary(ann.Id, "Ann Archer", "ann@example.com"), await directory.FindAsync(ann.Id));
        Assert.Equal(ann.Id, (await directory.FindByUserAsync(ann.UserId))?.Id);
        Assert.Null(await directory.FindAsync(999));
        Assert.Equal(["Ann Archer"], (await directory.SearchAsync("ARCH")).Select(m => m.Name));
        Assert.Equal(2, (await directory.SearchAsync("example.com")).Count);
        Assert.Empty(await directory.SearchAsync("%")); // matched literally, not as a wildcard
    }

    [Fact]
    public async Task Removing_a_custom_field_clears_it_from_every_member_and_tells_about_those_who_had_a_value()
    {
        var fields = S.GetRequiredService<CustomFieldService>();
        var locker = (await fields.AddAsync("Locker", "test")).Value!;
        var plan = await S.AddPlanAsync();
        var withValue = (await S.AddMemberAsync(plan.Id)).Membership;
        var without = (await S.AddMemberAsync(plan.Id)).Membership;
        Assert.True((await S.GetRequiredService<MembershipService>().UpdateCustomFieldsAsync(withValue.Id, new Dictionary<string, string?> { ["Locker"] = "17" }, "test")).Succeeded);
        var before = (await S.EventNamesAsync()).Count;

        Assert.True((await fields.RemoveAsync(locker.Id, "test")).Succeeded);

        var raised = (await S.EventNamesAsync()).Skip(before).ToList();
        Assert.Equal(["updated_custom_field"], raised);
        await using var db = await S.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var record = await db.Events.AsNoTracking().OrderBy(e => e.Id).LastAsync();
        Assert.Equal(withValue.Id.ToString(), record.ResourceId);
        Assert.DoesNotContain("Locker", record.DataJson); // the payload no longer lists the field
        Assert.Empty((await S.MembershipAsync(withValue.Id)).CustomFields);
        Assert.Empty((await S.MembershipAsync(without.Id)).CustomFields);
    }

    [Fact]
    public async Task A_deleted_members_e_mail_can_be_used_for_a_new_member()
    {
        var plan = await S.AddPlanAsync();
        var first = (await S.AddMemberAsync(plan.Id, "Dora", "dora@example.com")).Membership;

        Assert.True((await S.GetRequiredService<MembershipService>().DeleteAsync(first.Id, "test")).Succeeded);
        var again = (await S.AddMemberAsync(plan.Id, "Dora Again", "dora@example.com")).Membership;

        Assert.NotEqual(first.Id, again.Id); // ids are never reused, so fired date keys of the old one cannot match
        Assert.Equal(0L, core.Scalar("SELECT COUNT(*) FROM MembershipPictures"));
    }

    [Fact]
    public async Task An_inactive_plan_stays_on_its_members_but_cannot_be_chosen()
    {
        var plans = S.GetRequiredService<PlanService>();
        var plan = await S.AddPlanAsync("Legacy");
        var member = (await S.AddMemberAsync(plan.Id)).Membership;

        Assert.True((await plans.UpdateAsync(plan.Id, new PlanDraft { Name = "Legacy", Price = 99m, IsActive = false }, "test")).Succeeded);

        Assert.Equal(plan.Id, (await S.MembershipAsync(member.Id)).PlanId);
        Assert.DoesNotContain(await plans.ActiveAsync(), p => p.Id == plan.Id);
        Assert.Equal(1, (await plans.ListAsync()).Single().Members);
    }

    [Fact]
    public async Task A_plan_change_from_today_applies_at_once_and_the_minute_job_does_not_repeat_it()
    {
        var flex = await S.AddPlanAsync();
        var fixedDesk = await S.AddPlanAsync("Fixed desk", 250m);
        var id = (await S.AddMemberAsync(flex.Id)).Membership.Id;
        var before = (await S.EventNamesAsync()).Count;

        Assert.True((await S.GetRequiredService<MembershipService>().ChangePlanAsync(id, fixedDesk.Id, "2026-03-02", "test")).Succeeded);
        await S.RunDateJobAsync();

        Assert.Equal(fixedDesk.Id, (await S.MembershipAsync(id)).PlanId);
        Assert.Equal(["changed_membership_plan", "membership_plan_change_date_reached"], (await S.EventNamesAsync()).Skip(before));
    }

    [Fact]
    public async Task Every_change_is_in_the_activity_log_with_who_did_it()
    {
        var plan = await S.AddPlanAsync();
        var id = (await S.AddMemberAsync(plan.Id, "Lena Log")).Membership.Id;
        Assert.True((await S.GetRequiredService<MembershipService>().AddTimePassesAsync(id, 4, "bought a 4-pack", "ada@example.com")).Succeeded);

        var page = await S.GetRequiredService<EasySpace.Core.Activity.ActivityLogReader>().PageAsync("time_passes", 0, 10);

        var entry = Assert.Single(page.Items);
        Assert.Equal(("ada@example.com", "membership.time_passes_added"), (entry.Actor, entry.Action));
        Assert.Contains("Lena Log", entry.Subject);
        Assert.Equal("4 (bought a 4-pack); now 4", entry.Details);
    }
}
