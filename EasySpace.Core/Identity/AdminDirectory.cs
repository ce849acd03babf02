using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Identity;

/// <summary>An admin as <c>GET /api/admins/{id}</c> returns it, and as admin events' full payloads carry it.</summary>
public sealed record AdminResource(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("email")] string Email,
    [property: JsonPropertyName("url")] string Url)
{
    public static AdminResource Of(AppUser user, string url) =>
        new(user.Id, string.IsNullOrEmpty(user.DisplayName) ? user.Email ?? "" : user.DisplayName, user.Email ?? "", url);

    /// <summary>The same object as a JSON node, for event payloads.</summary>
    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this)!.AsObject();
}

/// <summary>Reads the space's staff (the owner and admins) for the API.</summary>
public sealed class AdminDirectory(IDbContextFactory<AppDbContext> dbFactory, PublicUrls urls)
{
    public const string Collection = "admins";

    /// <summary>The owner or admin with this user id; null for anyone else, members included.</summary>
    public async Task<AdminResource?> FindAsync(string id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var staff = await (from u in db.Users.AsNoTracking()
                           where u.Id == id
                                 && (from ur in db.UserRoles
                                     join r in db.Roles on ur.RoleId equals r.Id
                                     where ur.UserId == u.Id && (r.Name == Roles.Owner || r.Name == Roles.Admin)
                                     select ur).Any()
                           select new { u.Id, u.DisplayName, u.Email }).FirstOrDefaultAsync(ct);
        if (staff is null) return null;
        return AdminResource.Of(new AppUser { Id = staff.Id, DisplayName = staff.DisplayName, Email = staff.Email },
            await urls.ApiUrlAsync(Collection, staff.Id, ct));
    }
}
