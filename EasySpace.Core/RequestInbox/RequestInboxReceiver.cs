using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EasySpace.Core.Data;
using EasySpace.Core.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.RequestInbox;

/// <summary>
/// Stores what arrives at an inbox's address: from the delivery engine in-process (<see cref="AnswerAsync"/>, so the guard
/// never dials the box's own address), or as a real POST to <c>/inbox/{token}</c>. Each inbox keeps its newest
/// <see cref="Kept"/> requests.
/// </summary>
public sealed class RequestInboxReceiver(
    IDbContextFactory<AppDbContext> dbFactory,
    PublicUrls urls,
    SecretBox secrets,
    RequestInboxFeed feed,
    TimeProvider clock) : IBuiltInReceiver
{
    public const int Kept = 100;

    public bool Accepts(Uri url)
    {
        if (BaseUrl() is not { } baseUrl || TokenOf(url, baseUrl) is not { } token) return false;
        using var db = dbFactory.CreateDbContext();
        return db.RequestInboxes.Any(i => i.Token == token);
    }

    public async Task<HttpResponseMessage?> AnswerAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (request.RequestUri is not { } uri || BaseUrl() is not { } baseUrl || TokenOf(uri, baseUrl) is not { } token) return null;
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(ct);
        var stored = await ReceiveAsync(token, request.Method.Method, headers, body, ct);
        return new HttpResponseMessage(stored ? HttpStatusCode.OK : HttpStatusCode.NotFound)
        {
            RequestMessage = request,
            Content = JsonContent.Create(stored ? (object)new { received = true } : new { error = NoSuchInbox }),
        };
    }

    public const string NoSuchInbox = "No request inbox has this address (it may have been deleted).";

    /// <summary>Stores one request; false when no inbox has <paramref name="token"/>.</summary>
    public async Task<bool> ReceiveAsync(string token, string method, IReadOnlyDictionary<string, string> headers, ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        if (!Inbox.IsTokenShaped(token)) return false;
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.RequestInboxes.AsNoTracking().Where(i => i.Token == token).Select(i => (long?)i.Id).FirstOrDefaultAsync(ct) is not { } inboxId)
            return false;

        var url = Inbox.UrlOf(await urls.BaseUrlAsync(ct), token);
        var webhooks = (await db.Endpoints.AsNoTracking().Where(e => e.Url == url).OrderBy(e => e.Id).ToListAsync(ct))
            .Select(e => new SigningWebhook(e.Name, secrets.Unprotect(e.ProtectedSecret),
                e.PreviousSecretValidAt(now) ? secrets.Unprotect(e.ProtectedPreviousSecret!) : null))
            .ToList();
        var (verdict, webhook) = InboxSignature.Check(headers, body.Span, webhooks, now);

        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            db.InboxRequests.Add(InboxRequest.Record(inboxId, method, JsonSerializer.Serialize(headers), body.Span, verdict, webhook, now));
            await db.SaveChangesAsync(ct);
            var oldestKept = await db.InboxRequests.Where(r => r.InboxId == inboxId).OrderByDescending(r => r.Id)
                .Skip(Kept - 1).Select(r => (long?)r.Id).FirstOrDefaultAsync(ct);
            if (oldestKept is { } keep) await db.InboxRequests.Where(r => r.InboxId == inboxId && r.Id < keep).ExecuteDeleteAsync(ct);
            await tx.CommitAsync(ct);
        }
        feed.Announce(inboxId);
        return true;
    }

    /// <summary>
    /// The token when <paramref name="url"/> is, character for character as given, the base followed by <c>/inbox/</c> and a
    /// token-shaped name: no other host, port, scheme, path, dot segment, escape, query or fragment.
    /// </summary>
    private static string? TokenOf(Uri url, string baseUrl)
    {
        var given = url.OriginalString;
        var prefix = baseUrl + "/inbox/";
        if (!given.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var token = given.AsSpan(prefix.Length);
        return Inbox.IsTokenShaped(token) ? token.ToString() : null;
    }

    /// <summary>The space's public address; null before setup, when no inbox can have one.</summary>
    private string? BaseUrl()
    {
        try { return urls.BaseUrl(); }
        catch (InvalidOperationException) { return null; }
    }
}
