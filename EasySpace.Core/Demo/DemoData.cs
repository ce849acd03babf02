using System.Globalization;
using EasySpace.Core.Data;
using EasySpace.Core.Space;
using EasySpace.Core.Space.Bookings;
using EasySpace.Core.Space.CheckIns;
using EasySpace.Core.Space.Community;
using EasySpace.Core.Space.Guests;
using EasySpace.Core.Space.Invoices;
using EasySpace.Core.Space.Members;
using EasySpace.Core.Space.Payments;
using EasySpace.Core.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Demo;

/// <summary>The services demo-data makes its records through, the same ones the pages use.</summary>
public sealed record DemoServices(PlanService Plans, MembershipService Memberships, ResourceService Resources, BookingService Bookings,
    CheckInService CheckIns, CommunityService Community, GuestAccountService Guests, InvoiceService Invoices, PaymentRecorder Payments,
    EndpointService Webhooks);

/// <summary>
/// A lively sample space around the moment it runs, in the space's time zone: plans, 50 members (a few joined in the last
/// days, two leaving soon), rooms and desks, bookings earlier today, now, later and over the coming week, members checked
/// in, community events with registrations, wifi guests, invoices open, paid and overdue with payments recorded by hand,
/// and two example webhooks that are switched off (no receiver is reachable without a network). Made through the same
/// services the pages use, so every record is valid and every event is raised as it would be for real.
/// It fills an empty space only: a second run is refused with a message and changes nothing.
/// </summary>
public sealed class DemoData(IDbContextFactory<AppDbContext> dbFactory, DemoServices services, SetupService setup, TimeProvider clock)
{
    private const string By = "demo-data";
    private static readonly Webhooks.Actor WebhookActor = new("", By);

    private static readonly (string Name, decimal Price)[] Plans = [("Flex desk", 190m), ("Fixed desk", 290m), ("Team office", 1200m)];

    private static readonly string[] FirstNames = ["Ada", "Ben", "Chloé", "Dario", "Emma", "Farid", "Greta", "Hiro", "Ines", "Jonas"];
    private static readonly string[] LastNames = ["Keller", "Lindqvist", "Moreau", "Novak", "Okafor"];

    /// <summary>How many days ago the first members joined; the rest joined over the past two years.</summary>
    private static readonly int[] RecentJoins = [1, 3, 6, 10];

    /// <summary>In how many days the two canceled memberships end.</summary>
    public static readonly int[] LeavingInDays = [5, 20];

    public async Task<Result<string>> CreateAsync(CancellationToken ct = default)
    {
        if (!await setup.IsCompleteAsync(ct)) return new ValidationErrors().Add("", "EasySpace is not set up yet: run setup first.");
        SpaceClock space;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (await db.Memberships.AnyAsync(ct) || await db.Resources.AnyAsync(ct))
                return new ValidationErrors().Add("", "demo-data fills an empty space only: this one already has members or resources, so nothing was added.");
            space = await SpaceClock.LoadAsync(db, ct);
        }
        var now = clock.GetUtcNow();
        var today = space.Today(now);

        var planIds = new List<long>();
        foreach (var (name, price) in Plans)
            planIds.Add(Check(await services.Plans.CreateAsync(new PlanDraft { Name = name, Price = price, Interval = PlanInterval.Month }, By, ct)).Id);

        var members = await AddMembersAsync(planIds, today, ct);
        var roomIds = new List<long>();
        var currency = await services.Plans.SpaceCurrencyAsync(ct);
        foreach (var (name, kind, capacity, price) in new[] { ("Meeting room Ada", ResourceKind.Room, 8, 25m), ("Phone booth", ResourceKind.Room, 1, 5m), ("Event space", ResourceKind.Room, 40, 90m), ("Hot desk 1", ResourceKind.Desk, 1, 4m) })
            roomIds.Add(Check(await services.Resources.AddAsync(new ResourceDraft { Name = name, Kind = kind, Capacity = capacity, HourlyPrice = price, Currency = currency, TaxRate = 19m }, By, ct)).Id);

        var bookings = await AddBookingsAsync(space, now, roomIds, members, ct);
        var present = await CheckInAsync(space, now, members, ct);
        var events = await AddCommunityEventsAsync(space, now, members, ct);
        foreach (var (name, days) in new[] { ("Lena Brandt", 0), ("Tomás Ruiz", 2) })
            Check(await services.Guests.AddAsync(new GuestAccountDraft { Name = name, ValidUntil = today.AddDays(days) }, By, ct));
        var (invoiceCount, paymentCount) = await AddInvoicesAsync(members, today, ct);
        // Last, so the switched-off examples hold no deliveries of the events above.
        await AddExampleWebhooksAsync(ct);

