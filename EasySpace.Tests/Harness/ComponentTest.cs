using Bunit;
using Bunit.TestDoubles;
using EasySpace.Core;
using EasySpace.Core.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace EasySpace.Tests.Harness;

/// <summary>
/// bUnit with MudBlazor (loose JS interop) over the real Core services and a real, migrated SQLite file.
/// </summary>
public abstract class ComponentTest : BunitContext, IAsyncLifetime
{
    private readonly TempDirectory data = new();

    /// <param name="clock">A fake clock for a test about times; the real one otherwise.</param>
    /// <param name="settings">Settings-file values a test needs (as in appsettings.json, "Mail:Host").</param>
    protected ComponentTest(TimeProvider? clock = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["EasySpace:DataDirectory"] = data.Path,
                ["Webhooks:AllowPrivateNetworks"] = "true",   // test sends go to receivers on loopback
            })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        Services.AddEasySpaceCore(configuration);
        Services.UseFastPasswordHashing();
        if (clock is not null) Services.AddSingleton(clock);   // before anything is resolved: bUnit forbids it after
        Services.AddLogging();
        Auth = AddAuthorization();
        Services.AddScoped<EasySpace.Web.Components.Account.CurrentActor>();   // who is acting, from the Auth below
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
    }

    /// <summary>Who is looking: anonymous until a test says otherwise.</summary>
    protected BunitAuthorizationContext Auth { get; }

    /// <summary>Starts from the run's migrated template (<see cref="MigratedTemplate"/>), then runs the real start on it.</summary>
    public virtual async Task InitializeAsync()
    {
        await MigratedTemplate.CopyToAsync(data.Path);
        await Services.MigrateDatabaseAsync();
    }

    // MudBlazor's services dispose only asynchronously, so the container must be disposed that way.
    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeTestAsync();
        await ((IAsyncDisposable)this).DisposeAsync();
        data.Dispose();
    }

    /// <summary>For what a test class started itself (a receiver); runs before the container goes.</summary>
    protected virtual Task DisposeTestAsync() => Task.CompletedTask;

    /// <summary>Popovers, menus and selects need their provider in the tree.</summary>
    protected void RenderPopoverProvider() => Render<MudBlazor.MudPopoverProvider>();

    /// <summary>Dialogs render into their provider; find their content in what this returns.</summary>
    protected IRenderedComponent<MudBlazor.MudDialogProvider> RenderDialogProvider() => Render<MudBlazor.MudDialogProvider>();
}
