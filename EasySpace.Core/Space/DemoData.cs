using EasySpace.Core.Data;
using EasySpace.Core.Space.Bookings;
using EasySpace.Core.Space.Members;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Space;

/// <summary>
/// A plausible sample space (plans, 50 members, rooms and desks, a week of bookings), made through the same services
/// the pages use, so every record is valid and every event is raised as it would be for real.
/// </summary>
public sealed class DemoData(IDbContextFactory<AppDbContext> dbFactory, PlanService plans, MembershipService memberships,
    ResourceService resources, BookingService bookings, SetupService setup, TimeProvider clock)
{
    private static readonly string[] FirstNames = ["Ada", "Ben", "Chloé", "Dario", "Emma", "Farid", "Greta", "Hiro", "Ines", "Jonas"];
    private static readonly string[] LastNames = ["Keller", "Lindqvist", "Moreau", "Novak", "Okafor"];

    public async Task<Result<string>> CreateAsync(CancellationToken ct = default)
    {
        if (!await setup.IsCompleteAsync(ct)) return new ValidationErrors().Add("", "EasySpace is not set up yet: run setup first.");
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            if (await db.Memberships.AnyAsync(ct) || await db.Resources.AnyAsync(ct))
                return new ValidationErrors().Add("", "demo-data fills an empty space only: this one already has members or resources.");

        const string actor = "demo-data";
        var planIds = new List<long>();
        foreach (var (name, price, interval) in new[] { ("Flex desk", 190m, PlanInterval.Month), ("Fixed desk", 290m, PlanInterval.Month), ("Team office", 1200m, PlanInterval.Month) })
            planIds.Add(Check(await plans.CreateAsync(new PlanDraft { Name = name, Price = price, Interval = interval }, actor, ct)).Id);

        var memberIds = new List<long>();
        for (var i = 0; i < 50; i++)
        {
            var name = $"{FirstNames[i % FirstNames.Length]} {LastNames[i / FirstNames.Length % LastNames.Length]}";
            memberIds.Add(Check(await memberships.CreateAsync(new NewMember
            {
                Name = name,
                Email = $"member{i + 1}@demo.example.com",
                PlanId = planIds[i % planIds.Count],
                Company = i % 4 == 0 ? "Studio " + LastNames[i % LastNames.Length] : null,
            }, actor, ct)).Membership.Id);
        }

        var roomIds = new List<long>();
        var currency = await plans.SpaceCurrencyAsync(ct);
        foreach (var (name, kind, capacity, price) in new[] { ("Meeting room Ada", ResourceKind.Room, 8, 25m), ("Phone booth", ResourceKind.Room, 1, 5m), ("Event space", ResourceKind.Room, 40, 90m), ("Hot desk 1", ResourceKind.Desk, 1, 4m) })
            roomIds.Add(Check(await resources.AddAsync(new ResourceDraft { Name = name, Kind = kind, Capacity = capacity, HourlyPrice = price, Currency = currency, TaxRate = 19m }, actor, ct)).Id);

        var start = new DateTimeOffset(clock.GetUtcNow().UtcDateTime.Date.AddDays(1).AddHours(8), TimeSpan.Zero);
        var made = 0;
        for (var day = 0; day < 7; day++)
            for (var slot = 0; slot < 4; slot++)
            {
                var from = start.AddDays(day).AddHours(slot * 2);
                var booking = await bookings.BookAsync(new BookingDraft
                {
                    ResourceId = roomIds[(day + slot) % roomIds.Count], From = from, To = from.AddHours(1.5),
                    Title = slot % 2 == 0 ? "Team meeting" : "Client call", MembershipId = memberIds[(day * 4 + slot) % memberIds.Count],
                }, actor, ct);
                if (booking.Succeeded) made++;
            }
        return $"Added 3 plans, 50 members, {roomIds.Count} rooms and desks and {made} bookings over the next week.";
    }

    private static T Check<T>(Result<T> result) =>
        result.Succeeded ? result.Value! : throw new InvalidOperationException("demo-data could not add a record: " + result.Errors);
}
