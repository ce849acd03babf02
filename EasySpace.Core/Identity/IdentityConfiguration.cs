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
        b.Property(s => s.DropInPrice).HasPrecision(18, 2);
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

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> b)
    {
        b.Property(t => t.UserId).HasMaxLength(450);
        b.Property(t => t.Name).HasMaxLength(ApiToken.MaxNameLength);
        b.Property(t => t.TokenHash).HasMaxLength(64);
        b.Property(t => t.Prefix).HasMaxLength(ApiToken.PrefixLength);
        // Stored as a JSON array of names (a primitive collection), e.g. ["read_admins","read"].
        b.PrimitiveCollection(t => t.Scopes).HasMaxLength(1000);
        b.HasIndex(t => t.TokenHash).IsUnique(); // every authenticated request looks its token up here
        b.HasIndex(t => t.UserId);
        // A deleted account's tokens go with it.
        b.HasOne<AppUser>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class FiredEventConfiguration : IEntityTypeConfiguration<Scheduling.FiredEvent>
{
    public void Configure(EntityTypeBuilder<Scheduling.FiredEvent> b)
    {
        b.HasIndex(f => f.Key).IsUnique();
        b.Property(f => f.Key).HasMaxLength(200);
        b.HasIndex(f => f.FiredAt);
    }
}
