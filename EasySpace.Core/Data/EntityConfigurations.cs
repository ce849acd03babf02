using EasySpace.Core.Activity;
using EasySpace.Core.Identity;
using EasySpace.Core.Space;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EasySpace.Core.Data;

internal sealed class AppUserConfiguration : IEntityTypeConfiguration<AppUser>
{
    public void Configure(EntityTypeBuilder<AppUser> b) => b.Property(u => u.DisplayName).HasMaxLength(200);
}

internal sealed class SpaceProfileConfiguration : IEntityTypeConfiguration<SpaceProfile>
{
    public void Configure(EntityTypeBuilder<SpaceProfile> b)
    {
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.Name).HasMaxLength(100);
        b.Property(s => s.Country).HasMaxLength(2);
        b.Property(s => s.Currency).HasMaxLength(3);
        b.Property(s => s.TimeZone).HasMaxLength(100);
        b.Property(s => s.PublicBaseUrl).HasMaxLength(2048);
    }
}

internal sealed class ActivityEntryConfiguration : IEntityTypeConfiguration<ActivityEntry>
{
    public void Configure(EntityTypeBuilder<ActivityEntry> b)
    {
        b.ToTable("ActivityLog");
        b.HasIndex(a => a.At);
        b.Property(a => a.Actor).HasMaxLength(256);
        b.Property(a => a.Action).HasMaxLength(100);
        b.Property(a => a.Subject).HasMaxLength(500);
    }
}
