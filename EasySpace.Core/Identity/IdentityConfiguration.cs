using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EasySpace.Core.Identity;

internal sealed class AppUserConfiguration : IEntityTypeConfiguration<AppUser>
{
    public void Configure(EntityTypeBuilder<AppUser> b) => b.Property(u => u.DisplayName).HasMaxLength(200);
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
