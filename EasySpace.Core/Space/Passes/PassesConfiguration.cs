using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EasySpace.Core.Space.Passes;

internal sealed class DropInPassConfiguration : IEntityTypeConfiguration<DropInPass>
{
    public void Configure(EntityTypeBuilder<DropInPass> b)
    {
        b.HasIndex(p => p.ValidOn);
        b.Property(p => p.VisitorName).HasMaxLength(200);
        b.Property(p => p.Email).HasMaxLength(256);
        b.Property(p => p.Price).HasPrecision(18, 2);
        b.Property(p => p.Currency).HasMaxLength(3);
        b.Property(p => p.SoldBy).HasMaxLength(256);
    }
}
