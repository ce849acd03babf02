using EasySpace.Core.Data;
using EasySpace.Core.Identity;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Harness;
using Microsoft.EntityFrameworkCore;
using EasySpace.Tests.Core.Events;

namespace EasySpace.Tests.Core.Identity;

/// <summary>A removed admin's API webhooks stop with them, visibly, until the owner takes them over.</summary>
public class AdminRemovalTests : IAsyncLifetime
{
    private readonly AppHost app = new();
    private AppUser admin = default!;

    public async Task InitializeAsync()
    {
        await app.SetUpSpaceAsync();
        var result = await app.Get<UserAdministration>().AddAdminAsync(new NewAccount("ada@example.com", AppHost.Password), true, "test");
        admin = result.Value!;
    }

    private async Task<Endpoint> CreateAsync(EndpointOrigin origin, Actor by)
    {
        var result = await app.Get<EndpointService>().CreateAsync(new EndpointDraft
        {
            Name = $"{origin} hook", Url = "https://crm.example.com/hook", Events = ["created_booking"],
        }, origin, by);
        Assert.True(result.Succeeded, result.Errors.ToString());
        return result.Value!.Endpoint;
    }

    private async Task<Actor> OwnerAsync()
    {
        await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return new Actor(await db.Users.Where(u => u.Email == AppHost.OwnerEmail).Select(u => u.Id).SingleAsync(), AppHost.OwnerEmail);
    }

    [Fact]
    public async Task Removing_an_admin_disables_the_webhooks_they_made_through_the_API_with_the_reason()
    {
        var ada = new Actor(admin.Id, admin.Email!);
        var viaApi = await CreateAsync(EndpointOrigin.Api, ada);
        var viaSettings = await CreateAsync(EndpointOrigin.SettingsUi, ada);

        Assert.True((await app.Get<UserAdministration>().RemoveAdminAsync(admin.Id, AppHost.OwnerEmail)).Succeeded);

        var endpoints = app.Get<EndpointService>();
        var disabled = (await endpoints.GetAsync(viaApi.Id))!;
        Assert.Equal(EndpointStatus.Disabled, disabled.Status);
        Assert.Equal("its creator ada@example.com was removed", disabled.DeactivationReason);
        Assert.True(await endpoints.HasRemovedCreatorAsync(disabled));
        Assert.Equal(EndpointStatus.Active, (await endpoints.GetAsync(viaSettings.Id))!.Status); // made in the settings: the space's, not the token's
        await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var logged = await db.ActivityLog.SingleAsync(e => e.Action == "webhook.disabled");
        Assert.Equal((AppHost.OwnerEmail, "Api hook", "its creator ada@example.com was removed"), (logged.Actor, logged.Subject, logged.Details));
        var checkedEvents = await PayloadSchemas.AssertSentBodiesMatchAsync(app.Services);
        Assert.Contains("created_admin", checkedEvents);
        Assert.Contains("deleted_admin", checkedEvents);
    }

    [Fact]
    public async Task The_owner_takes_a_removed_admins_webhook_over_and_enables_it_again()
    {
        var hook = await CreateAsync(EndpointOrigin.Api, new Actor(admin.Id, admin.Email!));
        Assert.True((await app.Get<UserAdministration>().RemoveAdminAsync(admin.Id, AppHost.OwnerEmail)).Succeeded);
        var endpoints = app.Get<EndpointService>();
        var owner = await OwnerAsync();

        var early = await endpoints.EnableAsync(hook.Id, releaseHeld: false, owner);
        Assert.False(early.Succeeded);
        Assert.Contains("Its creator ada@example.com was removed: the owner takes it over first.", early.Errors.ToString());

        Assert.True((await endpoints.TakeOverAsync(hook.Id, owner)).Succeeded);
        Assert.True((await endpoints.EnableAsync(hook.Id, releaseHeld: false, owner)).Succeeded);

        var adopted = (await endpoints.GetAsync(hook.Id))!;
        Assert.Equal((EndpointStatus.Active, owner.UserId, AppHost.OwnerEmail, (string?)null), (adopted.Status, adopted.CreatedByUserId, adopted.CreatedByEmail, adopted.DeactivationReason));
        Assert.Contains(await app.Get<ApiSubscriptions>().ListAsync(owner.UserId), e => e.Id == hook.Id); // the owner's token lists it now
    }

    [Fact]
    public async Task A_webhook_whose_creator_still_exists_is_not_taken_over()
    {
        var hook = await CreateAsync(EndpointOrigin.Api, new Actor(admin.Id, admin.Email!));

        var result = await app.Get<EndpointService>().TakeOverAsync(hook.Id, await OwnerAsync());

        Assert.False(result.Succeeded);
        Assert.Equal(admin.Id, (await app.Get<EndpointService>().GetAsync(hook.Id))!.CreatedByUserId);
    }

    public Task DisposeAsync()
    {
        app.Dispose();
        return Task.CompletedTask;
    }
}
