using System.Collections.Concurrent;
using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Webhooks;

/// <summary>Decrypted endpoint settings for the pump, cached per endpoint version so a secret is decrypted once per change.</summary>
public sealed class EndpointTargets(IDbContextFactory<AppDbContext> dbFactory, SecretBox secrets, TimeProvider clock)
{
    private readonly ConcurrentDictionary<long, (EndpointTarget Target, DateTimeOffset? PreviousExpires)> cache = new();

    /// <summary>The targets of these endpoints at these versions (as a claim read them); the database is read only for
    /// an endpoint changed since it was cached, or whose previous secret has expired.</summary>
    public async Task<IReadOnlyDictionary<long, EndpointTarget>> GetAsync(IReadOnlyDictionary<long, int> versions, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var result = new Dictionary<long, EndpointTarget>(versions.Count);
        List<long>? stale = null;
        foreach (var (id, version) in versions)
        {
            if (cache.TryGetValue(id, out var hit) && hit.Target.Version == version && !(hit.PreviousExpires <= now))
                result[id] = hit.Target;
            else
                (stale ??= []).Add(id);
        }
        if (stale is null) return result;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
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
