using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EasySpace.Core.Payments;

internal sealed class ProviderConnectionConfiguration : IEntityTypeConfiguration<ProviderConnection>
{
    public void Configure(EntityTypeBuilder<ProviderConnection> b)
    {
        b.ToTable("ProviderConnections");
        b.HasKey(c => c.Id);
        b.HasIndex(c => c.Provider).IsUnique();   // one connection per provider
        b.Property(c => c.Provider).HasConversion<string>().HasMaxLength(16);
        b.Property(c => c.Mode).HasConversion<string>().HasMaxLength(8);
        b.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(c => c.Delivery).HasConversion<string>().HasMaxLength(8);
        b.Property(c => c.ErrorReason).HasMaxLength(1000);
        b.Property(c => c.ErrorFix).HasMaxLength(1000);
        b.Property(c => c.AccountId).HasMaxLength(255);
        b.Property(c => c.AccountName).HasMaxLength(255);
        b.Property(c => c.AccountCountry).HasMaxLength(2);
        b.Property(c => c.DefaultCurrency).HasMaxLength(3);
        b.Property(c => c.SecretKeyHint).HasMaxLength(32);
        b.Property(c => c.PublishableKey).HasMaxLength(255);
        b.Property(c => c.RemoteWebhookId).HasMaxLength(255);
        b.Property(c => c.WebhookUrl).HasMaxLength(2048);
        b.Property(c => c.ConnectedBy).HasMaxLength(256);
    }
}
