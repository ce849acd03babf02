using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EasySpace.Core.Scheduling;

internal sealed class FiredEventConfiguration : IEntityTypeConfiguration<FiredEvent>
{
    public void Configure(EntityTypeBuilder<FiredEvent> b)
    {
        b.HasIndex(f => f.Key).IsUnique();
        b.Property(f => f.Key).HasMaxLength(200);
        b.HasIndex(f => f.FiredAt);
    }
}
