using System.Security.Claims;
using Bunit;
using EasySpace.Core.Data;
using EasySpace.Core.Identity;
using EasySpace.Core.Space;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Harness;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace EasySpace.Tests.Web.Integrations;

/// <summary>A set-up space and its owner looking at the integrations pages, over the real Core.</summary>
public abstract class IntegrationsTest(TimeProvider? clock = null, IReadOnlyDictionary<string, string?>? settings = null) : ComponentTest(clock, settings)
{
    protected const string OwnerEmail = "owner@example.com";

    protected Actor Owner { get; private set; } = Actor.System;
    protected IRenderedComponent<MudDialogProvider> DialogProvider { get; private set; } = default!;
    /// <summary>Where open selects and menus render their items.</summary>
    protected IRenderedComponent<MudPopoverProvider> Popovers { get; private set; } = default!;

    /// <summary>The space's time zone and country, as set up; a test about local times picks its own.</summary>
    protected virtual (string TimeZone, string Country) Space => ("UTC", "DE");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var setup = await Get<SetupService>().CompleteAsync(new SetupRequest
        {
            Email = OwnerEmail, Password = AppHost.Password, SpaceName = "Co-Up", PublicBaseUrl = "https://space.example.com",
            TimeZone = Space.TimeZone, Country = Space.Country,
        }, "test");
        Assert.True(setup.Succeeded, setup.Errors.ToString());
        await using var db = await Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var ownerId = await db.Users.Where(u => u.Email == OwnerEmail).Select(u => u.Id).SingleAsync();
        Owner = new Actor(ownerId, OwnerEmail);

        Auth.SetAuthorized(OwnerEmail);
        Auth.SetRoles(Roles.Owner);
        Auth.SetPolicies(Policies.ManageIntegrations);
        Auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, ownerId)); // last: setting roles rebuilds the user without earlier claims
        Popovers = Render<MudPopoverProvider>();
        DialogProvider = RenderDialogProvider();
        Render<MudSnackbarProvider>();
    }

    protected T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    protected string CurrentUri => Get<NavigationManager>().Uri;

    protected async Task<Endpoint> CreateEndpointAsync(string name = "CRM", string url = "https://crm.example.com/hook", string[]? events = null,
        List<CustomHeader>? headers = null)
    {
        var result = await Get<EndpointService>().CreateAsync(new EndpointDraft
        {
            Name = name,
            Url = url,
            Events = [.. events ?? ["created_admin"]],
            Headers = headers ?? [],
        }, EndpointOrigin.SettingsUi, Owner);
        Assert.True(result.Succeeded, result.Errors.ToString());
        return result.Value!.Endpoint;
    }

    private static int admins;

    /// <summary>A real action that raises created_admin, fanned out as the engine does right after the commit (nothing is sent until <see cref="PumpAsync"/>).</summary>
    protected async Task AddAdminAsync()
    {
        var email = $"admin{Interlocked.Increment(ref admins)}@example.com";
        var result = await Get<UserAdministration>().AddAdminAsync(new NewAccount(email, AppHost.Password), false, "test");
        Assert.True(result.Succeeded, result.Errors.ToString());
        await WebhookHostExtensions.FanOutAsync(Get<IDbContextFactory<AppDbContext>>(), Get<DeliveryStore>(), Get<TimeProvider>());
    }

    /// <summary>Sends what is due, as the pump would.</summary>
    protected Task PumpAsync() => Get<DeliveryPump>().RunUntilIdleAsync(CancellationToken.None);

    /// <summary>A webhook to <paramref name="receiver"/> whose last five attempts really failed with HTTP 500: it is Failing.</summary>
    protected async Task<Endpoint> FailingWebhookAsync(EasySpace.Tests.Fakes.Receiver receiver, string name = "CRM")
    {
        receiver.Respond = EasySpace.Tests.Fakes.Receiver.Status(500);
        var endpoint = await CreateEndpointAsync(name, receiver.Url.ToString());
        for (var i = 0; i < WebhookHealth.RecentAttempts; i++) await AddAdminAsync();
        await PumpAsync();
        return endpoint;
    }

    /// <summary>Types into a MudBlazor input found by its data-testid.</summary>
    protected static void Type<T>(IRenderedComponent<T> component, string testId, string value) where T : IComponent =>
        component.Find($"[data-testid={testId}] input, input[data-testid={testId}]").Input(value);

    /// <summary>Opens a MudSelect found by its data-testid and picks the item with this text.</summary>
    protected void Pick<T>(IRenderedComponent<T> component, string testId, string item) where T : IComponent
    {
        var control = component.Find($"[data-testid={testId}]").Closest(".mud-input-control")!;
        control.MouseDown();
        Popovers.WaitForElements(".mud-list-item").Single(i => i.TextContent.Trim() == item).Click();
    }

    /// <summary>Clicks the button with this text (a dialog's "Delete", "Cancel").</summary>
    protected static void ClickButton<T>(IRenderedComponent<T> component, string text) where T : IComponent =>
        component.FindAll("button").Single(b => b.TextContent.Trim() == text).Click();
}

/// <summary>The same, with a receiver on 127.0.0.1 that really listens, for the pages that show deliveries.</summary>
public abstract class IntegrationsWithReceiverTest : IntegrationsTest
{
    protected EasySpace.Tests.Fakes.Receiver receiver = default!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        receiver = await EasySpace.Tests.Fakes.Receiver.StartAsync();
    }

    protected override async Task DisposeTestAsync() => await receiver.DisposeAsync();
}
