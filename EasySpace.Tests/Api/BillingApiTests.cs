using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EasySpace.Core.Identity;
using EasySpace.Core.Space.Community;
using EasySpace.Core.Space.Guests;
using EasySpace.Core.Space.Invoices;
using EasySpace.Core.Space.Passes;
using EasySpace.Core.Space.Payments;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Api;

public class BillingApiTests(ApiFixture app) : IClassFixture<ApiFixture>
{
    private const string Actor = AppHost.OwnerEmail;

    private async Task<HttpClient> OwnerAsync(params string[] scopes) => app.ApiClient(await app.CreateTokenAsync(AppHost.OwnerEmail, scopes));

    private Task<Invoice> NewInvoiceAsync() => app.Services.CreateInvoiceAsync(BillingEventsTests.Invoice());

    [Fact]
    public async Task The_list_pages_newest_first_and_counts_all_in_X_Total_Count()
    {
        for (var i = 0; i < 3; i++) await NewInvoiceAsync();
        var client = await OwnerAsync(ApiScopes.ReadInvoices);

        var all = await client.GetAsync("/api/invoices?per_page=200");
        var firstTwo = await client.GetAsync("/api/invoices?page=1&per_page=2");
        var secondTwo = await client.GetFromJsonAsync<JsonElement>("/api/invoices?page=2&per_page=2");

        var total = int.Parse(all.Headers.GetValues("X-Total-Count").Single());
        var allIds = (await all.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(i => long.Parse(i.GetProperty("id").GetString()!)).ToList();
        Assert.True(total >= 3);
        Assert.Equal(total, allIds.Count);
        Assert.Equal(allIds.OrderDescending(), allIds);
        var pageIds = (await firstTwo.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Concat(secondTwo.EnumerateArray())
            .Select(i => long.Parse(i.GetProperty("id").GetString()!));
        Assert.Equal(allIds.Take(4), pageIds);
        Assert.Equal(total.ToString(), firstTwo.Headers.GetValues("X-Total-Count").Single());
    }

    [Theory]
    [InlineData("draft", "unsent", "unpaid")]
    [InlineData("sent", "sent", "unpaid")]
    [InlineData("paid", null, "paid")]
    [InlineData("written_off", null, "written_off")]
    public async Task The_status_filter_returns_only_invoices_in_that_state(string status, string? sentStatus, string paidStatus)
    {
        var invoices = app.Get<InvoiceService>();
        var draft = await NewInvoiceAsync();
        var sent = await NewInvoiceAsync();
        (await invoices.SendAsync(sent.Id, Actor)).Ok();
        var paid = await NewInvoiceAsync();
        (await invoices.MarkPaidAsync(paid.Id, Actor)).Ok();
        var writtenOff = await NewInvoiceAsync();
        (await invoices.WriteOffAsync(writtenOff.Id, Actor)).Ok();
        var expected = status switch { "draft" => draft, "sent" => sent, "paid" => paid, _ => writtenOff };

        var list = await (await OwnerAsync(ApiScopes.ReadInvoices)).GetFromJsonAsync<JsonElement>($"/api/invoices?status={status}&per_page=200");

        Assert.Contains(list.EnumerateArray(), i => i.GetProperty("id").GetString() == expected.Id.ToString());
        Assert.All(list.EnumerateArray(), i =>
        {
            Assert.Equal(paidStatus, i.GetProperty("paid_status").GetString());
            if (sentStatus is not null) Assert.Equal(sentStatus, i.GetProperty("sent_status").GetString());
        });
    }

    [Theory]
    [InlineData("an unknown status", "status=overdue", "status", "draft, sent, paid, written_off")]
    [InlineData("a status in capitals", "status=PAID", "status", "draft, sent, paid, written_off")]
    [InlineData("an empty status", "status=", "status", "draft, sent, paid, written_off")]
    public async Task A_bad_status_answers_400_with_the_field_that_is_wrong(string tried, string query, string field, string message)
    {
        var response = await (await OwnerAsync(ApiScopes.ReadInvoices)).GetAsync($"/api/invoices?{query}");

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{tried}: {response.StatusCode}");
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains(message, errors.GetProperty(field)[0].GetString());
    }

    [Theory]
    [InlineData("/api/invoices/")]
    [InlineData("/api/payments/")]
    [InlineData("/api/drop_in_passes/")]
    [InlineData("/api/guest_accounts/")]
    [InlineData("/api/events/")]
    [InlineData("/api/event_attendances/")]
    public async Task Unknown_and_malformed_ids_answer_404_JSON(string collection)
    {
        var client = await OwnerAsync(ApiScopes.Read);

        foreach (var id in new[] { "987654321", "0", "-1", "abc", "1.0", "%20", "99999999999999999999999", "sub_1", "%3Cscript%3E" })
        {
            var response = await client.GetAsync(collection + id);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{collection}{id}: {response.StatusCode}");
            Assert.Equal("not found", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        }
    }

    [Fact]
    public async Task Each_read_needs_its_scope_and_read_grants_them_all()
    {
        var invoice = await NewInvoiceAsync();
        var payment = (await app.Get<PaymentRecorder>().RecordPaymentAsync(invoice.Id, 10, "EUR", PaymentProviders.Manual, null, Actor)).Ok();
        var guest = (await app.Get<GuestAccountService>().AddAsync(new GuestAccountDraft { Name = "Gus", ValidUntil = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(3) }, Actor)).Ok();
        var bookingsOnly = await OwnerAsync(ApiScopes.ReadBookings);
        var invoicesOnly = await OwnerAsync(ApiScopes.ReadInvoices);
        var read = await OwnerAsync(ApiScopes.Read);

        Assert.Equal(HttpStatusCode.Forbidden, (await bookingsOnly.GetAsync($"/api/invoices/{invoice.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bookingsOnly.GetAsync("/api/invoices")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await invoicesOnly.GetAsync($"/api/payments/{payment.Id}")).StatusCode);
        var noRead = await invoicesOnly.GetAsync($"/api/guest_accounts/{guest.Account.Id}");
        Assert.Equal(HttpStatusCode.Forbidden, noRead.StatusCode);
        Assert.Equal("This token lacks the read_guest_accounts scope.", (await noRead.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, (await invoicesOnly.GetAsync($"/api/invoices/{invoice.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await read.GetAsync($"/api/invoices/{invoice.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await read.GetAsync($"/api/payments/{payment.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await read.GetAsync($"/api/guest_accounts/{guest.Account.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.ApiClient().GetAsync($"/api/invoices/{invoice.Id}")).StatusCode);
    }

    [Fact]
    public async Task Members_read_no_one_elses_billing_data_but_may_read_published_events()
    {
        var invoice = await NewInvoiceAsync();
        var community = app.Get<CommunityService>();
        var draft = (await community.CreateDraftAsync(BillingEventsTests.Meetup(), Actor)).Ok();
        var published = (await community.PublishAsync((await community.CreateDraftAsync(BillingEventsTests.Meetup(), Actor)).Ok().Id, Actor)).Ok();
        var attendance = (await community.RegisterAsync(published.Id, new AttendeeDraft { Name = "Ann", Email = "ann-api@example.com" }, Actor)).Ok();
        var member = app.ApiClient(await app.CreateTokenAsync(ApiFixture.MemberEmail, ApiScopes.Read));
        var admin = app.ApiClient(await app.CreateTokenAsync(ApiFixture.AdminEmail, ApiScopes.Read));

        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync($"/api/invoices/{invoice.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/api/invoices")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync($"/api/event_attendances/{attendance.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync($"/api/events/{published.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await member.GetAsync($"/api/events/{draft.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/events/{draft.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/invoices/{invoice.Id}")).StatusCode);
        var shown = await admin.GetFromJsonAsync<JsonElement>($"/api/event_attendances/{attendance.Id}");
        Assert.Equal(($"{app.BaseAddress.ToString().TrimEnd('/')}/api/events/{published.Id}", "ann-api@example.com"),
            (shown.GetProperty("event_url").GetString(), shown.GetProperty("email").GetString()));
    }

    [Fact]
    public async Task A_guest_account_is_never_read_with_its_password()
    {
        var created = (await app.Get<GuestAccountService>().AddAsync(
            new GuestAccountDraft { Name = "Gus", Email = "gus@example.com", ValidUntil = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1) }, Actor)).Ok();

        var text = await (await OwnerAsync(ApiScopes.Read)).GetStringAsync($"/api/guest_accounts/{created.Account.Id}");

        var json = JsonDocument.Parse(text).RootElement;
        Assert.Equal(["id", "name", "email", "username", "valid_until", "created_at", "url"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(created.Account.Username, json.GetProperty("username").GetString());
        Assert.DoesNotContain(created.Password, text);
    }

    [Fact]
    public async Task A_drop_in_pass_reads_with_its_day_and_price()
    {
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(2);
        var pass = (await app.Get<DropInPassService>().SellAsync(new DropInPassDraft { Name = "Vera", Email = "vera@example.com", Date = day, Price = 19.5m }, Actor)).Ok();

        var json = await (await OwnerAsync(ApiScopes.Read)).GetFromJsonAsync<JsonElement>($"/api/drop_in_passes/{pass.Id}");

        Assert.Equal((day.ToString("yyyy/MM/dd"), "19.5", "EUR", "Vera"), (json.GetProperty("valid_on").GetString(), json.GetProperty("price").GetString(),
            json.GetProperty("currency").GetString(), json.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task The_attached_e_invoice_downloads_as_it_was_attached()
    {
        var invoice = await NewInvoiceAsync();
        var client = await OwnerAsync(ApiScopes.ReadInvoices);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/invoices/{invoice.Id}/e_invoice")).StatusCode);
        var xml = "<?xml version=\"1.0\"?><Invoice>x</Invoice>"u8.ToArray();
        (await app.Get<InvoiceService>().AttachEInvoiceAsync(invoice.Id, "e-invoice.xml", new MemoryStream(xml), Actor)).Ok();

        var response = await client.GetAsync($"/api/invoices/{invoice.Id}/e_invoice");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("e-invoice.xml", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal(xml, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_billing_reads_with_their_scopes()
    {
        using var json = JsonDocument.Parse(await app.NewClient().GetStringAsync("/openapi/v1.json"));
        var paths = json.RootElement.GetProperty("paths");

        foreach (var (path, scope) in new[]
                 {
                     ("/api/invoices", "read_invoices"), ("/api/invoices/{id}", "read_invoices"), ("/api/payments/{id}", "read_payments"),
                     ("/api/drop_in_passes/{id}", "read_drop_in_passes"), ("/api/guest_accounts/{id}", "read_guest_accounts"), ("/api/events/{id}", "read_events"),
                     ("/api/event_attendances/{id}", "read_event_attendances"),
                 })
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is not described");
            Assert.Equal(scope, item.GetProperty("get").GetProperty("security")[0].GetProperty("Bearer")[0].GetString());
        }
    }
}
