using EasySpace.Core.Scheduling;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Data;

public sealed partial class AppDbContext
{
    public DbSet<FiredEvent> FiredEvents => Set<FiredEvent>();
}
