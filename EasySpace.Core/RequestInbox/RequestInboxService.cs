using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.RequestInbox;

/// <summary>An inbox as the list shows it: its address, how many requests it holds and when the last arrived.</summary>
public sealed record InboxSummary(Inbox Inbox, string Url, int Requests, DateTimeOffset? LastReceivedAt);

/// <summary>What the Request inbox pages may do. Each call is one operation, one transaction.</summary>
public sealed class RequestInboxService(IDbContextFactory<AppDbContext> dbFactory, PublicUrls urls, RequestInboxFeed feed, TimeProvider clock)
{
    public async Task<Result<Inbox>> CreateAsync(string? name, string by, CancellationToken ct = default)
    {
        if (InputRules.RequiredText(name, "a name", Inbox.MaxNameLength) is { } problem) return new ValidationErrors().Add("Name", problem);
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var inbox = Inbox.Create(name!, by, now);
        db.RequestInboxes.Add(inbox);
        db.ActivityLog.Add(ActivityEntry.Record(by, ActivityKinds.RequestInboxCreated, inbox.Name, now));
        await db.SaveChangesAsync(ct);
        return inbox;
    }

    public async Task<IReadOnlyList<InboxSummary>> ListAsync(CancellationToken ct = default)
    {
        var baseUrl = await urls.BaseUrlAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.RequestInboxes.AsNoTracking().OrderBy(i => i.Name).ThenBy(i => i.Id)
            .Select(i => new
            {
                Inbox = i,
                Requests = db.InboxRequests.Count(r => r.InboxId == i.Id),
                Last = db.InboxRequests.Where(r => r.InboxId == i.Id).OrderByDescending(r => r.Id).Select(r => (DateTimeOffset?)r.ReceivedAt).FirstOrDefault(),
            })
            .ToListAsync(ct);
        return rows.Select(r => new InboxSummary(r.Inbox, Inbox.UrlOf(baseUrl, r.Inbox.Token), r.Requests, r.Last)).ToList();
    }

    public async Task<InboxSummary?> GetAsync(long id, CancellationToken ct = default)
    {
        var baseUrl = await urls.BaseUrlAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.RequestInboxes.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, ct) is not { } inbox) return null;
        var count = await db.InboxRequests.CountAsync(r => r.InboxId == id, ct);
        return new InboxSummary(inbox, Inbox.UrlOf(baseUrl, inbox.Token), count, null);
    }

    /// <summary>The inbox's requests, newest first.</summary>
    public async Task<IReadOnlyList<InboxRequest>> RequestsAsync(long inboxId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.InboxRequests.AsNoTracking().Where(r => r.InboxId == inboxId).OrderByDescending(r => r.Id).ToListAsync(ct);
    }

    /// <summary>The names of the webhooks that send to this inbox.</summary>
    public async Task<IReadOnlyList<string>> WebhooksSendingToAsync(string url, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Endpoints.AsNoTracking().Where(e => e.Url == url).OrderBy(e => e.Name).Select(e => e.Name).ToListAsync(ct);
    }

    public async Task<bool> ClearAsync(long id, string by, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.RequestInboxes.FindAsync([id], ct) is not { } inbox) return false;
        var removed = await db.InboxRequests.Where(r => r.InboxId == id).ExecuteDeleteAsync(ct);
        db.ActivityLog.Add(ActivityEntry.Record(by, ActivityKinds.RequestInboxCleared, inbox.Name, clock.GetUtcNow(), $"{removed} requests removed"));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        feed.Announce(id);
        return true;
    }

    /// <summary>Deletes the inbox and its requests. Webhooks that send to it stay; their deliveries are answered 404 from then on.</summary>
    public async Task<bool> DeleteAsync(long id, string by, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.RequestInboxes.FindAsync([id], ct) is not { } inbox) return false;
        db.RequestInboxes.Remove(inbox); // its requests go with it
        db.ActivityLog.Add(ActivityEntry.Record(by, ActivityKinds.RequestInboxDeleted, inbox.Name, clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        feed.Announce(id);
        return true;
    }
}
