using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EasySpace.Core.Space.Invoices;

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
