using System.Net;
using Bunit;
using EasySpace.Core.Identity;
using EasySpace.Tests.Harness;
using EasySpace.Web.Components.Layout;

namespace EasySpace.Tests.Web.Space;

public sealed class BookingsAccessFixture : AppHost, IAsyncLifetime
{
    public const string Member = "member@example.com";
    public const string Admin = "admin@example.com";

    public async Task InitializeAsync()
    {
        await SetUpSpaceAsync();
        await AddUserAsync(Member, Roles.Member);
        await AddUserAsync(Admin, Roles.Admin);
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;
}

/// <summary>The Bookings and Check-ins pages are for staff; members get the friendly 403.</summary>
public class BookingsAccessTests(BookingsAccessFixture app) : IClassFixture<BookingsAccessFixture>
{
    [Theory]
    [InlineData("/bookings")]
    [InlineData("/checkins")]
    public async Task A_member_gets_a_403_page(string path)
    {
        var client = await app.LoggedInClientAsync(BookingsAccessFixture.Member);

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("This section is restricted", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(AppHost.OwnerEmail, "/bookings", "Bookings")]
    [InlineData(BookingsAccessFixture.Admin, "/bookings", "Bookings")]
    [InlineData(BookingsAccessFixture.Admin, "/checkins", "Check-ins")]
    public async Task Staff_open_the_pages(string email, string path, string heading)
    {
        var client = await app.LoggedInClientAsync(email);

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains(heading, html);
        Assert.DoesNotContain("coming-later", html);
    }
}

public class BookingsNavTests : ComponentTest
{
    [Fact]
    public void Staff_see_Check_ins_next_to_Bookings_and_members_see_neither()
    {
        Auth.SetAuthorized("admin@example.com");
        Auth.SetPolicies(Policies.Staff);
        var staff = Render<NavMenu>();
        var links = staff.FindAll("a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal(links.IndexOf("bookings") + 1, links.IndexOf("checkins"));

        Auth.SetPolicies();
        var member = Render<NavMenu>();
        Assert.DoesNotContain(member.FindAll("a").Select(a => a.GetAttribute("href")), h => h is "bookings" or "checkins");
    }
}
