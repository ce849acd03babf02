using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EasySpace.Core.Space.CheckIns;

internal sealed class CheckInConfiguration : IEntityTypeConfiguration<CheckIn>
{
    public void Configure(EntityTypeBuilder<CheckIn> b)
    {
        b.Property(c => c.MemberName).HasMaxLength(CheckIn.MaxMemberNameLength);
        // A removed badge leaves the check-ins it made on record.
        b.HasOne<CheckInToken>().WithMany().HasForeignKey(c => c.CheckInTokenId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(c => c.ValidUntil);
        b.HasIndex(c => c.ValidFrom);
        b.HasIndex(c => c.MembershipId);
    }
}

internal sealed class CheckInTokenConfiguration : IEntityTypeConfiguration<CheckInToken>
{
    public void Configure(EntityTypeBuilder<CheckInToken> b)
    {
        b.Property(t => t.Token).HasMaxLength(CheckInToken.MaxTokenLength);
        b.Property(t => t.MemberName).HasMaxLength(CheckIn.MaxMemberNameLength);
        b.HasIndex(t => t.Token).IsUnique(); // one badge, one member
        b.HasIndex(t => t.MembershipId);
    }
}
