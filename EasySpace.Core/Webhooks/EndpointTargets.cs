using System.Collections.Concurrent;
using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Webhooks;

/// <summary>Decrypted endpoint settings for the pump, cached per endpoint version so a secret is decrypted once per change.</summary>
public sealed class EndpointTargets(IDbContextFactory<AppDbContext> dbFactory, SecretBox secrets, TimeProvider clock)
{
    private readonly ConcurrentDictionary<long, (EndpointTarget Target, DateTimeOffset? PreviousExpires)> cache = new();

    public async Task<IReadOnlyDictionary<long, EndpointTarget>> GetAsync(IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var versions = await db.Endpoints.Where(e => ids.Contains(e.Id)).Select(e => new { e.Id, e.Version }).ToListAsync(ct);
        var now = clock.GetUtcNow();
        var result = new Dictionary<long, EndpointTarget>();
        var stale = new List<long>();
        foreach (var v in versions)
        {
            if (cache.TryGetValue(v.Id, out var hit) && hit.Target.Version == v.Version && !(hit.PreviousExpires <= now))
                result[v.Id] = hit.Target;
            else
                stale.Add(v.Id);
        }
        if (stale.Count > 0)
            foreach (var endpoint in await db.Endpoints.AsNoTracking().Where(e => stale.Contains(e.Id)).ToListAsync(ct))
                result[endpoint.Id] = Load(endpoint, now);
        return result;
    }

    public EndpointTarget Load(Endpoint endpoint, DateTimeOffset now)
    {
        var previous = endpoint.PreviousSecretValidAt(now) ? secrets.Unprotect(endpoint.ProtectedPreviousSecret!) : null;
        var target = new EndpointTarget(endpoint.Id, endpoint.Version, endpoint.Url, secrets.Unprotect(endpoint.ProtectedSecret), previous,
            secrets.UnprotectHeaders(endpoint.Headers));
        cache[endpoint.Id] = (target, previous is null ? null : endpoint.PreviousSecretExpiresAt);
        return target;
    }
}
