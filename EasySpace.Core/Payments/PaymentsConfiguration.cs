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

internal sealed class PaymentAttemptConfiguration : IEntityTypeConfiguration<Checkout.PaymentAttempt>
{
    public void Configure(EntityTypeBuilder<Checkout.PaymentAttempt> b)
    {
        b.ToTable("PaymentAttempts");
        b.HasKey(a => a.Id);
        b.Property(a => a.Id).HasMaxLength(32).ValueGeneratedNever();
        // A provider object (checkout session, order, subscription period) stands for one attempt.
        b.HasIndex(a => new { a.Provider, a.ProviderSessionId }).IsUnique().HasFilter("\"ProviderSessionId\" IS NOT NULL");
        b.HasIndex(a => a.MembershipId);
        b.HasIndex(a => new { a.Purpose, a.SubjectId });
        b.HasIndex(a => new { a.Status, a.CreatedAt });
        b.Property(a => a.Purpose).HasConversion<string>().HasMaxLength(16);
        b.Property(a => a.Provider).HasConversion<string>().HasMaxLength(16);
        b.Property(a => a.Mode).HasConversion<string>().HasMaxLength(8);
        b.Property(a => a.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(a => a.Amount).HasPrecision(18, 2);
        b.Property(a => a.Currency).HasMaxLength(3);
        b.Property(a => a.Description).HasMaxLength(300);
        b.Property(a => a.ProviderSessionId).HasMaxLength(255);
        b.Property(a => a.RedirectUrl).HasMaxLength(2048);
        b.Property(a => a.FailureReason).HasMaxLength(500);
        b.Ignore(a => a.IsFinished);
    }
}

internal sealed class ProviderEventConfiguration : IEntityTypeConfiguration<Inbox.ProviderEvent>
{
    public void Configure(EntityTypeBuilder<Inbox.ProviderEvent> b)
    {
        b.ToTable("ProviderEvents");
        b.HasKey(e => e.Id);
        // The inbox's promise: a provider's event is stored once, however often it is sent or found.
        b.HasIndex(e => new { e.Provider, e.EventId }).IsUnique();
        b.HasIndex(e => new { e.ProcessedAt, e.Tries });
        b.Property(e => e.Provider).HasConversion<string>().HasMaxLength(16);
        b.Property(e => e.EventId).HasMaxLength(255);
        b.Property(e => e.Type).HasMaxLength(100);
        b.Property(e => e.Source).HasConversion<string>().HasMaxLength(16);
        b.Property(e => e.Outcome).HasMaxLength(1000);
        b.Property(e => e.LastError).HasMaxLength(1000);
        b.Ignore(e => e.IsProcessed);
    }
}
