using System.Globalization;
using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using EasySpace.Core.Events;
using EasySpace.Core.Space.Invoices;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Space.Passes;

/// <summary>Sells drop-in day passes (created_drop_in_pass) and reads them back.</summary>
public sealed class DropInPassService(IDbContextFactory<AppDbContext> dbFactory, EventOutbox outbox, PublicUrls urls, TimeProvider clock)
{
    public async Task<Result<DropInPass>> SellAsync(DropInPassDraft draft, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var space = await SpaceLocale.LoadAsync(db, ct);
        var now = clock.GetUtcNow();
        var errors = draft.Validate(space.Clock.Today(now));
        if (!errors.IsEmpty) return errors;

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var pass = DropInPass.Sell(draft, space.Currency, actor, now);
        db.DropInPasses.Add(pass);
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.DayPassSold, pass.VisitorName, now,
            $"{BillingFormat.IsoDay(pass.ValidOn)}, {BillingFormat.Money(pass.Price, pass.Currency)}"));
        await db.SaveChangesAsync(ct);
        var id = pass.Id.ToString(CultureInfo.InvariantCulture);
        await outbox.RaiseAsync(db, new CreatedDropInPass(
            new EventSubject(id, pass.VisitorName, DropInPassResource.Of(pass, await urls.ApiUrlAsync(DropInPassResource.Collection, id, ct)).ToJson())), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return pass;
    }

    /// <summary>Newest first.</summary>
    public async Task<Page<DropInPass>> PageAsync(int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var total = await db.DropInPasses.CountAsync(ct);
        var items = await db.DropInPasses.AsNoTracking().OrderByDescending(p => p.Id).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200)).ToListAsync(ct);
        return new Page<DropInPass>(items, total);
    }

    public async Task<DropInPassResource?> ResourceAsync(string id, CancellationToken ct = default)
    {
        if (!ApiIds.TryParse(id, out var key)) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pass = await db.DropInPasses.AsNoTracking().FirstOrDefaultAsync(p => p.Id == key, ct);
        return pass is null ? null
            : DropInPassResource.Of(pass, await urls.ApiUrlAsync(DropInPassResource.Collection, pass.Id.ToString(CultureInfo.InvariantCulture), ct));
    }
}
