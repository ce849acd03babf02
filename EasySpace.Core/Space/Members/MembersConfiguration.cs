using System.Text.Json;
using EasySpace.Core.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EasySpace.Core.Space.Members;

internal sealed class PlanConfiguration : IEntityTypeConfiguration<Plan>
{
    public void Configure(EntityTypeBuilder<Plan> b)
    {
        b.Property(p => p.Name).HasMaxLength(PlanService.NameMax);
        // Stored as TEXT by SQLite; never ordered by in SQL (SQLite cannot order decimals correctly).
        b.Property(p => p.Price).HasPrecision(12, 2);
        b.Property(p => p.Currency).HasMaxLength(3);
        b.Property(p => p.Interval).HasConversion<string>().HasMaxLength(10);
    }
}

internal sealed class MembershipConfiguration : IEntityTypeConfiguration<Membership>
{
    public void Configure(EntityTypeBuilder<Membership> b)
    {
        b.Property(m => m.UserId).HasMaxLength(450);
        b.HasIndex(m => m.UserId).IsUnique(); // one membership per member account
        // Deleting a member's account goes through MembershipService.DeleteAsync, which removes the membership first.
        b.HasOne<AppUser>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Restrict);
        b.Property(m => m.Name).HasMaxLength(MemberInputRules.NameMax);
        b.HasIndex(m => m.Name);
        b.Property(m => m.Email).HasMaxLength(256);
        b.Property(m => m.Company).HasMaxLength(MemberInputRules.CompanyMax);
        b.Property(m => m.Address).HasMaxLength(MemberInputRules.AddressMax);
        b.Property(m => m.Phone).HasMaxLength(MemberInputRules.PhoneMax);
        b.HasOne<Plan>().WithMany().HasForeignKey(m => m.PlanId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Plan>().WithMany().HasForeignKey(m => m.NextPlanId).OnDelete(DeleteBehavior.Restrict);
        b.Property(m => m.PaymentMethod).HasConversion<string>().HasMaxLength(10);
        b.Property(m => m.CustomFields)
            .HasConversion(
                v => JsonSerializer.Serialize(v, (JsonSerializerOptions?)null),
                v => JsonSerializer.Deserialize<Dictionary<string, string>>(v, (JsonSerializerOptions?)null) ?? new Dictionary<string, string>(),
                new ValueComparer<Dictionary<string, string>>(
                    (a, c) => a!.Count == c!.Count && !a.Except(c).Any(),
                    v => v.Aggregate(0, (h, kv) => HashCode.Combine(h, kv.Key.GetHashCode(), kv.Value.GetHashCode())),
                    v => new Dictionary<string, string>(v, StringComparer.Ordinal)))
            .HasMaxLength(20_000);
        b.Ignore(m => m.Status);
        // The minute job looks for what is due.
        b.HasIndex(m => new { m.IsConfirmed, m.ConfirmationDate });
        b.HasIndex(m => m.NextPlanFrom);
        b.HasIndex(m => m.CanceledTo);
    }
}

internal sealed class MembershipPictureConfiguration : IEntityTypeConfiguration<MembershipPicture>
{
    public void Configure(EntityTypeBuilder<MembershipPicture> b)
    {
        b.HasKey(p => p.MembershipId);
        b.Property(p => p.MembershipId).ValueGeneratedNever();
        b.HasOne<Membership>().WithOne().HasForeignKey<MembershipPicture>(p => p.MembershipId).OnDelete(DeleteBehavior.Cascade);
        b.Property(p => p.ContentType).HasMaxLength(20);
    }
}

internal sealed class CustomFieldDefinitionConfiguration : IEntityTypeConfiguration<CustomFieldDefinition>
{
    public void Configure(EntityTypeBuilder<CustomFieldDefinition> b)
    {
        b.Property(f => f.Name).HasMaxLength(MemberInputRules.CustomFieldNameMax);
        b.HasIndex(f => f.Name).IsUnique();
    }
}
