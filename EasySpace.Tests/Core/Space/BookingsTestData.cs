using EasySpace.Core.Data;
using EasySpace.Core.Events;
using EasySpace.Core.Space.Bookings;
using EasySpace.Core.Space.CheckIns;
using EasySpace.Tests.Harness;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Tests.Core.Space;

/// <summary>Rooms, bookings and check-ins made through the real services, for the Bookings tests.</summary>
public static class BookingsTestData
{
    public const string Actor = "owner@example.com";

    public static async Task<Resource> AddResourceAsync(this IServiceProvider services, string name = "Meeting Room", decimal hourlyPrice = 10m,
        ResourceKind kind = ResourceKind.Room, decimal taxRate = 19m)
    {
        var result = await services.GetRequiredService<ResourceService>().AddAsync(new ResourceDraft
        {
            Name = name, Kind = kind, Capacity = 8, HourlyPrice = hourlyPrice, Currency = "EUR", TaxRate = taxRate,
        }, Actor);
        Assert.True(result.Succeeded, result.Errors.ToString());
        return result.Value!;
    }

    public static async Task<Booking> BookAsync(this IServiceProvider services, Resource resource, DateTimeOffset from, TimeSpan length,
        string title = "Team sync", string? memberName = "Ada Lovelace", string? comments = "coffee please")
    {
        var result = await services.GetRequiredService<BookingService>().BookAsync(new BookingDraft
        {
            ResourceId = resource.Id, From = from, To = from + length, Title = title, MemberName = memberName, Comments = comments,
        }, Actor);
        Assert.True(result.Succeeded, result.Errors.ToString());
        return result.Value!;
    }

    public static async Task<CheckIn> CheckInAsync(this IServiceProvider services, string memberName = "Ada Lovelace")
    {
        var result = await services.GetRequiredService<CheckInService>().CheckInAsync(new CheckInDraft { MemberName = memberName }, Actor);
        Assert.True(result.Succeeded, result.Errors.ToString());
        return result.Value!;
    }

    public static async Task<CheckInToken> AddTokenAsync(this IServiceProvider services, string token = "04:A2:3B:9C", string memberName = "Ada Lovelace")
    {
        var result = await services.GetRequiredService<CheckInService>().AddTokenAsync(new CheckInTokenDraft { Token = token, MemberName = memberName }, Actor);
        Assert.True(result.Succeeded, result.Errors.ToString());
        return result.Value!;
    }

    /// <summary>The events raised so far (the outbox rows), by name.</summary>
    public static async Task<List<EventRecord>> EventsAsync(this IServiceProvider services, string? name = null)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var query = db.Events.AsNoTracking();
        if (name is not null) query = query.Where(e => e.Name == name);
        return await query.OrderBy(e => e.Id).ToListAsync();
    }
}

/// <summary>Core services over a migrated SQLite file, with a public base URL so events can carry their URLs.</summary>
public sealed class BookingsCoreFixture : IAsyncLifetime
{
    public CoreHost Host { get; } = new(new Dictionary<string, string?> { ["EasySpace:PublicBaseUrl"] = "https://space.example.com" });
    public IServiceProvider Services => Host.Services;
    public Task InitializeAsync() => Host.InitializeAsync();
    public Task DisposeAsync() => Host.DisposeAsync();
}
