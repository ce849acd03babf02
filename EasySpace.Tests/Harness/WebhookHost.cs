using EasySpace.Core.Events;
using EasySpace.Core.Data;
using EasySpace.Core.Identity;
using EasySpace.Core.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Tests.Harness;

/// <summary>An app set up and ready for webhook scenarios: create endpoints, cause events, look at deliveries.</summary>
public static class WebhookHostExtensions
{
    public static readonly Actor Owner = new("owner-id", AppHost.OwnerEmail);
    private static int admins;

    public static async Task<CreatedEndpoint> CreateEndpointAsync(this AppHost app, Uri url, string[] events,
        PayloadFormat format = PayloadFormat.Full, EndpointFilters? filters = null, List<CustomHeader>? headers = null, string? secret = null, string name = "CRM")
    {
        var result = await app.Get<EndpointService>().CreateAsync(new EndpointDraft
        {
            Name = name,
            Url = url.ToString(),
            Events = [.. events],
            Format = format,
            Filters = filters,
            Headers = headers ?? [],
            Secret = secret,
        }, EndpointOrigin.SettingsUi, Owner);
        Assert.True(result.Succeeded, result.Errors.ToString());
        return result.Value!;
    }

    /// <summary>A real action that raises created_admin.</summary>
    public static async Task<AppUser> AddAdminAsync(this AppHost app, string? email = null)
    {
        email ??= $"admin{Interlocked.Increment(ref admins)}@example.com";
        var result = await app.Get<UserAdministration>().AddAdminAsync(new NewAccount(email, AppHost.Password), false, "test");
        Assert.True(result.Succeeded, result.Errors.ToString());
        return result.Value!;
    }

    /// <summary>A page's commit that raises created_booking for booking b<paramref name="i"/>, in a transaction of its own.</summary>
    public static async Task CommitBookingAsync(this AppHost app, int i)
    {
        await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        await app.Get<EventOutbox>().RaiseAsync(db, "created_booking", new EventSubject($"b{i}", $"b{i}", new() { ["id"] = $"b{i}", ["url"] = $"http://x/api/bookings/b{i}" }));
        await db.SaveChangesAsync();
    }

    public static async Task<List<Delivery>> DeliveriesAsync(this AppHost app, long endpointId)
    {
        await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Deliveries.AsNoTracking().Include(d => d.Event).Where(d => d.EndpointId == endpointId).OrderBy(d => d.Id).ToListAsync();
    }

    public static async Task<List<Attempt>> AttemptsAsync(this AppHost app, long deliveryId)
    {
        await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Attempts.AsNoTracking().Where(a => a.DeliveryId == deliveryId).OrderBy(a => a.Number).ToListAsync();
    }

    public static async Task<Endpoint> EndpointAsync(this AppHost app, long id) =>
        (await app.Get<EndpointService>().GetAsync(id))!;

    /// <summary>Runs the pump until nothing is due and nothing is in flight: every attempt it made is recorded when this returns.</summary>
    public static Task PumpAsync(this AppHost app) => app.Get<DeliveryPump>().RunUntilIdleAsync(CancellationToken.None);

    /// <summary>The engine's fan-out alone, as the pump's first round after a commit does it: deliveries are made, none is sent.</summary>
    /// <remarks>On PostgreSQL the app's own pump may hold events in a fan-out of its own, which this one would skip (SKIP
    /// LOCKED) and return before that commits: it waits for it, so the deliveries are there when it returns, whoever made them.</remarks>
    public static Task<int> FanOutAsync(this AppHost app) =>
        FanOutAsync(app.Get<IDbContextFactory<AppDbContext>>(), app.Get<DeliveryStore>(), app.Get<TimeProvider>(), waitForOthers: true);

    /// <summary>One node's fan-out, which leaves alone the events another node is fanning out.</summary>
    public static async Task<int> FanOutAsync(IDbContextFactory<AppDbContext> dbs, DeliveryStore store, TimeProvider clock, bool waitForOthers = false)
    {
        await using var db = await dbs.CreateDbContextAsync();
        await using var tx = await db.Database.BeginTransactionAsync();
        if (waitForOthers && store is PostgresDeliveryStore)
            await db.Database.ExecuteSqlRawAsync(""" SELECT 1 FROM "Events" WHERE "FannedOut" = false FOR UPDATE """);
        var made = await store.FanOutAsync(db, clock.GetUtcNow(), CancellationToken.None);
        await tx.CommitAsync();
        return made;
    }
}
