using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EasySpace.Core.Space.Guests;

internal sealed class GuestAccountConfiguration : IEntityTypeConfiguration<GuestAccount>
{
    public void Configure(EntityTypeBuilder<GuestAccount> b)
    {
        b.HasIndex(g => g.Username).IsUnique();
        b.Property(g => g.Name).HasMaxLength(200);
        b.Property(g => g.Email).HasMaxLength(256);
        b.Property(g => g.Username).HasMaxLength(50);
        b.Property(g => g.PasswordHash).HasMaxLength(200);
        b.Property(g => g.CreatedBy).HasMaxLength(256);
    }
}
