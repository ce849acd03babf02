using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Space.Members;

/// <summary>
/// Ties a booking, check-in, check-in token or invoice to the membership picked in its form: the id integrators join on
/// (<c>membership.id</c>, <c>membership_id</c>). Without a membership a record is a walk-in, known by the name typed.
/// </summary>
internal static class MembershipLink
{
    public const string Gone = "That member does not exist (any more): pick another one.";

    /// <summary>
    /// The picked membership's name, stored beside its id so a list never shows one person under another's id; null
    /// when nothing is picked. An unknown id is a field error, except the one the record already holds (its member may
    /// have been deleted since: the record keeps the name it had).
    /// </summary>
    public static async Task<string?> NameAsync(AppDbContext db, long? membershipId, (long? Id, string? Name) stored,
        ValidationErrors errors, string field, CancellationToken ct)
    {
        if (membershipId is not { } id || id <= 0) return null;   // a non-positive id is the draft's own error
        var name = await db.Memberships.AsNoTracking().Where(m => m.Id == id).Select(m => m.Name).FirstOrDefaultAsync(ct);
        if (name is null && stored.Id == id) return stored.Name;
        if (name is null) errors.Add(field, Gone);
        return name;
    }
}
