using EasySpace.Core.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EasySpace.Core.Alerts;

internal sealed class IncidentConfiguration : IEntityTypeConfiguration<Incident>
{
    public void Configure(EntityTypeBuilder<Incident> b)
    {
        b.ToTable("Incidents");
        b.Property(i => i.Key).HasMaxLength(100);
        b.Property(i => i.About).HasMaxLength(200);
        b.Property(i => i.Problem).HasMaxLength(Incident.MaxProblemLength);
        b.Property(i => i.Link).HasMaxLength(200);
        // One open incident per condition: a second evaluator racing the first cannot open it twice.
        b.HasIndex(i => i.Key).IsUnique().HasFilter("EndedAt IS NULL").HasDatabaseName("IX_Incidents_OpenKey");
        b.HasIndex(i => i.ChangedAt);
    }
}

internal sealed class AlertReadConfiguration : IEntityTypeConfiguration<AlertRead>
{
    public void Configure(EntityTypeBuilder<AlertRead> b)
    {
        b.ToTable("AlertReads");
        b.HasKey(r => new { r.UserId, r.IncidentId });
        b.HasOne<Incident>().WithMany().HasForeignKey(r => r.IncidentId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<AppUser>().WithMany().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Cascade);   // a removed account's marks go with it
    }
}

internal sealed class AlertSubscriberConfiguration : IEntityTypeConfiguration<AlertSubscriber>
{
    public void Configure(EntityTypeBuilder<AlertSubscriber> b)
    {
        b.ToTable("AlertSubscribers");
        b.HasKey(s => s.UserId);
        b.HasOne<AppUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
