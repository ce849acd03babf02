using EasySpace.Core.Activity;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Data;

public sealed partial class AppDbContext
{
    public DbSet<ActivityEntry> ActivityLog => Set<ActivityEntry>();
}
