using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EasySpace.Core.Space;

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
