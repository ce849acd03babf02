using EasySpace.Core.Space;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Data;

public sealed partial class AppDbContext
{
    public DbSet<SpaceProfile> SpaceProfiles => Set<SpaceProfile>();

    /// <summary>The space's currency (EUR before setup has chosen one): the default price currency of a new plan or resource.</summary>
    internal async Task<string> SpaceCurrencyAsync(CancellationToken ct) =>
        await SpaceProfiles.AsNoTracking().OrderBy(p => p.Id).Select(p => p.Currency).FirstOrDefaultAsync(ct) ?? "EUR";
}
