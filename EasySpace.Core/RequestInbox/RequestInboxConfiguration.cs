using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EasySpace.Core.RequestInbox;

internal sealed class InboxConfiguration : IEntityTypeConfiguration<Inbox>
{
    public void Configure(EntityTypeBuilder<Inbox> b)
    {
        b.ToTable("RequestInboxes");
        b.HasIndex(i => i.Token).IsUnique();
        b.Property(i => i.Name).HasMaxLength(Inbox.MaxNameLength);
        b.Property(i => i.Token).HasMaxLength(Inbox.TokenLength);
        b.Property(i => i.CreatedByEmail).HasMaxLength(256);
    }
}

internal sealed class InboxRequestConfiguration : IEntityTypeConfiguration<InboxRequest>
{
    public void Configure(EntityTypeBuilder<InboxRequest> b)
    {
        b.ToTable("InboxRequests");
        b.HasOne<Inbox>().WithMany().HasForeignKey(r => r.InboxId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(r => new { r.InboxId, r.Id });
        b.Property(r => r.Method).HasMaxLength(16);
        b.Property(r => r.WebhookName).HasMaxLength(100);
    }
}
