using EasySpace.Core.Identity;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Data;

// The users, roles and claims come with IdentityDbContext.
public sealed partial class AppDbContext
{
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
}
