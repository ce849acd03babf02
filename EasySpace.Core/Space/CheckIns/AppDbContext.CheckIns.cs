using EasySpace.Core.Space.CheckIns;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Data;

public sealed partial class AppDbContext
{
    public DbSet<CheckIn> CheckIns => Set<CheckIn>();
    public DbSet<CheckInToken> CheckInTokens => Set<CheckInToken>();
}
