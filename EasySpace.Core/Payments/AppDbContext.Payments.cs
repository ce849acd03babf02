using EasySpace.Core.Payments;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Data;

// Payment providers: the connections managers make in the wizards.
public sealed partial class AppDbContext
{
    public DbSet<ProviderConnection> ProviderConnections => Set<ProviderConnection>();
}
