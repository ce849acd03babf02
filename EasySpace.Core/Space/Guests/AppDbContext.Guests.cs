using EasySpace.Core.Space.Guests;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Data;

public sealed partial class AppDbContext
{
    public DbSet<GuestAccount> GuestAccounts => Set<GuestAccount>();
}
