using EasySpace.Core.Space.Invoices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EasySpace.Core.Space.Payments;

internal sealed class PaymentConfiguration : IEntityTypeConfiguration<Payment>
{
    public void Configure(EntityTypeBuilder<Payment> b)
    {
        // Money on record outlives nothing: an invoice with payments cannot be deleted.
        b.HasOne<Invoice>().WithMany().HasForeignKey(p => p.InvoiceId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(p => p.InvoiceId);
        // A provider's reference identifies one attempt: a repeated webhook is recorded once.
        b.HasIndex(p => new { p.Provider, p.ProviderReference, p.Failed }).IsUnique()
            .HasFilter("\"Provider\" <> 'manual' AND \"ProviderReference\" IS NOT NULL");
        b.Property(p => p.Amount).HasPrecision(18, 2);
        b.Property(p => p.RefundedAmount).HasPrecision(18, 2);
        b.Property(p => p.Currency).HasMaxLength(3);
        b.Property(p => p.Provider).HasMaxLength(20);
        b.Property(p => p.ProviderReference).HasMaxLength(200);
        b.Property(p => p.FailureReason).HasMaxLength(500);
        b.Property(p => p.RecordedBy).HasMaxLength(256);
        b.Ignore(p => p.Refundable);
        b.OwnsMany(p => p.Refunds, refund =>
        {
            refund.ToTable("PaymentRefunds");
            refund.WithOwner().HasForeignKey("PaymentId");
            refund.HasKey(r => r.Id);
            refund.Property(r => r.Amount).HasPrecision(18, 2);
            refund.Property(r => r.ProviderReference).HasMaxLength(200);
            refund.Property(r => r.RecordedBy).HasMaxLength(256);
        });
        b.Navigation(p => p.Refunds).HasField("refunds").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class PaymentSubscriptionConfiguration : IEntityTypeConfiguration<PaymentSubscription>
{
    public void Configure(EntityTypeBuilder<PaymentSubscription> b)
    {
        b.HasIndex(s => new { s.Provider, s.ProviderReference }).IsUnique();
        b.HasIndex(s => s.MembershipId);
        b.Property(s => s.Provider).HasMaxLength(20);
        b.Property(s => s.ProviderReference).HasMaxLength(200);
        b.Property(s => s.Status).HasMaxLength(20);
        b.Property(s => s.Amount).HasPrecision(18, 2);
        b.Property(s => s.Currency).HasMaxLength(3);
        b.Property(s => s.Interval).HasMaxLength(10);
    }
}
