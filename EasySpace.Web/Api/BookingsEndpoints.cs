using System.Globalization;
using EasySpace.Core;
using EasySpace.Core.Identity;
using EasySpace.Core.Space.Bookings;
using EasySpace.Core.Space.CheckIns;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EasySpace.Web.Api;

/// <summary>
/// The objects behind booking and check-in payload URLs: <c>/api/bookings</c>, <c>/api/resources</c>,
/// <c>/api/check_ins</c>, <c>/api/check_in_tokens</c>. Bookings and check-ins are about members, so only the owner's
/// and admins' tokens read them; rooms and desks are for anyone with read_bookings.
/// </summary>
internal static class BookingsEndpoints
{
    public const int DefaultPerPage = 50;
    public const int MaxPerPage = 200;
    public const int MaxPage = 1_000_000;

    private static readonly string[] DateFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    public static RouteGroupBuilder MapBookings(this RouteGroupBuilder api)
    {
        var bookings = api.MapGroup("/bookings").RequireAdmin().RequireScope(ApiScopes.ReadBookings).WithTags("Bookings");
        bookings.MapGet("", ListBookingsAsync)
            .WithSummary("Bookings in a time range")
            .WithDescription("Bookings that overlap [from, to), in time order; canceled bookings are left out. from and to are ISO 8601 " +
                             "dates or times (2026-03-02, 2026-03-02T09:00:00Z); a date, or a time without an offset, is UTC. " +
                             "page (from 1) and per_page (1–200, default 50) page the list; X-Total-Count gives the total.")
            .Produces<List<BookingResource>>().Produces<ValidationProblem>(StatusCodes.Status422UnprocessableEntity);
        bookings.MapGet("/{id}", GetBookingAsync)
            .WithSummary("A booking")
            .WithDescription("The URL in created_booking, updated_booking, booking_will_begin and booking_has_ended payloads. A canceled booking answers 404.");

        var resources = api.MapGroup("/resources").RequireScope(ApiScopes.ReadBookings).WithTags("Bookings");
        resources.MapGet("", ListResourcesAsync).WithSummary("The rooms and desks that can be booked (archived ones are left out)");
        resources.MapGet("/{id}", GetResourceAsync).WithSummary("A room or desk");

        var checkIns = api.MapGroup("/check_ins").RequireAdmin().RequireScope(ApiScopes.ReadCheckIns).WithTags("Check-ins");
        checkIns.MapGet("", ListCheckInsAsync)
            .WithSummary("Check-ins, newest first")
            .WithDescription("page (from 1) and per_page (1–200, default 50) page the list; X-Total-Count gives the total.")
            .Produces<List<CheckInResource>>().Produces<ValidationProblem>(StatusCodes.Status422UnprocessableEntity);
        checkIns.MapGet("/{id}", GetCheckInAsync).WithSummary("A check-in").WithDescription("The URL in created_checkin and created_checkout payloads.");

        api.MapGet("/check_in_tokens/{id}", GetTokenAsync)
            .RequireAdmin().RequireScope(ApiScopes.ReadCheckIns).WithTags("Check-ins")
            .WithSummary("A check-in token").WithDescription("The URL in created_checkin_token payloads. A deleted token answers 404.");
        return api;
    }

    private static async Task<IResult> ListBookingsAsync(HttpResponse response, BookingDirectory directory, CancellationToken ct,
        string? from = null, string? to = null, string? page = null, string? per_page = null)
    {
        var errors = new ValidationErrors();
        var (skip, take) = Paging(page, per_page, errors);
        var start = Instant(from, "from", errors);
        var end = Instant(to, "to", errors);
        if (start is not null && end is not null && end <= start) errors.Add("to", "must be after from");
        if (!errors.IsEmpty) return TypedResults.UnprocessableEntity(new ValidationProblem(errors.ByField));

        var result = await directory.ListAsync(start, end, skip, take, ct);
        response.Headers["X-Total-Count"] = result.Total.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Ok(result.Items);
    }

    private static async Task<Results<Ok<BookingResource>, NotFound<ApiError>>> GetBookingAsync(string id, BookingDirectory directory, CancellationToken ct) =>
        await directory.FindAsync(id, ct) is { } booking ? TypedResults.Ok(booking) : TypedResults.NotFound(ApiError.NotFound);

    private static async Task<Ok<IReadOnlyList<BookableResource>>> ListResourcesAsync(BookingDirectory directory, CancellationToken ct) =>
        TypedResults.Ok(await directory.ResourceListAsync(ct));

    private static async Task<Results<Ok<BookableResource>, NotFound<ApiError>>> GetResourceAsync(string id, BookingDirectory directory, CancellationToken ct) =>
        await directory.FindResourceAsync(id, ct) is { } resource ? TypedResults.Ok(resource) : TypedResults.NotFound(ApiError.NotFound);

    private static async Task<IResult> ListCheckInsAsync(HttpResponse response, CheckInDirectory directory, CancellationToken ct,
        string? page = null, string? per_page = null)
    {
        var errors = new ValidationErrors();
        var (skip, take) = Paging(page, per_page, errors);
        if (!errors.IsEmpty) return TypedResults.UnprocessableEntity(new ValidationProblem(errors.ByField));
        var result = await directory.ListAsync(skip, take, ct);
        response.Headers["X-Total-Count"] = result.Total.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Ok(result.Items);
    }

    private static async Task<Results<Ok<CheckInResource>, NotFound<ApiError>>> GetCheckInAsync(string id, CheckInDirectory directory, CancellationToken ct) =>
        await directory.FindAsync(id, ct) is { } checkIn ? TypedResults.Ok(checkIn) : TypedResults.NotFound(ApiError.NotFound);

    private static async Task<Results<Ok<CheckInTokenResource>, NotFound<ApiError>>> GetTokenAsync(string id, CheckInDirectory directory, CancellationToken ct) =>
        await directory.FindTokenAsync(id, ct) is { } token ? TypedResults.Ok(token) : TypedResults.NotFound(ApiError.NotFound);

    /// <summary><c>?page=1&amp;per_page=50</c> as skip and take; bad values are field errors, not a silent default.</summary>
    internal static (int Skip, int Take) Paging(string? page, string? perPage, ValidationErrors errors)
    {
        var p = 1;
        var size = DefaultPerPage;
        if (page is not null && (!int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out p) || p is < 1 or > MaxPage))
            errors.Add("page", $"must be a whole number from 1 to {MaxPage.ToString("N0", CultureInfo.InvariantCulture)}");
        if (perPage is not null && (!int.TryParse(perPage, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxPerPage))
            errors.Add("per_page", $"must be a whole number from 1 to {MaxPerPage}");
        return errors.IsEmpty ? ((p - 1) * size, size) : (0, 0);
    }

    private static DateTimeOffset? Instant(string? value, string field, ValidationErrors errors)
    {
        if (value is null) return null;
        if (DateTimeOffset.TryParseExact(value.Trim(), DateFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
            return instant;
        errors.Add(field, "must be an ISO 8601 date or time, e.g. 2026-03-02 or 2026-03-02T09:00:00Z");
        return null;
    }
}
