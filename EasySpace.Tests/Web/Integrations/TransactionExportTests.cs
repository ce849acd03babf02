using System.Net;
using System.Text;
using System.Text.Json;
using EasySpace.Core.Space.Invoices;
using EasySpace.Core.Space.Payments;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Web.Integrations;

/// <summary>The CSV download of the transaction history, over HTTP as a browser fetches it.</summary>
public class TransactionExportTests : IAsyncLifetime
{
    private const string Export = "/settings/integrations/payments/transactions/export";
    private readonly AppHost app = new();

    public Task InitializeAsync() => app.SetUpSpaceAsync();

    public Task DisposeAsync()
    {
        app.Dispose();
        return Task.CompletedTask;
    }

    private async Task<Invoice> PaidInvoiceAsync(string name, string? reference, bool failedAtStripe = false)
    {
        var draft = BillingTestData.CobotExample(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(14));
        draft.Name = name;
        var invoice = await app.Services.CreateInvoiceAsync(draft);
        var recorder = app.Get<PaymentRecorder>();
        (failedAtStripe
            ? await recorder.RecordFailureAsync(invoice.Id, 240m, "EUR", PaymentProviders.Stripe, reference, "expired_card", "stripe")
            : await recorder.RecordPaymentAsync(invoice.Id, 240m, "EUR", PaymentProviders.Manual, reference, AppHost.OwnerEmail)).Ok();
        return invoice;
    }

    private async Task<(HttpResponseMessage Response, byte[] Bytes)> GetAsync(string query = "")
    {
        var owner = await app.LoggedInClientAsync(AppHost.OwnerEmail);
        var response = await owner.GetAsync(Export + query);
        return (response, await response.Content.ReadAsByteArrayAsync());
    }

    private static string[] Lines(byte[] bytes) =>
        Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task The_download_is_UTF8_with_a_BOM_a_header_row_and_names_as_written()
    {
        await PaidInvoiceAsync("Chloé Ünal", "Überweisung 7");

        var (response, bytes) = await GetAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);   // Excel reads the file as UTF-8 only with it
        var lines = Lines(bytes);
        Assert.Equal("Date (Europe/Berlin),Member,Membership id,Paid for,Provider,Amount,Currency,Refunded,Status,Test or live,Reference,Refunds", lines[0]);
        var row = Assert.Single(lines[1..]);
        Assert.Contains(",Chloé Ünal,,Invoice ", row);
        Assert.EndsWith(",Recorded by hand,240.00,EUR,,Received,n/a,Überweisung 7,", row);
    }

    [Fact]
    public async Task Cells_that_look_like_formulas_are_written_as_text()
    {
        await PaidInvoiceAsync("=HYPERLINK(\"https://evil.example\",\"click\")", "+49 30 1234");
        await PaidInvoiceAsync("@SUM(A1:A9)", "-2+3");

        var lines = Lines((await GetAsync()).Bytes);

        Assert.Contains(lines, l => l.Contains(",\"'=HYPERLINK(\"\"https://evil.example\"\",\"\"click\"\")\","));
        Assert.Contains(lines, l => l.Contains(",'+49 30 1234,"));
        Assert.Contains(lines, l => l.Contains(",'@SUM(A1:A9),"));
        Assert.Contains(lines, l => l.Contains(",'-2+3,"));
        Assert.DoesNotContain(lines[1..], l => l.Split(',').Any(cell => cell.Length > 0 && "=+-@".Contains(cell[0])));
    }

    [Fact]
    public async Task The_download_holds_only_the_rows_the_filters_let_through()
    {
        await PaidInvoiceAsync("Ada Keller", "Bank 1");
        await PaidInvoiceAsync("Bruno Bauer", "ch_1", failedAtStripe: true);
        await PaidInvoiceAsync("Ada Lovelace", "Bank 2");

        var failed = Lines((await GetAsync("?status=failed&provider=stripe")).Bytes);
        var ada = Lines((await GetAsync("?member=ada")).Bytes);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var tomorrowOn = Lines((await GetAsync($"?from={today.AddDays(2):yyyy-MM-dd}")).Bytes);

        Assert.Contains("Bruno Bauer", Assert.Single(failed[1..]));
        Assert.Equal(2, ada.Length - 1);
        Assert.All(ada[1..], l => Assert.Contains("Ada ", l));
        Assert.Single(tomorrowOn);   // the header alone
    }

    [Fact]
    public async Task Each_row_says_whether_it_was_test_or_live_money()
    {
        await PaidInvoiceAsync("Ada Keller", "Bank 1");
        var draft = BillingTestData.CobotExample(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(14));
        var recorder = app.Get<PaymentRecorder>();
        (await recorder.RecordPaymentAsync((await app.Services.CreateInvoiceAsync(draft)).Id, 240m, "EUR", PaymentProviders.Stripe, "pi_test1", "stripe", isTest: true)).Ok();
        (await recorder.RecordPaymentAsync((await app.Services.CreateInvoiceAsync(draft)).Id, 240m, "EUR", PaymentProviders.Stripe, "pi_live1", "stripe", isTest: false)).Ok();

        var lines = Lines((await GetAsync()).Bytes);

        Assert.Contains(",n/a,Bank 1", Assert.Single(lines, l => l.Contains("Bank 1")));
        Assert.Contains(",Test,pi_test1", Assert.Single(lines, l => l.Contains("pi_test1")));
        Assert.Contains(",Live,pi_live1", Assert.Single(lines, l => l.Contains("pi_live1")));
    }

    [Theory]
    [InlineData("a reversed date range", "?from=2026-03-12&to=2026-03-01", "to")]
    [InlineData("a date that is not one", "?from=yesterday", "from")]
    [InlineData("an unknown status", "?status=stolen", "status")]
    [InlineData("an unknown provider", "?provider=bitcoin", "provider")]
    [InlineData("a 101-character member search", "?member=" + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "member")]
    public async Task Filters_that_cannot_be_used_answer_400_JSON_at_the_field(string tried, string query, string field)
    {
        var (response, bytes) = await GetAsync(query);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{tried}: {(int)response.StatusCode}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonDocument.Parse(bytes).RootElement.GetProperty("errors");
        Assert.Equal([field], errors.EnumerateObject().Select(p => p.Name));
    }
}
