using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EasySpace.Core.Space.Community;

internal sealed class CommunityEventConfiguration : IEntityTypeConfiguration<CommunityEvent>
{
    public void Configure(EntityTypeBuilder<CommunityEvent> b)
    {
        b.HasIndex(e => e.StartsAt);
        b.Property(e => e.Title).HasMaxLength(200);
        b.Property(e => e.Description).HasMaxLength(5000);
        b.Property(e => e.Location).HasMaxLength(200);
        b.Property(e => e.CreatedBy).HasMaxLength(256);
    }
}

internal sealed class EventAttendanceConfiguration : IEntityTypeConfiguration<EventAttendance>
{
    public void Configure(EntityTypeBuilder<EventAttendance> b)
    {
        b.HasOne<CommunityEvent>().WithMany().HasForeignKey(a => a.EventId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(a => new { a.EventId, a.NormalizedEmail }).IsUnique();
        b.Property(a => a.Name).HasMaxLength(200);
        b.Property(a => a.Email).HasMaxLength(256);
        b.Property(a => a.NormalizedEmail).HasMaxLength(256);
    }
}
