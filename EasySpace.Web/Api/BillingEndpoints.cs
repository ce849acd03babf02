using System.Globalization;
using System.Security.Claims;
using EasySpace.Core;
using EasySpace.Core.Identity;
using EasySpace.Core.Space.Community;
using EasySpace.Core.Space.Guests;
using EasySpace.Core.Space.Invoices;
using EasySpace.Core.Space.Passes;
using EasySpace.Core.Space.Payments;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EasySpace.Web.Api;

/// <summary>
/// The billing and community reads behind the payload URLs: invoices (and their list), payments, drop-in passes,
/// wifi guest accounts, community events and their attendances. Staff data: the owner's and admins' tokens only
/// (published events excepted). Unknown or malformed ids answer 404.
/// </summary>
internal static class BillingEndpoints
{
    public static RouteGroupBuilder MapBilling(this RouteGroupBuilder api)
    {
        var invoices = api.MapGroup("/invoices").RequireAdmin().WithTags("Invoices");
        invoices.MapGet("", ListInvoicesAsync).RequireScope(ApiScopes.ReadInvoices)
            .WithName("ListInvoices").WithSummary("Invoices, newest first")
            .WithDescription("status (draft, sent, paid or written_off) picks the invoices; " + PageQuery.Description)
            .Produces<List<InvoiceResource>>().Produces<ValidationProblem>(StatusCodes.Status400BadRequest);
        invoices.MapGet("/{id}", GetInvoiceAsync).RequireScope(ApiScopes.ReadInvoices)
            .WithName("GetInvoice").WithSummary("An invoice")
            .WithDescription("The URL in invoice events; the shape of Cobot's deleted_invoice payload.");
        invoices.MapGet("/{id}/e_invoice", GetEInvoiceAsync).RequireScope(ApiScopes.ReadInvoices)
            .WithName("GetEInvoice").WithSummary("The e-invoice file attached to an invoice")
            .WithDescription("The PDF or XML file as attached; 404 when there is none.")
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf").Produces<ApiError>(StatusCodes.Status404NotFound);

        api.MapGet("/payments/{id}", GetPaymentAsync).RequireAdmin().RequireScope(ApiScopes.ReadPayments)
            .WithName("GetPayment").WithTags("Payments").WithSummary("A payment, or a payment subscription (id sub_…)")
            .WithDescription("The URL in created_payment, failed_payment, refunded_payment (a payment) and updated_payment_subscription (a subscription, id \"sub_\" and a number).")
            .Produces<PaymentResource>().Produces<PaymentSubscriptionResource>().Produces<ApiError>(StatusCodes.Status404NotFound);

        api.MapGet("/drop_in_passes/{id}", GetDropInPassAsync).RequireAdmin().RequireScope(ApiScopes.ReadDropInPasses)
            .WithName("GetDropInPass").WithTags("Drop-in passes").WithSummary("A drop-in day pass")
            .WithDescription("The URL in created_drop_in_pass.");
        api.MapGet("/guest_accounts/{id}", GetGuestAccountAsync).RequireAdmin().RequireScope(ApiScopes.ReadGuestAccounts)
            .WithName("GetGuestAccount").WithTags("Guest accounts").WithSummary("A wifi guest account (never its password)")
            .WithDescription("The URL in created_guest_account; deleted_guest_account carries the last state because the URL then answers 404.");
        api.MapGet("/events/{id}", GetEventAsync).RequireScope(ApiScopes.ReadEvents)
            .WithName("GetEvent").WithTags("Community events").WithSummary("A community event")
            .WithDescription("The URL in published_event. Drafts are visible to the owner's and admins' tokens only.");
        api.MapGet("/event_attendances/{id}", GetAttendanceAsync).RequireAdmin().RequireScope(ApiScopes.ReadEventAttendances)
            .WithName("GetEventAttendance").WithTags("Community events").WithSummary("A registration for a community event")
            .WithDescription("The URL in created_event_attendance.");
        return api;
    }

    private static async Task<IResult> ListInvoicesAsync(HttpContext http, InvoiceReader invoices, [AsParameters] PageQuery paging, string? status, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var page = paging.Read(errors);
        InvoiceStatus? filter = null;
        if (status is not null)
        {
            if (InvoiceReader.StatusNames.TryGetValue(status, out var known)) filter = known;
            else errors.Add("status", $"must be one of {string.Join(", ", InvoiceReader.StatusNames.Keys)}");
        }
        if (!errors.IsEmpty) return TypedResults.BadRequest(new ValidationProblem(errors.ByField));

        var result = await invoices.ResourcesAsync(filter, page.Page, page.PerPage, ct);
        http.Response.Headers["X-Total-Count"] = result.Total.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Ok(result.Items);
    }

    private static async Task<Results<Ok<InvoiceResource>, NotFound<ApiError>>> GetInvoiceAsync(string id, InvoiceReader invoices, CancellationToken ct) =>
        await invoices.ResourceAsync(id, ct) is { } invoice ? TypedResults.Ok(invoice) : TypedResults.NotFound(ApiError.NotFound);

    private static async Task<IResult> GetEInvoiceAsync(string id, InvoiceReader invoices, CancellationToken ct)
    {
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var key) || await invoices.EInvoiceAsync(key, ct) is not { } file)
            return TypedResults.NotFound(ApiError.NotFound);
        return TypedResults.File(file.Content, file.ContentType, file.FileName);
    }

    private static async Task<IResult> GetPaymentAsync(string id, PaymentReader payments, CancellationToken ct) =>
        await payments.ResourceAsync(id, ct) switch
        {
            PaymentResource payment => TypedResults.Ok(payment),
            PaymentSubscriptionResource subscription => TypedResults.Ok(subscription),
            _ => TypedResults.NotFound(ApiError.NotFound),
        };

    private static async Task<Results<Ok<DropInPassResource>, NotFound<ApiError>>> GetDropInPassAsync(string id, DropInPassService passes, CancellationToken ct) =>
        await passes.ResourceAsync(id, ct) is { } pass ? TypedResults.Ok(pass) : TypedResults.NotFound(ApiError.NotFound);

    private static async Task<Results<Ok<GuestAccountResource>, NotFound<ApiError>>> GetGuestAccountAsync(string id, GuestAccountService guests, CancellationToken ct) =>
        await guests.ResourceAsync(id, ct) is { } account ? TypedResults.Ok(account) : TypedResults.NotFound(ApiError.NotFound);

    private static async Task<Results<Ok<CommunityEventResource>, NotFound<ApiError>>> GetEventAsync(string id, ClaimsPrincipal user, CommunityService community, CancellationToken ct) =>
        await community.ResourceAsync(id, user.IsInRole(Roles.Owner) || user.IsInRole(Roles.Admin), ct) is { } e
            ? TypedResults.Ok(e) : TypedResults.NotFound(ApiError.NotFound);

    private static async Task<Results<Ok<EventAttendanceResource>, NotFound<ApiError>>> GetAttendanceAsync(string id, CommunityService community, CancellationToken ct) =>
        await community.AttendanceResourceAsync(id, ct) is { } attendance ? TypedResults.Ok(attendance) : TypedResults.NotFound(ApiError.NotFound);
}