        return $"Added 3 plans, {members.Count} members ({RecentJoins.Length} joined in the last days, {LeavingInDays.Length} leaving soon), "
            + $"{roomIds.Count} rooms and desks, {bookings} bookings (today and the coming week), {present} people checked in, "
            + $"{events} community events, 2 wifi guests, {invoiceCount} invoices (open, paid and overdue), {paymentCount} payments recorded by hand "
            + $"and 2 example webhooks, switched off. Times are in {space.ZoneName}.";
    }

    private async Task<List<(long Id, string Name)>> AddMembersAsync(List<long> planIds, DateOnly today, CancellationToken ct)
    {
        var members = new List<(long Id, string Name)>();
        for (var i = 0; i < 50; i++)
        {
            var name = $"{FirstNames[i % FirstNames.Length]} {LastNames[i / FirstNames.Length % LastNames.Length]}";
            var joined = today.AddDays(i < RecentJoins.Length ? -RecentJoins[i] : -(30 + i * 13));
            var created = Check(await services.Memberships.CreateAsync(new NewMember
            {
                Name = name,
                Email = $"member{i + 1}@demo.example.com",
                PlanId = planIds[i % planIds.Count],
                Company = i % 4 == 0 ? "Studio " + LastNames[i % LastNames.Length] : null,
                ConfirmationDate = joined.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            }, By, ct));
            members.Add((created.Membership.Id, name));
        }
        // Two long-standing members have canceled (not the ones with the sample invoices).
        for (var i = 0; i < LeavingInDays.Length; i++)
            Check(await services.Memberships.CancelAsync(members[40 + i].Id, today.AddDays(LeavingInDays[i]).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), By, ct));
        return members;
    }

    /// <summary>
    /// Bookings over the next six days at office hours, and today's around now: one that has ended, one going on, one later.
    /// The service rightly refuses a start in the past, so today's earlier ones are booked a year ahead and moved back.
    /// </summary>
    private async Task<int> AddBookingsAsync(SpaceClock space, DateTimeOffset now, List<long> roomIds, List<(long Id, string Name)> members, CancellationToken ct)
    {
        var made = 0;
        var today = space.Today(now);
        var dayStart = space.StartOf(today);
        var tomorrow = space.StartOf(today.AddDays(1));
        var slot = dayStart.AddMinutes(Math.Floor((now - dayStart).TotalMinutes / 30) * 30);   // now, on the half hour before
        var aroundNow = new (DateTimeOffset From, DateTimeOffset To, string Title)[]
        {
            (slot.AddHours(-3), slot.AddHours(-1.5), "Team stand-up"),
            (slot.AddMinutes(-30), slot.AddHours(1), "Client workshop"),
            (slot.AddHours(1.5), slot.AddHours(2.5), "Interview"),
        };
        for (var i = 0; i < aroundNow.Length; i++)
        {
            var (from, to, title) = aroundNow[i];
            if (i == 1 && from < dayStart) from = dayStart;        // just after midnight the one going on began with the day
            if (from < dayStart || from >= tomorrow) continue;   // early in the morning or late at night there is no room before or after
            var (member, name) = members[(i + 7) % members.Count];
            var draft = new BookingDraft { ResourceId = roomIds[i % 2], From = from, To = to, Title = title, MembershipId = member };
            if (from > now) { if ((await services.Bookings.BookAsync(draft, By, ct)).Succeeded) made++; continue; }
            var parked = TimeSpan.FromDays(365);
            draft.From = from + parked;
            draft.To = to + parked;
            var booking = Check(await services.Bookings.BookAsync(draft, By, ct));
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await db.Bookings.Where(b => b.Id == booking.Id).ExecuteUpdateAsync(b => b.SetProperty(x => x.From, from).SetProperty(x => x.To, to), ct);
            made++;
        }
        var hours = new[] { (9, "Team meeting"), (11, "Client call"), (14, "Workshop"), (16, "Client call") };
        for (var day = 1; day <= 6; day++)
            for (var h = 0; h < hours.Length; h++)
            {
                var (hour, title) = hours[h];
                var from = space.ToInstant(today.AddDays(day).ToDateTime(new TimeOnly(hour, 0)));
                var draft = new BookingDraft
                {
                    ResourceId = roomIds[(day + h) % roomIds.Count], From = from, To = from.AddHours(1.5), Title = title,
                    MembershipId = members[(day * 4 + h) % members.Count].Id,
                };
                if ((await services.Bookings.BookAsync(draft, By, ct)).Succeeded) made++;
            }
        return made;
    }

    /// <summary>Five members and a walk-in guest are in, since various times this morning (the service checks in at now).</summary>
    private async Task<int> CheckInAsync(SpaceClock space, DateTimeOffset now, List<(long Id, string Name)> members, CancellationToken ct)
    {
        var dayStart = space.StartOf(space.Today(now));
        var drafts = members.Skip(10).Take(5).Select(m => new CheckInDraft { MembershipId = m.Id, MemberName = m.Name })
            .Append(new CheckInDraft { MemberName = "Mara Vogel" }).ToList();
        for (var i = 0; i < drafts.Count; i++)
        {
            var checkIn = Check(await services.CheckIns.CheckInAsync(drafts[i], By, ct));
            var since = now.AddMinutes(-25 * (drafts.Count - i));
            if (since < dayStart) continue;
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await db.CheckIns.Where(c => c.Id == checkIn.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.ValidFrom, since), ct);
        }
        return drafts.Count;
    }

    /// <summary>Two published events with members registered, and a draft.</summary>
    private async Task<int> AddCommunityEventsAsync(SpaceClock space, DateTimeOffset now, List<(long Id, string Name)> members, CancellationToken ct)
    {
        var today = space.Today(now);
        var samples = new[]
        {
            ("Friday breakfast", "Croissants and coffee in the kitchen.", "Kitchen", today.AddDays(2), new TimeOnly(9, 0), 1.5, 30, 6, true),
            ("Lightning talks", "Five minutes each: show the community what you are working on.", "Event space", today.AddDays(5), new TimeOnly(18, 0), 2.0, 40, 4, true),
            ("Summer party", "Planning: music, food, the roof terrace.", "Roof terrace", today.AddDays(30), new TimeOnly(17, 0), 5.0, 80, 0, false),
        };
        foreach (var (title, description, location, day, at, hours, capacity, attendees, publish) in samples)
        {
            var starts = day.ToDateTime(at);
            var e = Check(await services.Community.CreateDraftAsync(new CommunityEventDraft
            {
                Title = title, Description = description, Location = location, Starts = starts, Ends = starts.AddHours(hours), Capacity = capacity,
            }, By, ct));
            if (!publish) continue;
            Check(await services.Community.PublishAsync(e.Id, By, ct));
            for (var i = 0; i < attendees; i++)
            {
                var (_, name) = members[20 + i * 3];
                Check(await services.Community.RegisterAsync(e.Id, new AttendeeDraft { Name = name, Email = $"member{21 + i * 3}@demo.example.com" }, By, ct));
            }
        }
        return samples.Length;
    }

    /// <summary>
    /// Twelve sent plan invoices for the first twelve members, in a fixed pattern (two runs on empty spaces give the same
    /// invoices): three paid in full and two partly paid by bank transfer (recorded by hand), four open, three overdue.
    /// </summary>
    private async Task<(int Invoices, int Payments)> AddInvoicesAsync(List<(long Id, string Name)> members, DateOnly today, CancellationToken ct)
    {
        var madePayments = 0;
        for (var i = 0; i < 12; i++)
        {
            var (planName, price) = Plans[i % Plans.Length];
            var invoice = Check(await services.Invoices.CreateAsync(new InvoiceDraft
            {
                MembershipId = members[i].Id, Name = members[i].Name, TaxName = "VAT", TaxRate = 19m, DueDate = today.AddDays(14),
                Items = [new InvoiceLineDraft { Description = $"{planName}, monthly fee", Quantity = 1, Amount = price }],
            }, By, ct));
            Check(await services.Invoices.SendAsync(invoice.Id, By, ct));
            var reference = $"Bank transfer {invoice.FormattedNumber}";
            switch (i % 4)
            {
                case 0:   // paid in full
                    Check(await services.Payments.RecordPaymentAsync(invoice.Id, invoice.Total, invoice.Currency, PaymentProviders.Manual, reference, By, ct));
                    madePayments++;
                    break;
                case 1:   // overdue: the service rightly refuses a due date in the past, so the sample invoice is moved back a month
                    await using (var db = await dbFactory.CreateDbContextAsync(ct))
                        await db.Invoices.Where(x => x.Id == invoice.Id).ExecuteUpdateAsync(x => x
                            .SetProperty(v => v.IssuedOn, today.AddDays(-30)).SetProperty(v => v.DueDate, today.AddDays(-16)), ct);
                    break;
                case 2 when i < 8:   // partly paid, still open
                    Check(await services.Payments.RecordPaymentAsync(invoice.Id, Math.Round(invoice.Total / 2, 2), invoice.Currency, PaymentProviders.Manual, reference, By, ct));
                    madePayments++;
                    break;
                default:   // open, not due yet
                    break;
            }
        }
        return (12, madePayments);
    }

    /// <summary>
    /// Webhooks to show what one looks like. A receiver that answers needs a network or a program of your own, and one
    /// that fails for ever would only raise alarms, so both are switched off: point one at your receiver and enable it.
    /// </summary>
    private async Task AddExampleWebhooksAsync(CancellationToken ct)
    {
        var examples = new[]
        {
            ("Example: CRM sync (switched off)", "https://crm.example.com/webhooks/easyspace", new List<string> { "created_membership", "updated_membership_details", "canceled_membership" }),
            ("Example: team chat (switched off)", "https://chat.example.com/hooks/bookings", new List<string> { "created_booking", "deleted_booking" }),
        };
        foreach (var (name, url, events) in examples)
        {
            var created = Check(await services.Webhooks.CreateAsync(new EndpointDraft { Name = name, Url = url, Events = events }, EndpointOrigin.SettingsUi, WebhookActor, ct));
            Check(await services.Webhooks.DisableAsync(created.Endpoint.Id, WebhookActor, ct));
        }
    }

    private static T Check<T>(Result<T> result) =>
        result.Succeeded ? result.Value! : throw new InvalidOperationException("demo-data could not add a record: " + result.Errors);
}
