using EasySpace.Core.Space.Community;
using EasySpace.Core.Space.Guests;
using EasySpace.Core.Space.Invoices;
using EasySpace.Core.Space.Passes;
using EasySpace.Core.Space.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EasySpace.Core.Data;

// Money is decimal (SQLite keeps it as exact text; nothing here sorts or sums it in SQL).

internal sealed class InvoiceConfiguration : IEntityTypeConfiguration<Invoice>
{
    public void Configure(EntityTypeBuilder<Invoice> b)
    {
        b.HasIndex(i => new { i.Year, i.Number }).IsUnique();   // the numbering's backstop
        b.HasIndex(i => new { i.Status, i.Id });                // the list's filter, newest first
        b.HasIndex(i => i.MembershipId);
        b.Property(i => i.FormattedNumber).HasMaxLength(20);
        b.Property(i => i.BillingName).HasMaxLength(200);
        b.Property(i => i.BillingCompany).HasMaxLength(200);
        b.Property(i => i.BillingAddress).HasMaxLength(1000);
        b.Property(i => i.BillingCountry).HasMaxLength(2);
        b.Property(i => i.IssuerName).HasMaxLength(100);
        b.Property(i => i.IssuerCompany).HasMaxLength(200);
        b.Property(i => i.IssuerAddress).HasMaxLength(1000);
        b.Property(i => i.IssuerCountry).HasMaxLength(2);
        b.Property(i => i.IssuerTaxIdName).HasMaxLength(50);
        b.Property(i => i.IssuerTaxId).HasMaxLength(50);
        b.Property(i => i.Currency).HasMaxLength(3);
        b.Property(i => i.TaxName).HasMaxLength(50);
        b.Property(i => i.TaxRate).HasPrecision(5, 2);
        b.Property(i => i.InvoiceText).HasMaxLength(2000);
        b.Property(i => i.Total).HasPrecision(18, 2);
        b.Property(i => i.NetTotal).HasPrecision(18, 2);
        b.Property(i => i.PaidAmount).HasPrecision(18, 2);
        b.Property(i => i.EInvoiceFileName).HasMaxLength(200);
        b.Property(i => i.EInvoiceContentType).HasMaxLength(50);
        b.Property(i => i.Version).IsConcurrencyToken();
        b.Ignore(i => i.Outstanding);
        b.OwnsMany(i => i.Items, item =>
        {
            item.ToTable("InvoiceItems");
            item.WithOwner().HasForeignKey("InvoiceId");
            item.HasKey(x => x.Id);
            item.Property(x => x.Description).HasMaxLength(500);
            item.Property(x => x.Quantity).HasPrecision(18, 3);
            item.Property(x => x.Amount).HasPrecision(18, 2);
            item.Property(x => x.TaxRate).HasPrecision(5, 2);
            item.Property(x => x.AccountingCode).HasMaxLength(100);
        });
        b.Navigation(i => i.Items).HasField("items").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class InvoiceCounterConfiguration : IEntityTypeConfiguration<InvoiceCounter>
{
    public void Configure(EntityTypeBuilder<InvoiceCounter> b)
    {
        b.HasKey(c => c.Year);
        b.Property(c => c.Year).ValueGeneratedNever();
    }
}

internal sealed class InvoiceSettingsConfiguration : IEntityTypeConfiguration<InvoiceSettings>
{
    public void Configure(EntityTypeBuilder<InvoiceSettings> b)
    {
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.Company).HasMaxLength(200);
        b.Property(s => s.Address).HasMaxLength(1000);
        b.Property(s => s.TaxIdName).HasMaxLength(50);
        b.Property(s => s.TaxId).HasMaxLength(50);
        b.Property(s => s.DefaultTaxName).HasMaxLength(50);
        b.Property(s => s.DefaultTaxRate).HasPrecision(5, 2);
    }
}

internal sealed class EInvoiceFileConfiguration : IEntityTypeConfiguration<EInvoiceFile>
{
    public void Configure(EntityTypeBuilder<EInvoiceFile> b)
    {
        b.HasKey(f => f.InvoiceId);
        b.Property(f => f.InvoiceId).ValueGeneratedNever();
        b.HasOne<Invoice>().WithOne().HasForeignKey<EInvoiceFile>(f => f.InvoiceId).OnDelete(DeleteBehavior.Cascade);
    }
}

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

internal sealed class CommunityEventConfiguration : IEntityTypeConfiguration<CommunityEvent>
{
    public void Configure(EntityTypeBuilder<CommunityEvent> b)
    {
        b.HasIndex(e => e.StartsAt);
        b.Property(e => e.Title).HasMaxLength(200);
        b.Property(e => e.Description).HasMaxLength(5000);
        b.Property(e => e.Location).HasMaxLength(200);
        b.Property(e => e.CreatedBy).HasMaxLength(256);
    }
}

internal sealed class EventAttendanceConfiguration : IEntityTypeConfiguration<EventAttendance>
{
    public void Configure(EntityTypeBuilder<EventAttendance> b)
    {
        b.HasOne<CommunityEvent>().WithMany().HasForeignKey(a => a.EventId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(a => new { a.EventId, a.NormalizedEmail }).IsUnique();
        b.Property(a => a.Name).HasMaxLength(200);
        b.Property(a => a.Email).HasMaxLength(256);
        b.Property(a => a.NormalizedEmail).HasMaxLength(256);
    }
}
