using Bunit;
using EasySpace.Core.Identity;
using EasySpace.Core.Space.Members;
using EasySpace.Tests.Core.Space;
using EasySpace.Web.Components.Pages.Members;

namespace EasySpace.Tests.Web.Space;

public class MePageTests : MembersComponentTest
{
    private CreatedMember mia = default!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        mia = await S.AddMemberAsync((await S.AddPlanAsync("Flex desk", 120m)).Id, "Mia Member", "mia@example.com");
        LogIn("mia@example.com", mia.Membership.UserId, Roles.Member);
    }

    [Fact]
    public void A_member_sees_their_own_plan_status_and_time_passes()
    {
        var page = RenderPage<MePage>();

        page.WaitForAssertion(() => Assert.Contains("Flex desk · 120.00 EUR per month", page.Find("[data-testid=my-membership]").TextContent));
        Assert.Equal("active", page.Find("[data-testid=membership-status]").TextContent.Trim());
        Assert.Contains("Time passes: 0", page.Find("[data-testid=my-time-passes]").TextContent);
    }

    [Fact]
    public void Someone_without_a_membership_is_told_so()
    {
        LogIn("admin@example.com", "admin-without-membership", Roles.Admin);

        var page = RenderPage<MePage>();

        page.WaitForAssertion(() => Assert.Contains("Your account has no membership.", page.Find("[data-testid=no-membership]").TextContent));
    }

    [Theory]
    [InlineData("me-name", "", "Enter the member's name.")]
    [InlineData("me-phone", "ring ring", "digits, spaces")]
    [InlineData("me-company", "Acme\u202Egpj.exe", "changes the direction of the text")]   // "<script>" passes since session 26: shown as text
    public async Task Bad_contact_details_are_refused_at_the_field(string testId, string value, string message)
    {
        var page = RenderPage<MePage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=me-save-details]")));

        Fill(page, testId, value);
        Click(page, "me-save-details");

        page.WaitForAssertion(() => Assert.Contains(message, page.Markup));
        Assert.Equal("Mia Member", (await S.MembershipAsync(mia.Membership.Id)).Name);
    }

    [Fact]
    public async Task A_member_saves_their_own_details_and_payment_method()
    {
        var page = RenderPage<MePage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=me-save-details]")));

        Fill(page, "me-phone", "+49 30 555");
        Click(page, "me-save-details");
        page.WaitForAssertion(() => Assert.Contains("+49 30 555", page.Find("[data-testid=me-phone] input, input[data-testid=me-phone]").GetAttribute("value")));
        Assert.Equal("+49 30 555", (await S.MembershipAsync(mia.Membership.Id)).Phone);

        var events = await S.EventNamesAsync();
        Assert.Equal("updated_membership_details", events[^1]);
    }

    [Fact]
    public async Task Changing_the_e_mail_needs_the_current_password()
    {
        var page = RenderPage<MePage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=me-change-email]")));

        Fill(page, "me-email", "mia.new@example.com");
        Fill(page, "me-current-password", "wrong");
        Click(page, "me-change-email");
        page.WaitForAssertion(() => Assert.Contains("Enter your current password to change your e-mail address.", page.Markup));

        Fill(page, "me-email", "mia.new@example.com");
        Fill(page, "me-current-password", mia.Password);
        Click(page, "me-change-email");
        page.WaitForAssertion(() => Assert.Contains("You log in with mia.new@example.com", page.Markup));
        Assert.Equal("updated_connected_user", (await S.EventNamesAsync())[^1]);
    }
}
