using EasySpace.Core.Mail;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EasySpace.Core.Data;

// E-mail: the mail server saved on Settings > E-mail (one row).
public sealed partial class AppDbContext
{
    public DbSet<StoredMailSettings> MailSettings => Set<StoredMailSettings>();
}

internal sealed class StoredMailSettingsConfiguration : IEntityTypeConfiguration<StoredMailSettings>
{
    public void Configure(EntityTypeBuilder<StoredMailSettings> b)
    {
        b.ToTable("MailSettings");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.Host).HasMaxLength(MailServer.MaxHostLength);
        b.Property(s => s.Security).HasConversion<string>().HasMaxLength(16);
        b.Property(s => s.User).HasMaxLength(256);
        b.Property(s => s.SenderName).HasMaxLength(100);
        b.Property(s => s.SenderAddress).HasMaxLength(256);
        b.Property(s => s.ChangedBy).HasMaxLength(256);
    }
}
