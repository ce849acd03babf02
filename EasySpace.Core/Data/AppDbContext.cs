using EasySpace.Core.Events;
using EasySpace.Core.Webhooks;
using EasySpace.Core.Identity;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Data;

public sealed partial class AppDbContext(DbContextOptions<AppDbContext> options) : IdentityDbContext<AppUser>(options), IDataProtectionKeyContext
{
    /// <summary>Data Protection's keys on PostgreSQL, shared by every node; SQLite keeps them as files in the data folder.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<EventRecord> Events => Set<EventRecord>();
    public DbSet<Endpoint> Endpoints => Set<Endpoint>();
    public DbSet<Delivery> Deliveries => Set<Delivery>();
    public DbSet<Attempt> Attempts => Set<Attempt>();
    public DbSet<WebhookStatsHour> WebhookStats => Set<WebhookStatsHour>();

    /// <summary>Set by the outbox; once this unit of work commits, the delivery pump is woken to fan its events out.</summary>
    internal bool EventsRaised { get; set; }

    // A pooled context goes back to the pool on dispose: a unit of work given up must not wake the pump for the next lease.
    public override void Dispose()
    {
        EventsRaised = false;
        base.Dispose();
    }

    public override ValueTask DisposeAsync()
    {
        EventsRaised = false;
        return base.DisposeAsync();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
        if (Database.IsNpgsql()) PostgresModel.Adapt(builder);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder conventions)
    {
        // SQLite cannot order or compare DateTimeOffset; UTC ticks sort and compare correctly.
        conventions.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        conventions.Properties<DateTimeOffset?>().HaveConversion<UtcTicksConverter>();
    }
}
