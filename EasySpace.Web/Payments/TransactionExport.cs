using System.Globalization;
using System.Text;
using EasySpace.Core;
using EasySpace.Core.Identity;
using EasySpace.Core.Space.Invoices;
using EasySpace.Core.Space.Payments;
using Microsoft.AspNetCore.WebUtilities;

namespace EasySpace.Web.Payments;

/// <summary>
/// The transaction history as a CSV file: the rows the page's filters show, every page of them. A plain link (no
/// script) downloads it; the query string carries the filters the same way the page writes them.
/// </summary>
public static class TransactionExport
{
    public const string Path = "/settings/integrations/payments/transactions/export";

    public static void MapTransactionExport(this IEndpointRouteBuilder app) =>
        app.MapGet(Path, ExportAsync).RequireAuthorization(Policies.ManageIntegrations);

    /// <summary>The download link for these filters, relative to the app's base address.</summary>
    public static string Url(TransactionFilter filter)
    {
        var query = new Dictionary<string, string?>();
        if (filter.From is { } from) query["from"] = BillingFormat.IsoDay(from);
        if (filter.To is { } to) query["to"] = BillingFormat.IsoDay(to);
        if (filter.Status is { } status) query["status"] = PaymentResource.StatusName(status);
        if (filter.Provider is { } provider) query["provider"] = provider;
        if (!string.IsNullOrWhiteSpace(filter.Member)) query["member"] = filter.Member.Trim();
        return QueryHelpers.AddQueryString(Path.TrimStart('/'), query);
    }

    /// <summary>Reads the filters back; a value that is not one we write is a field error, not an empty filter.</summary>
    public static Result<TransactionFilter> Parse(IQueryCollection query)
    {
        var errors = new ValidationErrors();
        var from = Day(query, "from", errors);
        var to = Day(query, "to", errors);
        PaymentStatus? status = null;
        if (One(query, "status") is { } statusText)
        {
            status = Enum.GetValues<PaymentStatus>().Cast<PaymentStatus?>().FirstOrDefault(s => PaymentResource.StatusName(s!.Value) == statusText);
            if (status is null) errors.Add("status", "Use succeeded, failed, partially_refunded or refunded.");
        }
        var filter = new TransactionFilter(from, to, status, One(query, "provider"), One(query, "member"));
        foreach (var (field, messages) in filter.Validate().ByField)
            foreach (var message in messages) errors.Add(field.ToLowerInvariant(), message);
        return errors.IsEmpty ? filter : errors;
    }

    private static async Task ExportAsync(HttpContext http, PaymentReader payments, InvoiceReader invoices, TimeProvider clock, CancellationToken ct)
    {
        var parsed = Parse(http.Request.Query);
        if (!parsed.Succeeded)
        {
            await Results.Json(new { error = "These filters cannot be used.", errors = parsed.Errors.ByField }, statusCode: StatusCodes.Status400BadRequest)
                .ExecuteAsync(http);
            return;
        }
        var space = await invoices.SpaceAsync(ct);
        var today = BillingFormat.IsoDay(space.Clock.Today(clock.GetUtcNow()));
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"transactions-{today}.csv\"";

        // UTF-8 with a byte order mark: without it Excel reads "Chloé" as "ChloÃ©".
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), leaveOpen: true);
        await WriteRowAsync(writer, [$"Date ({space.Clock.ZoneName})", "Member", "Membership id", "Paid for", "Provider", "Amount", "Currency", "Refunded",
            "Status", "Test or live", "Reference", "Refunds"]);
        await foreach (var row in payments.AllAsync(parsed.Value!, ct))
            await WriteRowAsync(writer, [
                Time(row.CreatedAt, space.Clock), row.Payer, row.MembershipId?.ToString(CultureInfo.InvariantCulture) ?? "", $"Invoice {row.InvoiceNumber}",
                TransactionText.ProviderName(row.Provider), Amount(row.Amount), row.Currency, row.RefundedAmount == 0 ? "" : Amount(row.RefundedAmount),
                TransactionText.StatusText(row), TransactionText.Mode(row), row.ProviderReference ?? "",
                string.Join("; ", row.Refunds.Select(r => $"{Amount(r.Amount)} on {Time(r.RefundedAt, space.Clock)}{(r.ProviderReference is null ? "" : $" ({r.ProviderReference})")}")),
            ]);
        await writer.FlushAsync(ct);
    }

    private static Task WriteRowAsync(TextWriter writer, IEnumerable<string> cells) =>
        writer.WriteAsync(string.Join(",", cells.Select(Cell)) + "\r\n");

    /// <summary>
    /// One cell, safe to open in a spreadsheet: text that starts like a formula (=, +, -, @, or a tab or carriage return
    /// that some programs skip first) gets a leading apostrophe, so it shows as text and never runs (OWASP CSV injection).
    /// </summary>
    internal static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }

    private static string Amount(decimal value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    // Spreadsheets sort and parse ISO times; the space's wall clock, as the column header says.
    private static string Time(DateTimeOffset at, SpaceClock clock) => clock.Local(at).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string? One(IQueryCollection query, string key) =>
        query.TryGetValue(key, out var values) && values.Count > 0 && !string.IsNullOrWhiteSpace(values[^1]) ? values[^1] : null;

    private static DateOnly? Day(IQueryCollection query, string key, ValidationErrors errors)
    {
        if (One(query, key) is not { } text) return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return day;
        errors.Add(key, "Write the date as YYYY-MM-DD.");
        return null;
    }
}
