using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace EasySpace.Migrations.Postgres;

/// <summary>
/// Lets <c>dotnet ef migrations add Name --project EasySpace.Migrations.Postgres</c> build the PostgreSQL model; adding a
/// migration connects to no server.
/// </summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<AppDbContext>
{
    public AppDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<AppDbContext>()
            .UseNpgsql("Host=localhost;Database=design-time", n => n.MigrationsAssembly(DatabaseSetup.PostgresMigrationsAssembly)).Options);
}
