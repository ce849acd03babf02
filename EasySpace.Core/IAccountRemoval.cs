using EasySpace.Core.Data;

namespace EasySpace.Core;

/// <summary>
/// What a feature does when an account is removed, inside the removal's own unit of work, so Identity removes accounts
/// without knowing which features keep something of theirs.
/// </summary>
public interface IAccountRemoval
{
    Task AccountRemovedAsync(AppDbContext db, string userId, string email, string actor, DateTimeOffset now, CancellationToken ct);
}
