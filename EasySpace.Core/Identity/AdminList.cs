using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Identity;

/// <summary>One person who runs the space, as the Admins settings page lists them.</summary>
public sealed record StaffMember(string Id, string Name, string Email, bool IsOwner, bool ManagesIntegrations, DateTimeOffset CreatedAt);

/// <summary>The owner and the admins, owner first (adding and removing goes through <see cref="UserAdministration"/>).</summary>
public sealed class AdminList(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<IReadOnlyList<StaffMember>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await (from u in db.Users.AsNoTracking()
                          join ur in db.UserRoles on u.Id equals ur.UserId
                          join r in db.Roles on ur.RoleId equals r.Id
                          where r.Name == Roles.Owner || r.Name == Roles.Admin
                          select new
                          {
                              u.Id, u.DisplayName, u.Email, u.CreatedAt, Role = r.Name,
                              Integrations = db.UserClaims.Any(c => c.UserId == u.Id && c.ClaimType == Permissions.ClaimType && c.ClaimValue == Permissions.ManageIntegrations),
                          }).ToListAsync(ct);
        return rows
            .GroupBy(r => r.Id)
            .Select(g =>
            {
                var r = g.First();
                var owner = g.Any(x => x.Role == Roles.Owner);
                return new StaffMember(r.Id, string.IsNullOrEmpty(r.DisplayName) ? r.Email ?? "" : r.DisplayName, r.Email ?? "", owner, owner || r.Integrations, r.CreatedAt);
            })
            .OrderByDescending(s => s.IsOwner).ThenBy(s => s.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }
}
