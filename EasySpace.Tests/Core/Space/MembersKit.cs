using EasySpace.Core.Data;
using EasySpace.Core.Scheduling;
using EasySpace.Core.Space.Members;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Tests.Core.Space;

/// <summary>Plans and members made through the real services, for the members tests.</summary>
internal static class MembersKit
{
    private static int people;

    public static async Task<Plan> AddPlanAsync(this IServiceProvider services, string name = "Flex desk", decimal price = 120m,
        PlanInterval interval = PlanInterval.Month, bool active = true)
    {
        var result = await services.GetRequiredService<PlanService>().CreateAsync(
            new PlanDraft { Name = name, Price = price, Interval = interval, IsActive = active }, "test");
        Assert.True(result.Succeeded, result.Errors.ToString());
        return result.Value!;
    }

    public static async Task<CreatedMember> AddMemberAsync(this IServiceProvider services, long planId, string? name = null, string? email = null,
        string? confirmationDate = null)
    {
        var n = Interlocked.Increment(ref people);
        var result = await services.GetRequiredService<MembershipService>().CreateAsync(new NewMember
        {
            Name = name ?? $"Mia Member {n}",
            Email = email ?? $"mia{n}@example.com",
            PlanId = planId,
            Company = "Mia GmbH",
            ConfirmationDate = confirmationDate,
        }, "test");
        Assert.True(result.Succeeded, result.Errors.ToString());
        return result.Value!;
    }

    public static async Task<Membership> MembershipAsync(this IServiceProvider services, long id)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Memberships.AsNoTracking().SingleAsync(m => m.Id == id);
    }

    /// <summary>The events raised so far, oldest first (what the outbox wrote, whether or not any endpoint wanted them).</summary>
    public static async Task<List<string>> EventNamesAsync(this IServiceProvider services)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Events.AsNoTracking().OrderBy(e => e.Id).Select(e => e.Name).ToListAsync();
    }

    /// <summary>One run of the minute job, as Quartz would start it.</summary>
    public static Task RunDateJobAsync(this IServiceProvider services) =>
        ActivatorUtilities.CreateInstance<DateDrivenEventsJob>(services).RunAsync(CancellationToken.None);

    public static string Day(DateOnly date) => date.ToString("yyyy-MM-dd");

    /// <summary>Today in the space's calendar (Europe/Berlin unless a test set up another zone).</summary>
    public static Task<DateOnly> TodayAsync(this IServiceProvider services) => services.GetRequiredService<MembershipDirectory>().TodayAsync();

    public static readonly byte[] Png =
    [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
        0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
        0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ];

    public static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0xFF, 0xD9];
}
