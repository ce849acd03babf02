using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EasySpace.Core.Space.Bookings;

internal sealed class ResourceConfiguration : IEntityTypeConfiguration<Resource>
{
    public void Configure(EntityTypeBuilder<Resource> b)
    {
        b.Property(r => r.Name).HasMaxLength(Resource.MaxNameLength);
        b.Property(r => r.Currency).HasMaxLength(3);
        b.Property(r => r.HourlyPrice).HasPrecision(18, 2);
        b.Property(r => r.TaxRate).HasPrecision(6, 3);
        b.Ignore(r => r.IsArchived);
    }
}

internal sealed class BookingConfiguration : IEntityTypeConfiguration<Booking>
{
    public void Configure(EntityTypeBuilder<Booking> b)
    {
        b.HasOne<Resource>().WithMany().HasForeignKey(x => x.ResourceId).OnDelete(DeleteBehavior.Restrict);
        b.Property(x => x.Title).HasMaxLength(Booking.MaxTitleLength);
        b.Property(x => x.Comments).HasMaxLength(Booking.MaxCommentsLength);
        b.Property(x => x.MemberName).HasMaxLength(Booking.MaxMemberNameLength);
        b.Property(x => x.Currency).HasMaxLength(3);
        b.Property(x => x.Price).HasPrecision(18, 2);
        b.Property(x => x.TaxRate).HasPrecision(6, 3);
        b.Ignore(x => x.IsCanceled);
        // The clash check (one resource, a span of time) and the lists and the minute job (by start, by end).
        b.HasIndex(x => new { x.ResourceId, x.From });
        b.HasIndex(x => x.From);
        b.HasIndex(x => x.To);
        b.HasIndex(x => x.MembershipId);
    }
}
