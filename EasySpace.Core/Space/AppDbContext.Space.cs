using EasySpace.Core.Space;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Data;

public sealed partial class AppDbContext
{
    public DbSet<SpaceProfile> SpaceProfiles => Set<SpaceProfile>();
}
