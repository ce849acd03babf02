using EasySpace.Core.Events;
using EasySpace.Core.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EasySpace.Core.Data;

internal sealed class EventRecordConfiguration : IEntityTypeConfiguration<EventRecord>
{
    public void Configure(EntityTypeBuilder<EventRecord> b)
    {
        b.ToTable("Events");
        b.HasIndex(e => e.OccurredAt);
        b.Property(e => e.Name).HasMaxLength(64);
        b.Property(e => e.Resource).HasMaxLength(64);
        b.Property(e => e.ResourceId).HasMaxLength(64);
        b.Property(e => e.About).HasMaxLength(EventRecord.AboutMaxLength);
        b.Property(e => e.MessageId).HasMaxLength(64);
        b.Property(e => e.FilterResourceId).HasMaxLength(64);
        // A receiver's webhook-id, looked up in the delivery log.
        b.HasIndex(e => e.MessageId);
        // The fan-out's queue: the events not yet fanned out, in order; fanned-out rows leave the index.
        b.HasIndex(e => e.FannedOut).HasFilter("FannedOut = 0").HasDatabaseName("IX_Events_WaitingForFanOut");
    }
}

internal sealed class EndpointConfiguration : IEntityTypeConfiguration<Endpoint>
{
    public void Configure(EntityTypeBuilder<Endpoint> b)
    {
        b.Property(e => e.Name).HasMaxLength(100);
        b.Property(e => e.Url).HasMaxLength(2048);
        b.Property(e => e.Events);   // a primitive collection: JSON in one column, queryable with Contains
        b.OwnsOne(e => e.Filters, f => f.ToJson());
        b.OwnsMany(e => e.Headers, h => h.ToJson());
        b.Property(e => e.CreatedByEmail).HasMaxLength(256);
        b.Ignore(e => e.IsActive);
        b.HasIndex(e => e.Status);
    }
}

internal sealed class DeliveryConfiguration : IEntityTypeConfiguration<Delivery>
{
    public void Configure(EntityTypeBuilder<Delivery> b)
    {
        // An event outlives its deliveries: retention removes it only once none is left.
        b.HasOne(d => d.Event).WithMany().HasForeignKey(d => d.EventId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Endpoint>().WithMany().HasForeignKey(d => d.EndpointId).OnDelete(DeleteBehavior.Cascade);
        b.Property(d => d.EventName).HasMaxLength(64);
        b.Ignore(d => d.MessageId);
        b.Ignore(d => d.Body);
        // The pump's claim: due pending deliveries in time order.
        b.HasIndex(d => new { d.Status, d.NextAttemptAt });
        // The delivery log of one endpoint, newest first.
        b.HasIndex(d => new { d.EndpointId, d.CreatedAt });
        // The log across all webhooks (Integrations > Deliveries), newest first.
        b.HasIndex(d => d.CreatedAt);
    }
}

internal sealed class AttemptConfiguration : IEntityTypeConfiguration<Attempt>
{
    public void Configure(EntityTypeBuilder<Attempt> b)
    {
        b.HasOne<Delivery>().WithMany().HasForeignKey(a => a.DeliveryId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(a => a.DeliveryId);
        b.HasIndex(a => new { a.EndpointId, a.Id });   // an endpoint's newest attempt
        b.HasIndex(a => a.At);
        b.Ignore(a => a.Succeeded);
        b.Ignore(a => a.Summary);
    }
}

internal sealed class WebhookStatsHourConfiguration : IEntityTypeConfiguration<WebhookStatsHour>
{
    public void Configure(EntityTypeBuilder<WebhookStatsHour> b)
    {
        b.ToTable("WebhookStats");
        b.HasKey(s => new { s.EndpointId, s.HourStart });
        b.HasOne<Endpoint>().WithMany().HasForeignKey(s => s.EndpointId).OnDelete(DeleteBehavior.Cascade);
    }
}
