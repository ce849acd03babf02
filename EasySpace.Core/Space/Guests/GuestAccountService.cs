using System.Globalization;
using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using EasySpace.Core.Events;
using EasySpace.Core.Space.Invoices;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Space.Guests;

/// <summary>Adds (created_guest_account) and removes (deleted_guest_account) wifi guest accounts.</summary>
public sealed class GuestAccountService(IDbContextFactory<AppDbContext> dbFactory, EventOutbox outbox, PublicUrls urls, TimeProvider clock)
{
    private static readonly PasswordHasher<GuestAccount> Hasher = new();

    public async Task<Result<CreatedGuestAccount>> AddAsync(GuestAccountDraft draft, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var errors = draft.Validate((await SpaceClock.LoadAsync(db, ct)).Today(now));
        if (!errors.IsEmpty) return errors;

        var password = GuestAccount.NewPassword();
        var hash = Hasher.HashPassword(null!, password);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var username = GuestAccount.NewUsername();
        // 31^6 names: a clash is rare, but the index would refuse it, so pick again.
        while (await db.GuestAccounts.AnyAsync(g => g.Username == username, ct)) username = GuestAccount.NewUsername();
        var account = GuestAccount.Create(draft, username, hash, actor, now);
        db.GuestAccounts.Add(account);
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.GuestAccountAdded, account.Username, now,
            $"for {account.Name}, valid until {BillingFormat.IsoDay(account.ValidUntil)}"));
        await db.SaveChangesAsync(ct);
        await outbox.RaiseAsync(db, new Events.CreatedGuestAccount(await SubjectAsync(account, ct)), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new CreatedGuestAccount(account, password);
    }

    /// <summary>Removes the account; deleted_guest_account carries its last state.</summary>
    public async Task<Result<GuestAccount>> RemoveAsync(long id, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.GuestAccounts.FirstOrDefaultAsync(g => g.Id == id, ct) is not { } account)
            return new ValidationErrors().Add("", "There is no guest account with that id; it may have been removed already.");
        var now = clock.GetUtcNow();
        var snapshot = await SubjectAsync(account, ct);
        db.GuestAccounts.Remove(account);
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.GuestAccountRemoved, account.Username, now, $"for {account.Name}"));
        await outbox.RaiseAsync(db, new DeletedGuestAccount(snapshot), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return account;
    }

    /// <summary>Newest first.</summary>
    public async Task<Page<GuestAccount>> PageAsync(int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var total = await db.GuestAccounts.CountAsync(ct);
        var items = await db.GuestAccounts.AsNoTracking().OrderByDescending(g => g.Id).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200)).ToListAsync(ct);
        return new Page<GuestAccount>(items, total);
    }

    /// <summary>Today in the space's calendar, to tell expired accounts apart.</summary>
    public async Task<DateOnly> TodayAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await SpaceClock.LoadAsync(db, ct)).Today(clock.GetUtcNow());
    }

    public async Task<GuestAccountResource?> ResourceAsync(string id, CancellationToken ct = default)
    {
        if (!ApiIds.TryParse(id, out var key)) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var account = await db.GuestAccounts.AsNoTracking().FirstOrDefaultAsync(g => g.Id == key, ct);
        return account is null ? null
            : GuestAccountResource.Of(account, await urls.ApiUrlAsync(GuestAccountResource.Collection, account.Id.ToString(CultureInfo.InvariantCulture), ct));
    }

    private async Task<EventSubject> SubjectAsync(GuestAccount account, CancellationToken ct)
    {
        var id = account.Id.ToString(CultureInfo.InvariantCulture);
        return new EventSubject(id, account.Name, GuestAccountResource.Of(account, await urls.ApiUrlAsync(GuestAccountResource.Collection, id, ct)).ToJson());
    }
}
