using Bunit;
using EasySpace.Core.Identity;
using EasySpace.Web.Components.Layout;

namespace EasySpace.Tests.Web.Space;

public class MembersNavTests : MembersComponentTest
{
    [Fact]
    public void A_member_gets_links_to_their_own_pages_and_no_admin_links()
    {
        LogIn("mia@example.com", "mia-id", Roles.Member);

        var nav = Render<NavMenu>();

        var links = nav.FindAll("a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Contains("me", links);
        Assert.Contains("me/invoices", links);
        Assert.Contains("me/bookings", links);
        Assert.Contains("me/payments", links);
        Assert.DoesNotContain("members", links);
        Assert.DoesNotContain("settings/admins", links);
    }

    [Fact]
    public void Staff_find_the_admins_page_under_space_settings()
    {
        LogInAsOwner();

        var nav = Render<NavMenu>();

        var links = nav.FindAll("a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Contains("settings/admins", links);
        Assert.DoesNotContain("me/invoices", links);
    }
}
