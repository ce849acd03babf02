using EasySpace.Core.Identity;
using EasySpace.Core.Space.Invoices;
using EasySpace.Core.Space.Members;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Web.Space;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EasySpace.Tests.Web.Portal;

/// <summary>
/// The member portal's pages in a space in Berlin on a fake clock: Mia is logged in, and Max, another member, has
/// records beside hers that she must never see.
/// </summary>
public abstract class PortalTest : MembersComponentTest
{
    protected readonly FakeTimeProvider Clock;
    protected CreatedMember Mia = default!, Max = default!;

    protected PortalTest(DateTimeOffset now) : this(new FakeTimeProvider(now)) { }

    private PortalTest(FakeTimeProvider clock) : base(clock) => Clock = clock;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var plan = await S.AddPlanAsync("Flex desk", 120m);
        Mia = await S.AddMemberAsync(plan.Id, "Mia Member", "mia@example.com");
        Max = await S.AddMemberAsync(plan.Id, "Max Other", "max@example.com");
        LogIn("mia@example.com", Mia.Membership.UserId, Roles.Member);
    }

    /// <summary>An invoice for the member, sent unless asked not to (a draft an admin is still writing).</summary>
    protected async Task<Invoice> InvoiceAsync(CreatedMember who, DateOnly due, bool send = true)
    {
        var draft = BillingTestData.CobotExample(due);
        draft.Name = who.Membership.Name;
        draft.MembershipId = who.Membership.Id;
        var invoices = S.GetRequiredService<InvoiceService>();
        var created = await invoices.CreateAsync(draft, "test");
        Assert.True(created.Succeeded, created.Errors.ToString());
        if (send) Assert.True((await invoices.SendAsync(created.Value!.Id, "test")).Succeeded);
        return created.Value!;
    }
}
