using System.Globalization;
using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using EasySpace.Core.Space.Members;
using EasySpace.Core.Events;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Space.CheckIns;

/// <summary>
/// Checks members in and out and manages their badge tokens. Each call is one transaction with its activity-log
/// line and its event; a refused call raises nothing.
/// </summary>
public sealed class CheckInService(IDbContextFactory<AppDbContext> dbFactory, EventOutbox outbox, PublicUrls urls, TimeProvider clock)
{
    /// <summary>An admin checks a member in; the check-in lasts until it is checked out or the space's day ends.</summary>
    public async Task<Result<CheckIn>> CheckInAsync(CheckInDraft draft, string actor, CancellationToken ct = default)
    {
        var errors = draft.Validate();
        return errors.IsEmpty ? await StartAsync(draft.MembershipId, draft.MemberName, token: null, actor, ct) : errors;
    }

    /// <summary>A badge or tag is presented: its member is checked in.</summary>
    public async Task<Result<CheckIn>> CheckInWithTokenAsync(string token, string actor, CancellationToken ct = default)
    {
        if (CheckInRules.TokenProblem(token) is { } problem) return new ValidationErrors().Add(nameof(CheckInTokenDraft.Token), problem);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var value = token.Trim();
        if (await db.CheckInTokens.AsNoTracking().FirstOrDefaultAsync(t => t.Token == value, ct) is not { } found)
            return new ValidationErrors().Add(nameof(CheckInTokenDraft.Token), "No member has this token.");
        return await StartAsync(found.MembershipId, found.MemberName, found, actor, ct);
    }

    private async Task<Result<CheckIn>> StartAsync(long? membershipId, string memberName, CheckInToken? token, string actor, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var errors = new ValidationErrors();
        memberName = await MembershipLink.NameAsync(db, membershipId, (token?.MembershipId, token?.MemberName), errors, nameof(CheckInDraft.MembershipId), ct)
            ?? memberName;
        if (!errors.IsEmpty) return errors;
        var space = await SpaceClock.LoadAsync(db, ct);
        var present = await db.CheckIns.Where(c => c.CheckedOutAt == null && c.ValidUntil > now).ToListAsync(ct);
        if (present.FirstOrDefault(c => c.IsFor(membershipId, memberName)) is { } already)
            return new ValidationErrors().Add(nameof(CheckInDraft.MemberName),
                $"{already.MemberName} is already checked in (since {space.Time(already.ValidFrom)}).");

        var checkIn = CheckIn.Start(membershipId, memberName, token?.Id, now, space.StartOf(space.Today(now).AddDays(1)));
        db.CheckIns.Add(checkIn);
        await db.SaveChangesAsync(ct); // the id goes into the event's URL
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.CheckedIn, checkIn.MemberName, now,
            token is null ? null : $"with token {token.Token}"));
        await outbox.RaiseAsync(db, new CreatedCheckin(await SubjectAsync(checkIn, ct)), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return checkIn;
    }

    /// <summary>The member leaves: created_checkout. A check-in that already expired by itself has nothing to check out.</summary>
    public async Task<Result<CheckIn>> CheckOutAsync(long checkInId, string actor, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.CheckIns.FirstOrDefaultAsync(c => c.Id == checkInId, ct) is not { } checkIn)
            return new ValidationErrors().Add("", "That check-in does not exist.");
        var space = await SpaceClock.LoadAsync(db, ct);
        if (checkIn.CheckedOutAt is { } at)
            return new ValidationErrors().Add("", $"{checkIn.MemberName} already checked out at {space.Time(at)}.");
        if (!checkIn.IsPresentAt(now))
            return new ValidationErrors().Add("", $"{checkIn.MemberName}'s check-in ended by itself at {space.Time(checkIn.ValidUntil)}; there is nothing to check out.");

        checkIn.CheckOut(now);
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.CheckedOut, checkIn.MemberName, now));
        await outbox.RaiseAsync(db, new CreatedCheckout(await SubjectAsync(checkIn, ct)), ct);
        await db.SaveChangesAsync(ct);
        return checkIn;
    }

    public async Task<Result<CheckInToken>> AddTokenAsync(CheckInTokenDraft draft, string actor, CancellationToken ct = default)
    {
        var errors = draft.Validate();
        if (!errors.IsEmpty) return errors;
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var value = draft.Token.Trim();
        if (await db.CheckInTokens.AsNoTracking().FirstOrDefaultAsync(t => t.Token == value, ct) is { } taken)
            return new ValidationErrors().Add(nameof(CheckInTokenDraft.Token), $"This token already belongs to {taken.MemberName}.");
        if (await MembershipLink.NameAsync(db, draft.MembershipId, (null, null), errors, nameof(CheckInTokenDraft.MembershipId), ct) is { } name)
            draft.MemberName = name;
        if (!errors.IsEmpty) return errors;

        var token = CheckInToken.Issue(draft, now);
        db.CheckInTokens.Add(token);
        await db.SaveChangesAsync(ct);
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.CheckInTokenAdded, token.MemberName, now, $"token {token.Token}"));
        await outbox.RaiseAsync(db, new CreatedCheckinToken(await SubjectAsync(token, ct)), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return token;
    }

    /// <summary>Removes a badge; it checks nobody in any more. Its URL answers 404 from now on.</summary>
    public async Task<Result<CheckInToken>> DeleteTokenAsync(long tokenId, string actor, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.CheckInTokens.FirstOrDefaultAsync(t => t.Id == tokenId, ct) is not { } token)
            return new ValidationErrors().Add("", "That token does not exist or was already removed.");
        var snapshot = await SubjectAsync(token, ct);
        db.CheckInTokens.Remove(token);
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.CheckInTokenDeleted, token.MemberName, now, $"token {token.Token}"));
        await outbox.RaiseAsync(db, new DeletedCheckinToken(snapshot), ct);
        await db.SaveChangesAsync(ct);
        return token;
    }

    private async Task<EventSubject> SubjectAsync(CheckIn c, CancellationToken ct)
    {
        var id = c.Id.ToString(CultureInfo.InvariantCulture);
        return new EventSubject(id, c.MemberName, CheckInResource.Of(c, await urls.ApiUrlAsync(CheckInDirectory.Collection, id, ct)).ToJson());
    }

    private async Task<EventSubject> SubjectAsync(CheckInToken t, CancellationToken ct)
    {
        var id = t.Id.ToString(CultureInfo.InvariantCulture);
        return new EventSubject(id, t.MemberName, CheckInTokenResource.Of(t, await urls.ApiUrlAsync(CheckInDirectory.TokensCollection, id, ct)).ToJson());
    }
}
