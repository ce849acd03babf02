using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using EasySpace.Core.Payments.Checkout;
using EasySpace.Core.Space.Members;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Space.Bookings;

public sealed record ResourceRef(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("id")] string Id);

/// <summary>A booking as <c>GET /api/bookings/{id}</c> returns it, in the field order of Cobot's deleted_booking example.</summary>
public sealed record BookingResource(
    [property: JsonPropertyName("from")] string From,
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("tax_rate")] string TaxRate,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("resource")] ResourceRef Resource,
    [property: JsonPropertyName("price")] decimal Price,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("membership")] MembershipRef? Membership,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("can_change")] bool CanChange,
    [property: JsonPropertyName("comments")] string? Comments)
{
    public static BookingResource Of(Booking b, string resourceName, string url, DateTimeOffset now) => new(
        ApiTime.Format(b.From),
        ApiTime.Format(b.To),
        Rate(b.TaxRate),
        b.Title,
        new ResourceRef(resourceName, b.ResourceId.ToString(CultureInfo.InvariantCulture)),
        b.Price,
        b.Currency,
        MembershipRef.Of(b.MembershipId, b.MemberName),
        url,
        b.Id.ToString(CultureInfo.InvariantCulture),
        b.CanChange(now),
        b.Comments);

    /// <summary>The same object as a JSON node, for event payloads.</summary>
    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this)!.AsObject();

    /// <summary>Cobot writes rates as strings with at least one decimal: "20.0", "7.5".</summary>
    public static string Rate(decimal rate) => rate.ToString("0.0##", CultureInfo.InvariantCulture);
}

/// <summary>A room or desk as <c>GET /api/resources/{id}</c> returns it.</summary>
public sealed record BookableResource(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("capacity")] int Capacity,
    [property: JsonPropertyName("hourly_price")] decimal HourlyPrice,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("tax_rate")] string TaxRate,
    [property: JsonPropertyName("archived")] bool Archived,
    [property: JsonPropertyName("url")] string Url)
{
    public static BookableResource Of(Resource r, string url) => new(
        r.Id.ToString(CultureInfo.InvariantCulture), r.Name, r.Kind == ResourceKind.Desk ? "desk" : "room", r.Capacity, r.HourlyPrice,
        r.Currency, BookingResource.Rate(r.TaxRate), r.IsArchived, url);
}

/// <summary>One line of the bookings list on the page.</summary>
public sealed record BookingView(Booking Booking, string ResourceName);

/// <summary>One of a member's own bookings: paid once the invoice the member's checkout made for it is paid.</summary>
public sealed record MemberBooking(Booking Booking, string ResourceName, bool IsPaid);

/// <summary>Reads bookings and resources for the API and the Bookings page; canceled bookings are left out.</summary>
public sealed class BookingDirectory(IDbContextFactory<AppDbContext> dbFactory, PublicUrls urls, TimeProvider clock)
{
    public const string Collection = "bookings";
    public const string ResourcesCollection = "resources";

    public async Task<BookingResource?> FindAsync(string id, CancellationToken ct = default)
    {
        if (!ApiIds.TryParse(id, out var key)) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = (await WithResourceNamesAsync(db, Active(db).Where(b => b.Id == key), ct)).FirstOrDefault();
        return row is null ? null : await ToResourceAsync(row, ct);
    }

    /// <summary>Bookings that overlap [from, to) (either end open), in time order, for the API.</summary>
    public async Task<Page<BookingResource>> ListAsync(DateTimeOffset? from, DateTimeOffset? to, int skip, int take, CancellationToken ct = default)
    {
        var page = await PageAsync(from, to, null, skip, take, ct);
        var items = new List<BookingResource>(page.Items.Count);
        foreach (var row in page.Items) items.Add(await ToResourceAsync(row, ct));
        return new Page<BookingResource>(items, page.Total);
    }

