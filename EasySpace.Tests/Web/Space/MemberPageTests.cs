using Bunit;
using EasySpace.Core.Space.Members;
using EasySpace.Tests.Core.Space;
using EasySpace.Web.Components.Pages.Members;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Tests.Web.Space;

public class MemberPageTests : MembersComponentTest
{
    private Plan plan = default!;
    private Membership member = default!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        plan = await S.AddPlanAsync("Flex desk", 120m);
        member = (await S.AddMemberAsync(plan.Id, "Mia Member", "mia@example.com")).Membership;
        LogInAsOwner();
    }

    private IRenderedComponent<MemberPage> Open() => RenderPage<MemberPage>(p => p.Add(x => x.Id, member.Id));


    [Fact]
    public void The_page_shows_the_members_details_plan_status_payment_method_and_time_passes()
    {
        var page = Open();

        page.WaitForAssertion(() => Assert.Equal("Mia Member", page.Find("[data-testid=member-name]").TextContent));
        Assert.Contains("Mia GmbH", page.Find("[data-testid=member-details]").TextContent);
        Assert.Equal("Flex desk · 120.00 EUR per month", page.Find("[data-testid=member-plan]").TextContent.Trim());
        Assert.Equal("active", page.Find("[data-testid=membership-status]").TextContent.Trim());
        Assert.Equal("Invoice (bank transfer)", page.Find("[data-testid=member-payment-method]").TextContent.Trim());
        Assert.Equal("0", page.Find("[data-testid=member-time-passes]").TextContent.Trim());
        Assert.Equal("MM", page.Find("[data-testid=member-initials]").TextContent.Trim());
    }

    [Fact]
    public void An_unknown_id_says_there_is_no_such_membership()
    {
        var page = RenderPage<MemberPage>(p => p.Add(x => x.Id, 987654));

        page.WaitForAssertion(() => Assert.Contains("There is no membership with this id", page.Markup));
    }

    [Fact]
    public async Task Editing_details_refuses_an_empty_name_at_the_field_and_saves_a_good_one()
    {
        var page = Open();
        page.WaitForAssertion(() => page.Find("[data-testid=edit-details]").Click());

        FillDialog("edit-details-name", "");
        ClickDialog("edit-details-submit");
        DialogHost.WaitForAssertion(() => Assert.Contains("Enter the member's name.", DialogText));

        FillDialog("edit-details-name", "Mia Moved");
        FillDialog("edit-details-address", "<script>alert(1)</script>\nBerlin");
        ClickDialog("edit-details-submit");

        page.WaitForAssertion(() => Assert.Equal("Mia Moved", page.Find("[data-testid=member-name]").TextContent));
        Assert.Contains("<script>alert(1)</script>", page.Find("[data-testid=member-details]").TextContent); // shown as text
        Assert.Empty(page.FindAll("script"));
        Assert.Equal("Mia Moved", (await S.MembershipAsync(member.Id)).Name);
    }

    [Fact]
    public async Task Canceling_to_a_past_day_is_refused_at_the_field_and_a_future_day_shows_as_the_end()
    {
        var today = await S.TodayAsync();
        var page = Open();
        page.WaitForAssertion(() => page.Find("[data-testid=open-cancel]").Click());

        await TypeDayInDialogAsync("cancel-date", today.AddDays(-1));
        ClickDialog("cancel-submit");
        DialogHost.WaitForAssertion(() => Assert.Contains("or a later day.", DialogText));

        await TypeDayInDialogAsync("cancel-date", today.AddDays(30));
        ClickDialog("cancel-submit");

        var shown = (await SpaceClockAsync()).Day(today.AddDays(30));
        page.WaitForAssertion(() => Assert.Contains(shown, page.Find("[data-testid=member-course]").TextContent));
        Assert.Equal("canceling", page.Find("[data-testid=membership-status]").TextContent.Trim());
        Assert.NotEmpty(page.FindAll("[data-testid=uncancel]"));
    }

    [Fact]
    public void Removing_more_time_passes_than_the_member_has_is_refused_with_the_count()
    {
        var page = Open();
        page.WaitForAssertion(() => page.Find("[data-testid=open-add-time-passes]").Click());
        FillDialog("time-passes-count", "3");
        FillDialog("time-passes-reason", "welcome gift");
        ClickDialog("time-passes-submit");
        page.WaitForAssertion(() => Assert.Equal("3", page.Find("[data-testid=member-time-passes]").TextContent.Trim()));

        Click(page, "open-remove-time-passes");
        FillDialog("time-passes-count", "5");
        ClickDialog("time-passes-submit");

        DialogHost.WaitForAssertion(() => Assert.Contains("This member has only 3 time passes; remove at most that many.", DialogText));
        Assert.Equal("3", page.Find("[data-testid=member-time-passes]").TextContent.Trim());
    }

    [Fact]
    public async Task A_plan_change_from_a_later_day_shows_as_planned_and_can_be_withdrawn()
    {
        await S.AddPlanAsync("Fixed desk", 250m);
        var later = (await S.TodayAsync()).AddDays(14);
        var day = (await SpaceClockAsync()).Day(later);
        var page = Open();
        page.WaitForAssertion(() => page.Find("[data-testid=open-change-plan]").Click());

        await TypeDayInDialogAsync("change-plan-from", later);
        ClickDialog("change-plan-submit");

        page.WaitForAssertion(() => Assert.Contains($"Changes to Fixed desk on {day}", page.Find("[data-testid=planned-change]").TextContent));
        Click(page, "drop-plan-change");
        Confirm("Withdraw");
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=planned-change]")));
        Assert.Null((await S.MembershipAsync(member.Id)).NextPlanId);
        Assert.Equal(plan.Id, (await S.MembershipAsync(member.Id)).PlanId);
    }

    [Fact]
    public async Task Custom_field_values_are_edited_in_their_dialog_and_shown_as_text()
    {
        Assert.True((await S.GetRequiredService<CustomFieldService>().AddAsync("Locker", "test")).Succeeded);
        var page = Open();
        page.WaitForAssertion(() => page.Find("[data-testid=open-custom-fields]").Click());

        FillDialog("custom-field-Locker", new string('7', 501));
        ClickDialog("custom-fields-submit");
        DialogHost.WaitForAssertion(() => Assert.Contains("at most 500 characters", DialogText));
        FillDialog("custom-field-Locker", "<b>17</b>");
        ClickDialog("custom-fields-submit");

        page.WaitForAssertion(() => Assert.Contains("<b>17</b>", page.Find("[data-testid=member-custom-fields]").TextContent));
        Assert.Empty(page.FindAll("[data-testid=member-custom-fields] b"));
    }

    [Fact]
    public async Task A_picture_that_is_not_png_or_jpeg_is_refused_and_a_png_is_shown()
    {
        var page = Open();
        page.WaitForAssertion(() => page.Find("[data-testid=open-picture]").Click());

        DialogHost.WaitForAssertion(() => DialogHost.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary("GIF89a"u8.ToArray(), "cat.gif")));
        ClickDialog("picture-submit");
        DialogHost.WaitForAssertion(() => Assert.Contains("Only PNG and JPEG pictures can be used.", DialogText));

        DialogHost.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(MembersKit.Png, "me.png"));
        ClickDialog("picture-submit");

        page.WaitForAssertion(() => Assert.StartsWith("data:image/png;base64,", page.Find("[data-testid=member-picture]").GetAttribute("src")));
        Assert.True((await S.MembershipAsync(member.Id)).HasPicture);
    }

    [Fact]
    public async Task Deleting_asks_first_naming_the_member_then_goes_back_to_the_list()
    {
        var page = Open();
        page.WaitForAssertion(() => page.Find("[data-testid=delete-member]").Click());

        DialogHost.WaitForAssertion(() => Assert.Contains("Delete the membership of Mia Member (mia@example.com)?", DialogText));
        Confirm("Delete Mia Member");

        var navigation = Services.GetRequiredService<NavigationManager>();
        page.WaitForAssertion(() => Assert.EndsWith("/members", navigation.Uri));
        Assert.Null(await S.GetRequiredService<MembershipDirectory>().FindAsync(member.Id));
    }

    [Fact]
    public async Task Canceling_the_delete_confirmation_keeps_the_membership()
    {
        var page = Open();
        page.WaitForAssertion(() => page.Find("[data-testid=delete-member]").Click());

        Confirm("Cancel");

        Assert.NotNull(await S.GetRequiredService<MembershipDirectory>().FindAsync(member.Id));
    }

    [Fact]
    public void A_new_password_is_shown_once_after_a_confirmation()
    {
        var page = Open();
        page.WaitForAssertion(() => page.Find("[data-testid=reset-password]").Click());
        Confirm("New password");

        DialogHost.WaitForAssertion(() => Assert.Contains("shown only now", DialogText));
        var password = DialogHost.Find("[data-testid=generated-password] input, input[data-testid=generated-password]").GetAttribute("value");
        Assert.Equal(20, password!.Length);
    }
}
