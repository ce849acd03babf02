using EasySpace.Core.Space.Passes;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Data;

public sealed partial class AppDbContext
{
    public DbSet<DropInPass> DropInPasses => Set<DropInPass>();
}
