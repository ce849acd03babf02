using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EasySpace.Core;

/// <summary>
/// The absolute addresses the outside world uses: payload URLs, API objects' <c>url</c>. The base is the setting
/// <c>EasySpace:PublicBaseUrl</c> when set, else the public base URL chosen at setup.
/// </summary>
public sealed class PublicUrls(IOptionsMonitor<EasySpaceOptions> options, IDbContextFactory<AppDbContext> dbFactory)
{
    // The profile's address changes only on the Space settings page, which calls Forget(); until then it is read once.
    // An empty answer (not set up) is not kept.
    private volatile string? fromProfile;

    /// <summary>The base URL without a trailing slash, e.g. <c>https://space.example.com</c>.</summary>
    /// <exception cref="InvalidOperationException">Neither the setting nor a completed setup gives one.</exception>
    public async Task<string> BaseUrlAsync(CancellationToken ct = default)
    {
        if (FromSettings() is { } configured) return configured;
        if (fromProfile is { } known) return known;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return Remember(await db.SpaceProfiles.AsNoTracking().OrderBy(p => p.Id).Select(p => p.PublicBaseUrl).FirstOrDefaultAsync(ct));
    }

    /// <summary>The same as <see cref="BaseUrlAsync"/>, for callers that build URLs inside synchronous code (SQLite reads are synchronous underneath).</summary>
    public string BaseUrl()
    {
        if (FromSettings() is { } configured) return configured;
        if (fromProfile is { } known) return known;
        using var db = dbFactory.CreateDbContext();
        return Remember(db.SpaceProfiles.AsNoTracking().OrderBy(p => p.Id).Select(p => p.PublicBaseUrl).FirstOrDefault());
    }

    /// <summary>An API object's own address, e.g. <c>ApiUrl("admins", id)</c> → <c>https://space.example.com/api/admins/{id}</c>.</summary>
    public string ApiUrl(string collection, string id) => Join(BaseUrl(), collection, id);

    /// <summary><see cref="ApiUrl"/> without a synchronous database read.</summary>
    public async Task<string> ApiUrlAsync(string collection, string id, CancellationToken ct = default) =>
        Join(await BaseUrlAsync(ct), collection, id);

    /// <summary>True when the setting <c>EasySpace:PublicBaseUrl</c> decides the address, so the profile's one is not used.</summary>
    public bool IsSetBySettings => FromSettings() is not null;

    /// <summary>Call when the space's public base URL is edited, so the next URL reads it again.</summary>
    public void Forget() => fromProfile = null;

    private static string Join(string baseUrl, string collection, string id) => $"{baseUrl}/api/{collection}/{Uri.EscapeDataString(id)}";

    private string? FromSettings() =>
        options.CurrentValue.PublicBaseUrl is { } url && !string.IsNullOrWhiteSpace(url) ? url.Trim().TrimEnd('/') : null;

    private string Remember(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
            throw new InvalidOperationException("EasySpace has no public base URL yet: complete setup or set EasySpace:PublicBaseUrl.");
        return fromProfile = url.Trim().TrimEnd('/');
    }
}
