using EasySpace.Core.Data;
using EasySpace.Core.Space.Bookings;
using EasySpace.Core.Space.Invoices;
using EasySpace.Core.Space.Members;
using EasySpace.Core.Space.Payments;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Space;

/// <summary>
/// A plausible sample space (plans, 50 members, rooms and desks, a week of bookings, invoices open, paid and overdue
/// with payments recorded by hand), made through the same services the pages use, so every record is valid and every
/// event is raised as it would be for real.
/// </summary>
public sealed class DemoData(IDbContextFactory<AppDbContext> dbFactory, PlanService plans, MembershipService memberships,
    ResourceService resources, BookingService bookings, InvoiceService invoices, PaymentRecorder payments, SetupService setup, TimeProvider clock)
{
    private static readonly (string Name, decimal Price)[] Plans = [("Flex desk", 190m), ("Fixed desk", 290m), ("Team office", 1200m)];

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
        foreach (var (name, price) in Plans)
            planIds.Add(Check(await plans.CreateAsync(new PlanDraft { Name = name, Price = price, Interval = PlanInterval.Month }, actor, ct)).Id);

        var memberIds = new List<long>();
        var memberNames = new List<string>();
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
            memberNames.Add(name);
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
        var (invoiceCount, paymentCount) = await AddInvoicesAsync(memberIds, memberNames, actor, ct);
        return $"Added 3 plans, 50 members, {roomIds.Count} rooms and desks, {made} bookings over the next week, "
            + $"{invoiceCount} invoices (open, paid and overdue) and {paymentCount} payments recorded by hand.";
    }

    /// <summary>
    /// Twelve sent plan invoices for the first twelve members, in a fixed pattern (two runs on empty spaces give the same
    /// invoices): three paid in full and two partly paid by bank transfer (recorded by hand), four open, three overdue.
    /// </summary>
    private async Task<(int Invoices, int Payments)> AddInvoicesAsync(List<long> memberIds, List<string> memberNames, string actor, CancellationToken ct)
    {
        DateOnly today;
        await using (var db = await dbFactory.CreateDbContextAsync(ct)) today = (await SpaceClock.LoadAsync(db, ct)).Today(clock.GetUtcNow());
        var madePayments = 0;
        for (var i = 0; i < 12; i++)
        {
            var (planName, price) = Plans[i % Plans.Length];
            var invoice = Check(await invoices.CreateAsync(new InvoiceDraft
            {
                MembershipId = memberIds[i], Name = memberNames[i], TaxName = "VAT", TaxRate = 19m, DueDate = today.AddDays(14),
                Items = [new InvoiceLineDraft { Description = $"{planName}, monthly fee", Quantity = 1, Amount = price }],
            }, actor, ct));
            Check(await invoices.SendAsync(invoice.Id, actor, ct));
            var reference = $"Bank transfer {invoice.FormattedNumber}";
            switch (i % 4)
            {
                case 0:   // paid in full
                    Check(await payments.RecordPaymentAsync(invoice.Id, invoice.Total, invoice.Currency, PaymentProviders.Manual, reference, actor, ct));
                    madePayments++;
                    break;
                case 1:   // overdue: the service rightly refuses a due date in the past, so the sample invoice is moved back a month
                    await using (var db = await dbFactory.CreateDbContextAsync(ct))
                        await db.Invoices.Where(x => x.Id == invoice.Id).ExecuteUpdateAsync(x => x
                            .SetProperty(v => v.IssuedOn, today.AddDays(-30)).SetProperty(v => v.DueDate, today.AddDays(-16)), ct);
                    break;
                case 2 when i < 8:   // partly paid, still open
                    Check(await payments.RecordPaymentAsync(invoice.Id, Math.Round(invoice.Total / 2, 2), invoice.Currency, PaymentProviders.Manual, reference, actor, ct));
                    madePayments++;
                    break;
                default:   // open, not due yet
                    break;
            }
        }
        return (12, madePayments);
    }

    private static T Check<T>(Result<T> result) =>
        result.Succeeded ? result.Value! : throw new InvalidOperationException("demo-data could not add a record: " + result.Errors);
}
