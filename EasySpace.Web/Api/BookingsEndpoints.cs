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
                             "dates or times (2026-03-02, 2026-03-02T09:00:00Z); a date, or a time without an offset, is UTC. " + PageQuery.Description)
            .Produces<List<BookingResource>>().Produces<ValidationProblem>(StatusCodes.Status400BadRequest);
        bookings.MapGet("/{id}", GetBookingAsync)
            .WithSummary("A booking")
            .WithDescription("The URL in created_booking, updated_booking, booking_will_begin and booking_has_ended payloads. A canceled booking answers 404.");

        var resources = api.MapGroup("/resources").RequireScope(ApiScopes.ReadBookings).WithTags("Bookings");
        resources.MapGet("", ListResourcesAsync).WithSummary("The rooms and desks that can be booked (archived ones are left out)");
        resources.MapGet("/{id}", GetResourceAsync).WithSummary("A room or desk");

        var checkIns = api.MapGroup("/check_ins").RequireAdmin().RequireScope(ApiScopes.ReadCheckIns).WithTags("Check-ins");
        checkIns.MapGet("", ListCheckInsAsync)
            .WithSummary("Check-ins, newest first")
            .WithDescription(PageQuery.Description)
            .Produces<List<CheckInResource>>().Produces<ValidationProblem>(StatusCodes.Status400BadRequest);
        checkIns.MapGet("/{id}", GetCheckInAsync).WithSummary("A check-in").WithDescription("The URL in created_checkin and created_checkout payloads.");

        api.MapGet("/check_in_tokens/{id}", GetTokenAsync)
            .RequireAdmin().RequireScope(ApiScopes.ReadCheckIns).WithTags("Check-ins")
            .WithSummary("A check-in token").WithDescription("The URL in created_checkin_token payloads. A deleted token answers 404.");
        return api;
    }

    private static async Task<IResult> ListBookingsAsync(HttpResponse response, BookingDirectory directory, CancellationToken ct,
        [AsParameters] PageQuery paging, string? from = null, string? to = null)
    {
        var errors = new ValidationErrors();
        var page = paging.Read(errors);
        var start = Instant(from, "from", errors);
        var end = Instant(to, "to", errors);
        if (start is not null && end is not null && end <= start) errors.Add("to", "must be after from");
        if (!errors.IsEmpty) return TypedResults.BadRequest(new ValidationProblem(errors.ByField));

        var result = await directory.ListAsync(start, end, page.Skip, page.PerPage, ct);
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
        [AsParameters] PageQuery paging)
    {
        var errors = new ValidationErrors();
        var page = paging.Read(errors);
        if (!errors.IsEmpty) return TypedResults.BadRequest(new ValidationProblem(errors.ByField));
        var result = await directory.ListAsync(page.Skip, page.PerPage, ct);
        response.Headers["X-Total-Count"] = result.Total.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Ok(result.Items);
    }

    private static async Task<Results<Ok<CheckInResource>, NotFound<ApiError>>> GetCheckInAsync(string id, CheckInDirectory directory, CancellationToken ct) =>
        await directory.FindAsync(id, ct) is { } checkIn ? TypedResults.Ok(checkIn) : TypedResults.NotFound(ApiError.NotFound);

    private static async Task<Results<Ok<CheckInTokenResource>, NotFound<ApiError>>> GetTokenAsync(string id, CheckInDirectory directory, CancellationToken ct) =>
        await directory.FindTokenAsync(id, ct) is { } token ? TypedResults.Ok(token) : TypedResults.NotFound(ApiError.NotFound);

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
