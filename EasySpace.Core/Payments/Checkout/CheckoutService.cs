using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using EasySpace.Core.Space.Invoices;
using EasySpace.Core.Space.Members;
using EasySpace.Core.Space.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace EasySpace.Core.Payments.Checkout;

/// <summary>What a member asks to pay. Invoice: the invoice id; Booking: the booking id; DropInPass: 0 and the day; Plan: the plan id.</summary>
public sealed record CheckoutRequest(PaymentPurpose Purpose, long SubjectId, DateOnly? PassDate = null);

/// <summary>A provider a member can pay with now.</summary>
public sealed record CheckoutOption(PaymentProvider Provider, string Label, ProviderMode Mode);

public sealed record CheckoutStart(string AttemptId, string RedirectUrl);

/// <summary>An attempt as our database has it.</summary>
public sealed record AttemptView(string Id, PaymentPurpose Purpose, string Description, decimal Amount, string Currency,
    PaymentProvider Provider, AttemptStatus Status, string? FailureReason, long? InvoiceId)
{
    internal static AttemptView Of(PaymentAttempt a) =>
        new(a.Id, a.Purpose, a.Description, a.Amount, a.Currency, a.Provider, a.Status, a.FailureReason, a.InvoiceId);
}

/// <summary>
/// A member's checkout, from "Pay" to the return page: checks that what they pay for is theirs and still owed, makes
/// the invoice a booking or day pass is paid on, opens the provider's checkout, and on return asks the provider before
/// showing anything. The money itself is recorded by <see cref="CheckoutCompletion"/>, whoever reports it first.
/// </summary>
public sealed class CheckoutService(
    IDbContextFactory<AppDbContext> dbFactory,
    IEnumerable<ICheckoutProvider> providers,
    InvoiceService invoices,
    PaymentRecorder recorder,
    CheckoutCompletion completion,
    PublicUrls urls,
    TimeProvider clock,
    ILogger<CheckoutService> log)
{
    public const string ReturnPath = "/me/pay/{0}/done";
    public const string CancelPath = "/me/pay/{0}/canceled";
    public const int MaxPassDaysAhead = 365;

    public async Task<IReadOnlyList<CheckoutOption>> OptionsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var active = await db.ProviderConnections.AsNoTracking().Where(c => c.Status == ConnectionStatus.Active && c.ChargesEnabled).ToListAsync(ct);
        return active.Where(c => providers.Any(p => p.Provider == c.Provider)).OrderBy(c => c.Provider)
            .Select(c => new CheckoutOption(c.Provider, c.Provider == PaymentProvider.Stripe ? "Card (Stripe)" : "PayPal", c.Mode)).ToList();
    }

    public async Task<Result<CheckoutStart>> StartAsync(string userId, CheckoutRequest request, PaymentProvider provider, CancellationToken ct = default)
    {
        if (providers.FirstOrDefault(p => p.Provider == provider) is not { } checkout) return Refused("This payment provider is not available.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var connection = await db.ProviderConnections.AsNoTracking().FirstOrDefaultAsync(c => c.Provider == provider, ct);
        if (connection is not { Status: ConnectionStatus.Active, ChargesEnabled: true })
            return Refused("Paying online with this provider is not available right now. Ask the space's team, or pay another way.");
        if (await db.Memberships.AsNoTracking().FirstOrDefaultAsync(m => m.UserId == userId, ct) is not { } member)
            return Refused("Your account has no membership, so there is nothing to pay here.");
        var space = await SpaceLocale.LoadAsync(db, ct);
        var now = clock.GetUtcNow();

        var what = request.Purpose switch
        {
            PaymentPurpose.Invoice => await InvoiceDueAsync(db, member, request.SubjectId, ct),
            PaymentPurpose.Booking => await BookingDueAsync(db, member, request.SubjectId, space, now, ct),
            PaymentPurpose.DropInPass => await PassDueAsync(db, member, request.PassDate, space, now, ct),
            PaymentPurpose.Plan => await PlanDueAsync(db, member, request.SubjectId, ct),
            _ => Refused("Choose what to pay."),
        };
        if (!what.Succeeded) return what.Errors;
        var due = what.Value!;

        var attempt = PaymentAttempt.Start(member.Id, request.Purpose, request.SubjectId, request.PassDate, due.InvoiceId, provider, connection.Mode,
            due.Amount, due.Currency, due.Description, now);
        db.PaymentAttempts.Add(attempt);
        await db.SaveChangesAsync(ct);

        var baseUrl = await urls.BaseUrlAsync(ct);
        var links = new CheckoutLinks(baseUrl + string.Format(ReturnPath, attempt.Id), baseUrl + string.Format(CancelPath, attempt.Id));
        var created = await checkout.CreateAsync(attempt, links, due.Plan, ct);
        if (!created.Succeeded)
        {
            attempt.Fail(created.Errors.ToString(), clock.GetUtcNow());
            db.ActivityLog.Add(ActivityEntry.Record(member.Email, ActivityKinds.CheckoutRefused, attempt.Description, clock.GetUtcNow(), created.Errors.ToString()));
            await db.SaveChangesAsync(ct);
            return created.Errors;
        }
        attempt.Opened(created.Value!.SessionId, created.Value.RedirectUrl, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return new CheckoutStart(attempt.Id, created.Value.RedirectUrl);
    }

    /// <summary>The return page: asks the provider about an open attempt, then shows what the database says.</summary>
    public async Task<Result<AttemptView>> ReturnAsync(string userId, string attemptId, CancellationToken ct = default)
    {
        var attempt = await OwnAttemptAsync(userId, attemptId, ct);
        if (attempt is null) return Refused("There is no such payment in your account.");
        if (!attempt.IsFinished && providers.FirstOrDefault(p => p.Provider == attempt.Provider) is { } checkout)
        {
            try { await checkout.RefreshAsync(attempt, ct); }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // The provider's webhook or the reconciliation job settles it; the page says "still processing".
                log.LogWarning(e, "Asking {Provider} about attempt {Attempt} failed", attempt.Provider, attempt.Id);
            }
            attempt = await OwnAttemptAsync(userId, attemptId, ct);
        }
        return AttemptView.Of(attempt!);
    }

    /// <summary>The member turned back at the provider: an open attempt is canceled, anything else stays as it is.</summary>
    public async Task<Result<AttemptView>> CancelAsync(string userId, string attemptId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var attempt = await OwnAttemptQuery(db, userId, attemptId).FirstOrDefaultAsync(ct);
        if (attempt is null) return Refused("There is no such payment in your account.");
        if (attempt.Cancel(clock.GetUtcNow()))
        {
            await db.SaveChangesAsync(ct);
            await completion.DropPassInvoiceAsync(attempt, ct);
        }
        return AttemptView.Of(attempt);
    }

    /// <summary>Ends a recurring payment: the member's own (<paramref name="memberUserId"/>) or, from the admin pages, anyone's.</summary>
    public async Task<Result<PaymentSubscription>> CancelSubscriptionAsync(long paymentSubscriptionId, string? memberUserId, string actor, CancellationToken ct = default)
    {
        PaymentSubscription? subscription;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            subscription = await db.PaymentSubscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == paymentSubscriptionId, ct);
            if (subscription is not null && memberUserId is not null
                && !await db.Memberships.AnyAsync(m => m.Id == subscription.MembershipId && m.UserId == memberUserId, ct))
                subscription = null;
        }
        if (subscription is null) return Refused("There is no such recurring payment.");
        if (subscription.Status == "canceled") return subscription;
        var provider = Enum.TryParse<PaymentProvider>(subscription.Provider, ignoreCase: true, out var p) ? providers.FirstOrDefault(x => x.Provider == p) : null;
        if (provider is null) return Refused("This recurring payment is not with a connected provider; cancel it in the provider's dashboard.");
        var canceled = await provider.CancelSubscriptionAsync(subscription, ct);
        if (!canceled.Succeeded) return canceled.Errors;
        return await recorder.RecordSubscriptionChangeAsync(new PaymentSubscriptionChange(subscription.MembershipId, subscription.Provider,
            subscription.ProviderReference, "canceled", subscription.Amount, subscription.Currency, subscription.Interval), actor, ct);
    }

    private sealed record Due(decimal Amount, string Currency, string Description, long? InvoiceId, Plan? Plan = null);

    private static async Task<Result<Due>> InvoiceDueAsync(AppDbContext db, Membership member, long invoiceId, CancellationToken ct)
    {
        var invoice = await db.Invoices.AsNoTracking().FirstOrDefaultAsync(i => i.Id == invoiceId && i.MembershipId == member.Id, ct);
        if (invoice is null) return Refused("There is no such invoice in your account.");
        if (invoice.IsWrittenOff) return Refused("This invoice was written off; there is nothing to pay.");
        if (invoice.Outstanding <= 0) return Refused("This invoice is already paid.");
        return new Due(invoice.Outstanding, invoice.Currency, $"Invoice {invoice.FormattedNumber}", invoice.Id);
    }

    private async Task<Result<Due>> BookingDueAsync(AppDbContext db, Membership member, long bookingId, SpaceLocale space, DateTimeOffset now, CancellationToken ct)
    {
        var booking = await db.Bookings.AsNoTracking().FirstOrDefaultAsync(b => b.Id == bookingId && b.MembershipId == member.Id, ct);
        if (booking is null) return Refused("There is no such booking in your account.");
        if (booking.IsCanceled) return Refused("This booking was canceled; there is nothing to pay.");
        if (booking.Price <= 0) return Refused("This booking is free.");
        // A booking is invoiced once: a second try pays the invoice the first one made.
        var earlier = await db.PaymentAttempts.AsNoTracking()
            .Where(a => a.Purpose == PaymentPurpose.Booking && a.SubjectId == booking.Id && a.InvoiceId != null)
            .OrderByDescending(a => a.CreatedAt).Select(a => a.InvoiceId).FirstOrDefaultAsync(ct);
        if (earlier is { } invoiceId) return await InvoiceDueAsync(db, member, invoiceId, ct) is { Succeeded: true } owed
            ? owed.Value! with { Description = $"Booking: {booking.Title}" }
            : Refused("This booking is already paid.");
        if (booking.Currency != space.Currency) return Refused($"This booking is priced in {booking.Currency}, but the space bills in {space.Currency}; ask the space's team.");
        var resource = await db.Resources.AsNoTracking().Where(r => r.Id == booking.ResourceId).Select(r => r.Name).FirstOrDefaultAsync(ct);
        var day = BillingFormat.IsoDay(DateOnly.FromDateTime(space.Clock.Local(booking.From)));
        var invoice = await invoices.CreateAsync(Draft(member, space.Clock.Today(now), $"Booking: {booking.Title} ({resource}, {day})", booking.Price, booking.TaxRate), member.Email, ct);
        if (!invoice.Succeeded) return invoice.Errors;
        return new Due(invoice.Value!.Total, invoice.Value.Currency, $"Booking: {booking.Title}", invoice.Value.Id);
    }

    private async Task<Result<Due>> PassDueAsync(AppDbContext db, Membership member, DateOnly? day, SpaceLocale space, DateTimeOffset now, CancellationToken ct)
    {
        var price = await db.SpaceProfiles.AsNoTracking().OrderBy(s => s.Id).Select(s => s.DropInPrice).FirstOrDefaultAsync(ct);
        if (price <= 0) return Refused("The space does not sell day passes online.");
        var today = space.Clock.Today(now);
        if (day is not { } date) return Refused("Choose the day of your pass.");
        if (date < today) return Refused("Choose today or a day after today.");
        if (date > today.AddDays(MaxPassDaysAhead)) return Refused($"A day pass can be bought at most {MaxPassDaysAhead} days ahead.");
        var invoice = await invoices.CreateAsync(Draft(member, today, $"Day pass for {BillingFormat.IsoDay(date)}", price, 0), member.Email, ct);
        if (!invoice.Succeeded) return invoice.Errors;
        return new Due(invoice.Value!.Total, invoice.Value.Currency, $"Day pass for {BillingFormat.IsoDay(date)}", invoice.Value.Id);
    }

    private static async Task<Result<Due>> PlanDueAsync(AppDbContext db, Membership member, long planId, CancellationToken ct)
    {
        if (planId != member.PlanId) return Refused("You can pay only your own plan by recurring payment.");
        var plan = await db.Plans.AsNoTracking().FirstAsync(p => p.Id == planId, ct);
        if (plan.Price <= 0) return Refused("Your plan is free.");
        var open = await db.PaymentSubscriptions.AsNoTracking()
            .AnyAsync(s => s.MembershipId == member.Id && s.Status != "canceled" && s.Status != "incomplete", ct);
        if (open) return Refused("Your plan is already paid by a recurring payment. Cancel that one first to change how you pay.");
        return new Due(plan.Price, plan.Currency, $"{plan.Name}, {plan.PriceLabel}", null, plan);
    }

    private static InvoiceDraft Draft(Membership member, DateOnly today, string line, decimal amount, decimal taxRate) => new()
    {
        MembershipId = member.Id,
        Name = member.Name,
        Company = member.Company,
        FullAddress = member.Address,
        TaxRate = taxRate,
        DueDate = today,
        Items = [new InvoiceLineDraft { Description = line, Quantity = 1, Amount = amount }],
    };

    private async Task<PaymentAttempt?> OwnAttemptAsync(string userId, string attemptId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await OwnAttemptQuery(db, userId, attemptId).AsNoTracking().FirstOrDefaultAsync(ct);
    }

    private static IQueryable<PaymentAttempt> OwnAttemptQuery(AppDbContext db, string userId, string attemptId) =>
        db.PaymentAttempts.Where(a => a.Id == attemptId && db.Memberships.Any(m => m.Id == a.MembershipId && m.UserId == userId));

    private static ValidationErrors Refused(string message) => new ValidationErrors().Add("", message);
}
