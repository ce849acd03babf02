using EasySpace.Core.Identity;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Core.Identity;

public class AdminDirectoryTests
{
    [Fact]
    public async Task The_owner_and_admins_read_with_their_own_url_and_members_do_not()
    {
        await using var core = await CoreHost.StartAsync();
        await PublicUrlsTests.SetUpAsync(core, "https://space.example.com");
        var adminId = await core.AddUserAsync("admin@example.com", Roles.Admin, "Ada Admin");
        var memberId = await core.AddUserAsync("member@example.com", Roles.Member);
        var ownerId = (string)core.Scalar("SELECT Id FROM AspNetUsers WHERE Email = 'owner@example.com'")!;

        var admins = core.Get<AdminDirectory>();

        Assert.Equal(new AdminResource(adminId, "Ada Admin", "admin@example.com", $"https://space.example.com/api/admins/{adminId}"),
            await admins.FindAsync(adminId));
        Assert.Equal("owner@example.com", (await admins.FindAsync(ownerId))?.Email);
        Assert.Null(await admins.FindAsync(memberId));
        Assert.Null(await admins.FindAsync("no-such-id"));
    }
}
