using EasySpace.Core.Events;
using EasySpace.Core.Webhooks;
using EasySpace.Core.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Data;

public sealed partial class AppDbContext(DbContextOptions<AppDbContext> options) : IdentityDbContext<AppUser>(options)
{
    public DbSet<EventRecord> Events => Set<EventRecord>();
    public DbSet<Endpoint> Endpoints => Set<Endpoint>();
    public DbSet<Delivery> Deliveries => Set<Delivery>();
    public DbSet<Attempt> Attempts => Set<Attempt>();
    public DbSet<WebhookStatsHour> WebhookStats => Set<WebhookStatsHour>();

    /// <summary>Set by the outbox; once this unit of work commits, the delivery pump is woken.</summary>
    internal bool DeliveriesAdded { get; set; }

    // Deliveries raised in this unit of work, written by the outbox's own statement after the changes they report.
    private readonly List<Delivery> fanOut = [];

    internal void QueueFanOut(Delivery delivery)
    {
        fanOut.Add(delivery);
        DeliveriesAdded = true;
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken ct = default)
    {
        if (fanOut.Count == 0) return await base.SaveChangesAsync(acceptAllChangesOnSuccess, ct);
        // One transaction for the change, its events and their deliveries; changes count as saved only once it commits.
        await using var own = Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(ct) : null;
        var written = await base.SaveChangesAsync(acceptAllChangesOnSuccess: false, ct);
        written += await EventOutbox.WriteFanOutAsync(this, fanOut, ct);
        if (own is not null) await own.CommitAsync(ct);
        fanOut.Clear();
        if (acceptAllChangesOnSuccess) ChangeTracker.AcceptAllChanges();
        return written;
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        if (fanOut.Count == 0) return base.SaveChanges(acceptAllChangesOnSuccess);
        using var own = Database.CurrentTransaction is null ? Database.BeginTransaction() : null;
        var written = base.SaveChanges(acceptAllChangesOnSuccess: false);
        written += EventOutbox.WriteFanOut(this, fanOut);
        own?.Commit();
        fanOut.Clear();
        if (acceptAllChangesOnSuccess) ChangeTracker.AcceptAllChanges();
        return written;
    }

    // A pooled context goes back to the pool on dispose: a unit of work given up (or a failed save) must not hand its
    // queued deliveries to the next lease.
    public override void Dispose()
    {
        ForgetFanOut();
        base.Dispose();
    }

    public override ValueTask DisposeAsync()
    {
        ForgetFanOut();
        return base.DisposeAsync();
    }

    private void ForgetFanOut()
    {
        fanOut.Clear();
        DeliveriesAdded = false;
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder conventions)
    {
        // SQLite cannot order or compare DateTimeOffset; UTC ticks sort and compare correctly.
        conventions.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        conventions.Properties<DateTimeOffset?>().HaveConversion<UtcTicksConverter>();
    }
}
