using System.Net;
using System.Text.RegularExpressions;
using EasySpace.Core.Identity;
using EasySpace.Core.Space.Members;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Web.Space;

/// <summary>A set-up space with an admin and a member whose password is the test password.</summary>
public sealed class MembersAccessFixture : AppHost, IAsyncLifetime
{
    public const string Admin = "admin@example.com";
    public const string Member = "mia@example.com";
    public long MembershipId { get; private set; }
    public string MemberUserId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await SetUpSpaceAsync();
        await AddUserAsync(Admin, Roles.Admin);
        var created = await Services.AddMemberAsync((await Services.AddPlanAsync()).Id, "Mia Member", Member);
        MembershipId = created.Membership.Id;
        MemberUserId = created.Membership.UserId;
        var changed = await Get<MemberAccounts>().ChangePasswordAsync(MemberUserId, created.Password, Password);
        Assert.True(changed.Succeeded, changed.Errors.ToString());
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;
}

public class MembersAccessTests(MembersAccessFixture app) : IClassFixture<MembersAccessFixture>
{
    [Fact]
    public async Task A_member_gets_403_on_the_members_and_admins_pages_and_sees_their_own_page()
    {
        var client = await app.LoggedInClientAsync(MembersAccessFixture.Member);

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/members")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/members/{app.MembershipId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/settings/admins")).StatusCode);
        var me = await client.GetAsync("/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Contains("My membership", await me.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(AppHost.OwnerEmail)]
    [InlineData(MembersAccessFixture.Admin)]
    public async Task Staff_open_the_members_pages_and_the_admins_page(string email)
    {
        var client = await app.LoggedInClientAsync(email);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/members")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/members/{app.MembershipId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/settings/admins")).StatusCode);
    }

    [Fact]
    public async Task An_anonymous_visitor_is_sent_to_log_in()
    {
        var response = await app.NewClient().GetAsync("/me");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/Login", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Changing_the_password_on_the_account_page_raises_updated_connected_user_and_keeps_the_member_logged_in()
    {
        var client = await app.LoggedInClientAsync(MembersAccessFixture.Member);
        var form = await client.GetStringAsync("/Account/Manage/ChangePassword");
        var fields = Regex.Matches(form, "<input[^>]*type=\"hidden\"[^>]*name=\"([^\"]+)\"[^>]*value=\"([^\"]*)\"")
            .ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        fields["Input.OldPassword"] = AppHost.Password;
        fields["Input.NewPassword"] = "An0ther-horse!";
        fields["Input.ConfirmPassword"] = "An0ther-horse!";

        var response = await client.PostAsync("/Account/Manage/ChangePassword", new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("updated_connected_user", (await app.Services.EventNamesAsync())[^1]);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/me")).StatusCode); // the refreshed cookie still works
        // Put the test password back for the other tests (through the same service, raising the event again).
        Assert.True((await app.Get<MemberAccounts>().ChangePasswordAsync(app.MemberUserId, "An0ther-horse!", AppHost.Password)).Succeeded);
    }
}