    /// <summary>Bookings that overlap [from, to), optionally of one resource, in time order, for the page.</summary>
    public async Task<Page<BookingView>> PageAsync(DateTimeOffset? from, DateTimeOffset? to, long? resourceId, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Active(db);
        if (from is { } start) query = query.Where(b => b.To > start);
        if (to is { } end) query = query.Where(b => b.From < end);
        if (resourceId is { } resource) query = query.Where(b => b.ResourceId == resource);
        var total = await query.CountAsync(ct);
        var page = query.OrderBy(b => b.From).ThenBy(b => b.Id).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200));
        return new Page<BookingView>(await WithResourceNamesAsync(db, page, ct), total);
    }

    /// <summary>
    /// The member's own bookings (not canceled), latest first, each with whether it is paid: a booking is paid once the
    /// invoice its checkout made is paid (a booking is invoiced once, when the member first pays it).
    /// </summary>
    public async Task<IReadOnlyList<MemberBooking>> ForMemberAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var own = Active(db).Where(b => userId != "" && db.Memberships.Any(m => m.Id == b.MembershipId && m.UserId == userId))
            .OrderByDescending(b => b.From).ThenByDescending(b => b.Id);
        var rows = await WithResourceNamesAsync(db, own, ct);
        var ids = rows.Select(r => r.Booking.Id).ToList();
        var paid = await db.PaymentAttempts.AsNoTracking()
            .Where(a => a.Purpose == PaymentPurpose.Booking && ids.Contains(a.SubjectId) && db.Invoices.Any(i => i.Id == a.InvoiceId && i.PaidAt != null))
            .Select(a => a.SubjectId).Distinct().ToListAsync(ct);
        return rows.Select(r => new MemberBooking(r.Booking, r.ResourceName, paid.Contains(r.Booking.Id))).ToList();
    }

    /// <summary>The rooms and desks, by name; archived ones only when asked.</summary>
    public async Task<IReadOnlyList<Resource>> ResourcesAsync(bool includeArchived = false, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Resources.AsNoTracking();
        if (!includeArchived) query = query.Where(r => r.ArchivedAt == null);
        return await query.OrderBy(r => r.Name).ThenBy(r => r.Id).ToListAsync(ct);
    }

    public async Task<BookableResource?> FindResourceAsync(string id, CancellationToken ct = default)
    {
        if (!ApiIds.TryParse(id, out var key)) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var resource = await db.Resources.AsNoTracking().FirstOrDefaultAsync(r => r.Id == key, ct);
        return resource is null ? null : BookableResource.Of(resource, await urls.ApiUrlAsync(ResourcesCollection, id, ct));
    }

    public async Task<IReadOnlyList<BookableResource>> ResourceListAsync(CancellationToken ct = default)
    {
        var list = new List<BookableResource>();
        foreach (var r in await ResourcesAsync(includeArchived: false, ct))
            list.Add(BookableResource.Of(r, await urls.ApiUrlAsync(ResourcesCollection, r.Id.ToString(CultureInfo.InvariantCulture), ct)));
        return list;
    }


    /// <summary>The space's currency, the default for a new resource.</summary>
    public async Task<string> SpaceCurrencyAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.SpaceCurrencyAsync(ct);
    }

    /// <summary>Bookings that were not canceled.</summary>
    internal static IQueryable<Booking> Active(AppDbContext db) => db.Bookings.AsNoTracking().Where(b => b.CanceledAt == null);

    /// <summary>Runs <paramref name="bookings"/> and names each one's resource, keeping the query's order.</summary>
    internal static async Task<List<BookingView>> WithResourceNamesAsync(AppDbContext db, IQueryable<Booking> bookings, CancellationToken ct)
    {
        var list = await bookings.ToListAsync(ct);
        var ids = list.Select(b => b.ResourceId).Distinct().ToList();
        var names = await db.Resources.AsNoTracking().Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Name, ct);
        return list.Select(b => new BookingView(b, names[b.ResourceId])).ToList();
    }

    private async Task<BookingResource> ToResourceAsync(BookingView row, CancellationToken ct) =>
        BookingResource.Of(row.Booking, row.ResourceName,
            await urls.ApiUrlAsync(Collection, row.Booking.Id.ToString(CultureInfo.InvariantCulture), ct), clock.GetUtcNow());
}
