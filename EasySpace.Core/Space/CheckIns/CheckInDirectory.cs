using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using EasySpace.Core.Space.Members;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Space.CheckIns;

/// <summary>A check-in as <c>GET /api/check_ins/{id}</c> returns it.</summary>
public sealed record CheckInResource(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("membership")] MembershipRef? Membership,
    [property: JsonPropertyName("valid_from")] string ValidFrom,
    [property: JsonPropertyName("valid_until")] string ValidUntil,
    [property: JsonPropertyName("checked_out_at")] string? CheckedOutAt,
    [property: JsonPropertyName("url")] string Url)
{
    public static CheckInResource Of(CheckIn c, string url) => new(
        c.Id.ToString(CultureInfo.InvariantCulture),
        MembershipRef.Of(c.MembershipId, c.MemberName),
        ApiTime.Format(c.ValidFrom),
        ApiTime.Format(c.ValidUntil),
        c.CheckedOutAt is { } at ? ApiTime.Format(at) : null,
        url);

    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this)!.AsObject();
}

/// <summary>A check-in token as <c>GET /api/check_in_tokens/{id}</c> returns it.</summary>
public sealed record CheckInTokenResource(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("membership")] MembershipRef? Membership,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("url")] string Url)
{
    public static CheckInTokenResource Of(CheckInToken t, string url) => new(
        t.Id.ToString(CultureInfo.InvariantCulture), t.Token, MembershipRef.Of(t.MembershipId, t.MemberName), ApiTime.Format(t.CreatedAt), url);

    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this)!.AsObject();
}

/// <summary>Reads check-ins and tokens for the API and the Check-ins page. A deleted token is gone (404), as in Cobot.</summary>
public sealed class CheckInDirectory(IDbContextFactory<AppDbContext> dbFactory, PublicUrls urls, TimeProvider clock)
{
    public const string Collection = "check_ins";
    public const string TokensCollection = "check_in_tokens";

    public async Task<CheckInResource?> FindAsync(string id, CancellationToken ct = default)
    {
        if (!ApiIds.TryParse(id, out var key)) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var checkIn = await db.CheckIns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == key, ct);
        return checkIn is null ? null : CheckInResource.Of(checkIn, await urls.ApiUrlAsync(Collection, id, ct));
    }

    /// <summary>Every check-in, newest first, for the API.</summary>
    public async Task<Page<CheckInResource>> ListAsync(int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var total = await db.CheckIns.CountAsync(ct);
        var rows = await db.CheckIns.AsNoTracking().OrderByDescending(c => c.ValidFrom).ThenByDescending(c => c.Id)
            .Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200)).ToListAsync(ct);
        var items = new List<CheckInResource>(rows.Count);
        foreach (var c in rows) items.Add(CheckInResource.Of(c, await urls.ApiUrlAsync(Collection, c.Id.ToString(CultureInfo.InvariantCulture), ct)));
        return new Page<CheckInResource>(items, total);
    }

    /// <summary>Who is in the space now, earliest arrival first.</summary>
    public async Task<IReadOnlyList<CheckIn>> PresentAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.CheckIns.AsNoTracking().Where(c => c.CheckedOutAt == null && c.ValidUntil > now)
            .OrderBy(c => c.ValidFrom).ThenBy(c => c.Id).ToListAsync(ct);
    }

    public async Task<CheckInTokenResource?> FindTokenAsync(string id, CancellationToken ct = default)
    {
        if (!ApiIds.TryParse(id, out var key)) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var token = await db.CheckInTokens.AsNoTracking().FirstOrDefaultAsync(t => t.Id == key, ct);
        return token is null ? null : CheckInTokenResource.Of(token, await urls.ApiUrlAsync(TokensCollection, id, ct));
    }

    public async Task<IReadOnlyList<CheckInToken>> TokensAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.CheckInTokens.AsNoTracking().OrderBy(t => t.MemberName).ThenBy(t => t.Id).ToListAsync(ct);
    }

}
