using EasySpace.Core.Events;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using EasySpace.Core.Identity;
using EasySpace.Core.Space.Community;
using EasySpace.Core.Space.Guests;
using EasySpace.Core.Space.Invoices;
using EasySpace.Core.Space.Passes;
using EasySpace.Core.Space.Payments;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Api;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;
using EasySpace.Tests.Core.Events;

namespace EasySpace.Tests.Core.Space;

/// <summary>
/// Every event of the billing and community slice, raised by its real action, reaches a subscribed endpoint exactly once,
/// and the URL in its payload reads back through the API as the very object the payload carried.
/// </summary>
public class BillingEventsTests(ApiFixture app) : IClassFixture<ApiFixture>
{
    private const string Actor = AppHost.OwnerEmail;
    private static int references;

    /// <summary>How to cause an event: what must exist first (raising other events), then the action that raises it.</summary>
    public sealed record Scenario(string Scope, Func<ApiFixture, Task<long>> Prepare, Func<ApiFixture, long, Task> Act, bool Deleted = false);

    private static DateOnly Soon => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(14);

    internal static InvoiceDraft Invoice() => BillingTestData.CobotExample(Soon);

    private static async Task<long> NewInvoiceAsync(ApiFixture app) => (await app.Services.CreateInvoiceAsync(Invoice())).Id;

    private static async Task<long> PaidInvoicePaymentAsync(ApiFixture app) =>
        (await app.Get<PaymentRecorder>().RecordPaymentAsync(await NewInvoiceAsync(app), 240, "EUR", PaymentProviders.Manual, null, Actor)).Ok().Id;

    private static async Task SetEInvoicingAsync(ApiFixture app, bool on) =>
        (await app.Get<InvoiceService>().SaveSettingsAsync(new InvoiceSettingsDraft { EInvoicingEnabled = on }, Actor)).Ok();

    internal static CommunityEventDraft Meetup() => new()
    {
        Title = "Meetup",
        Starts = DateTime.UtcNow.Date.AddDays(7).AddHours(18),
        Ends = DateTime.UtcNow.Date.AddDays(7).AddHours(20),
        Capacity = 10,
    };

    private static async Task<long> DraftEventAsync(ApiFixture app) => (await app.Get<CommunityService>().CreateDraftAsync(Meetup(), Actor)).Ok().Id;

    private static async Task<long> PublishedEventAsync(ApiFixture app) =>
        (await app.Get<CommunityService>().PublishAsync(await DraftEventAsync(app), Actor)).Ok().Id;

    private static readonly Func<ApiFixture, Task<long>> Nothing = _ => Task.FromResult(0L);

    private static readonly Dictionary<string, Scenario> Scenarios = new()
    {
        ["created_invoice"] = new(ApiScopes.ReadInvoices, Nothing, (app, _) => NewInvoiceAsync(app)),
        ["updated_invoice"] = new(ApiScopes.ReadInvoices, NewInvoiceAsync, async (app, id) => (await app.Get<InvoiceService>().MarkPaidAsync(id, Actor)).Ok()),
        ["sent_invoice"] = new(ApiScopes.ReadInvoices, async app => { await SetEInvoicingAsync(app, false); return await NewInvoiceAsync(app); },
            async (app, id) => (await app.Get<InvoiceService>().SendAsync(id, Actor)).Ok()),
        ["wrote_off_invoice"] = new(ApiScopes.ReadInvoices, NewInvoiceAsync, async (app, id) => (await app.Get<InvoiceService>().WriteOffAsync(id, Actor)).Ok()),
        ["requested_e_invoice"] = new(ApiScopes.ReadInvoices, async app => { await SetEInvoicingAsync(app, true); return await NewInvoiceAsync(app); },
            async (app, id) =>
            {
                try { Assert.True((await app.Get<InvoiceService>().SendAsync(id, Actor)).Ok().AwaitsEInvoice); }
                finally { await SetEInvoicingAsync(app, false); }
            }),
        ["deleted_invoice"] = new(ApiScopes.ReadInvoices, NewInvoiceAsync, async (app, id) => (await app.Get<InvoiceService>().DeleteAsync(id, Actor)).Ok(), Deleted: true),
        ["created_payment"] = new(ApiScopes.ReadPayments, NewInvoiceAsync,
            async (app, id) => (await app.Get<PaymentRecorder>().RecordPaymentAsync(id, 100, "EUR", PaymentProviders.Manual, "cash", Actor)).Ok()),
        ["failed_payment"] = new(ApiScopes.ReadPayments, NewInvoiceAsync,
            async (app, id) => (await app.Get<PaymentRecorder>().RecordFailureAsync(id, 240, "EUR", PaymentProviders.Stripe, $"ch_{Interlocked.Increment(ref references)}", "card_declined", "stripe")).Ok()),
        ["refunded_payment"] = new(ApiScopes.ReadPayments, PaidInvoicePaymentAsync,
            async (app, paymentId) => (await app.Get<PaymentRecorder>().RecordRefundAsync(paymentId, 40, null, Actor)).Ok()),
        ["updated_payment_subscription"] = new(ApiScopes.ReadPayments, Nothing,
            async (app, _) => (await app.Get<PaymentRecorder>().RecordSubscriptionChangeAsync(
                new PaymentSubscriptionChange(7, PaymentProviders.Stripe, $"sub_{Interlocked.Increment(ref references)}", "active", 240, "EUR", "month"), "stripe")).Ok()),
        ["created_drop_in_pass"] = new(ApiScopes.Read, Nothing, async (app, _) => (await app.Get<DropInPassService>().SellAsync(new DropInPassDraft
            { Name = "Vera Visitor", Email = "vera@example.com", Date = Soon, Price = 25 }, Actor)).Ok()),
        ["created_guest_account"] = new(ApiScopes.Read, Nothing, async (app, _) =>
            (await app.Get<GuestAccountService>().AddAsync(new GuestAccountDraft { Name = "Gus", ValidUntil = Soon }, Actor)).Ok()),
        ["deleted_guest_account"] = new(ApiScopes.Read,
            async app => (await app.Get<GuestAccountService>().AddAsync(new GuestAccountDraft { Name = "Gus", ValidUntil = Soon }, Actor)).Ok().Account.Id,
            async (app, id) => (await app.Get<GuestAccountService>().RemoveAsync(id, Actor)).Ok(), Deleted: true),
        ["published_event"] = new(ApiScopes.Read, DraftEventAsync, async (app, id) => (await app.Get<CommunityService>().PublishAsync(id, Actor)).Ok()),
        ["created_event_attendance"] = new(ApiScopes.Read, PublishedEventAsync, async (app, id) =>
            (await app.Get<CommunityService>().RegisterAsync(id, new AttendeeDraft { Name = "Ann", Email = $"ann{Interlocked.Increment(ref references)}@example.com" }, Actor)).Ok()),
    };

    public static TheoryData<string> Events => [.. Scenarios.Keys];

    [Fact]
    public void The_slice_covers_every_payments_and_space_event_it_owns()
    {
        string[] owned = ["created_invoice", "updated_invoice", "sent_invoice", "wrote_off_invoice", "requested_e_invoice", "deleted_invoice",
            "created_payment", "failed_payment", "refunded_payment", "updated_payment_subscription", "created_guest_account", "deleted_guest_account",
            "created_drop_in_pass", "published_event", "created_event_attendance"];
        Assert.Equal(owned.Order(), Scenarios.Keys.Order());
        Assert.All(owned, e => Assert.NotNull(EasySpace.Core.Events.EventCatalogue.Find(e)));
    }

    [Theory]
    [MemberData(nameof(Events))]
    public async Task The_event_reaches_a_subscribed_endpoint_once_and_its_url_reads_back_as_the_object_it_carried(string eventName)
    {
        var scenario = Scenarios[eventName];
        await using var receiver = await Receiver.StartAsync();
        var state = await scenario.Prepare(app);
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, [eventName])).Endpoint;

        await scenario.Act(app, state);

        var request = await receiver.NextAsync();
        await app.PumpAsync();
        Assert.Single(await app.DeliveriesAsync(endpoint.Id));
        Assert.Single(receiver.Received);
        Assert.Equal(eventName, request.Header("X-EasySpace-Event"));
        var url = request.Json.GetProperty("url").GetString()!;
        var data = JsonNode.Parse(request.Json.GetProperty("data").GetRawText())!;
        Assert.Equal(url, data["url"]!.GetValue<string>());
        Assert.StartsWith($"{app.BaseAddress.ToString().TrimEnd('/')}/api/", url);

        var reader = app.ApiClient(await app.CreateTokenAsync(AppHost.OwnerEmail, scenario.Scope));
        var response = await reader.GetAsync(url);
        if (scenario.Deleted)
        {
            // A deleted object can't be read any more: that is why its last state travels with the event.
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal(data["id"]!.GetValue<string>(), url[(url.LastIndexOf('/') + 1)..]);
        }
        else
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var read = JsonNode.Parse(await response.Content.ReadAsStringAsync());
            Assert.True(JsonNode.DeepEquals(data, read), $"payload data {data.ToJsonString()}\n     API read {read?.ToJsonString()}");
        }
        await PayloadSchemas.AssertSentBodiesMatchAsync(app.Services);
    }

    [Fact]
    public async Task Deleted_invoice_sends_the_last_state_in_the_shape_of_Cobots_example()
    {
        await using var receiver = await Receiver.StartAsync();
        await app.CreateEndpointAsync(receiver.Url, ["deleted_invoice"], PayloadFormat.Thin);
        var id = await NewInvoiceAsync(app);
        (await app.Get<InvoiceService>().DeleteAsync(id, Actor)).Ok();

        var body = (await receiver.NextAsync()).Json;

        // Cobot's example: the invoice's own fields at the top level, its url among them; no "invoice" wrapper.
        var invoice = body;
        Assert.Equal(["created_at", "paid_at", "charge_at", "due_date", "currency", "id", "membership_id", "address", "space_address", "invoice_text",
            "tax_name", "tax_rate", "tax_id_name", "tax_id", "invoice_number", "formatted_invoice_number", "customer_number", "items", "total_amount",
            "total_amount_without_taxes", "payable_amount", "total_paid_amount", "tax_amounts", "url", "paid", "sent", "sent_status", "paid_status"],
            invoice.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["name", "full_address", "company", "country"], invoice.GetProperty("address").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["name", "address", "company", "country"], invoice.GetProperty("space_address").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["id", "paid", "amount", "description", "quantity", "tax_rate", "accounting_code"], invoice.GetProperty("items")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(("240.0", "200.0", "240.0", "0.0"), (invoice.GetProperty("total_amount").GetString(), invoice.GetProperty("total_amount_without_taxes").GetString(),
            invoice.GetProperty("payable_amount").GetString(), invoice.GetProperty("total_paid_amount").GetString()));
        Assert.Equal("{\"20.0\":\"40.0\"}", invoice.GetProperty("tax_amounts").GetRawText());
        Assert.Equal(("unsent", "unpaid", JsonValueKind.Null), (invoice.GetProperty("sent_status").GetString(), invoice.GetProperty("paid_status").GetString(), invoice.GetProperty("paid_at").ValueKind));
        Assert.Equal(("80.0", "2.0", "20.0", "FlexPlan"), (invoice.GetProperty("items")[0].GetProperty("amount").GetString(), invoice.GetProperty("items")[0].GetProperty("quantity").GetString(),
            invoice.GetProperty("items")[0].GetProperty("tax_rate").GetString(), invoice.GetProperty("items")[0].GetProperty("accounting_code").GetString()));
        Assert.Equal(id.ToString(), invoice.GetProperty("id").GetString());
        Assert.Matches($@"^https?://[^/]+/api/invoices/{id}$", invoice.GetProperty("url").GetString());
        Assert.Matches(@"^\d{4}-\d{4}$", invoice.GetProperty("formatted_invoice_number").GetString());
        Assert.Matches(@"^\d{4}/\d{2}/\d{2}$", invoice.GetProperty("due_date").GetString());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", invoice.GetProperty("created_at").GetString());
    }

    [Fact]
    public async Task A_payment_that_completes_an_invoice_sends_created_payment_then_updated_invoice()
    {
        await using var receiver = await Receiver.StartAsync();
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, ["created_payment", "updated_invoice"])).Endpoint;
        var id = await NewInvoiceAsync(app);

        (await app.Get<PaymentRecorder>().RecordPaymentAsync(id, 240, "EUR", PaymentProviders.Manual, null, Actor)).Ok();

        var first = await receiver.NextAsync();
        var second = await receiver.NextAsync();
        await app.PumpAsync();
        // Raised in this order, in one transaction: the deliveries' order says so.
        Assert.Equal(["created_payment", "updated_invoice"], (await app.DeliveriesAsync(endpoint.Id)).Select(d => d.EventName));
        var invoice = new[] { first, second }.Single(r => r.Header("X-EasySpace-Event") == "updated_invoice").Json.GetProperty("data");
        Assert.Equal(("paid", "240.0"), (invoice.GetProperty("paid_status").GetString(), invoice.GetProperty("total_paid_amount").GetString()));
    }

    [Fact]
    public async Task Refused_actions_deliver_nothing()
    {
        await using var receiver = await Receiver.StartAsync();
        string[] events = ["created_invoice", "updated_invoice", "created_payment", "refunded_payment", "created_event_attendance", "created_guest_account",
            "created_drop_in_pass", "published_event", "deleted_invoice", "sent_invoice"];
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, events)).Endpoint;
        var before = (await app.DeliveriesAsync(endpoint.Id)).Count;

        var bad = Invoice();
        bad.Items[0].Quantity = -1;
        Assert.False((await app.Get<InvoiceService>().CreateAsync(bad, Actor)).Succeeded);
        Assert.False((await app.Get<InvoiceService>().UpdateAsync(987654, Invoice(), Actor)).Succeeded);
        Assert.False((await app.Get<InvoiceService>().SendAsync(987654, Actor)).Succeeded);
        Assert.False((await app.Get<PaymentRecorder>().RecordPaymentAsync(987654, 10, "EUR", PaymentProviders.Manual, null, Actor)).Succeeded);
        Assert.False((await app.Get<PaymentRecorder>().RecordRefundAsync(987654, 10, null, Actor)).Succeeded);
        Assert.False((await app.Get<GuestAccountService>().AddAsync(new GuestAccountDraft { Name = "" }, Actor)).Succeeded);
        Assert.False((await app.Get<DropInPassService>().SellAsync(new DropInPassDraft { Name = "V", Email = "v@example.com", Date = Soon, Price = -1 }, Actor)).Succeeded);
        Assert.False((await app.Get<CommunityService>().PublishAsync(987654, Actor)).Succeeded);
        var draft = Meetup();
        draft.Capacity = 1;
        var full = (await app.Get<CommunityService>().PublishAsync((await app.Get<CommunityService>().CreateDraftAsync(draft, Actor)).Ok().Id, Actor)).Ok();
        await receiver.NextAsync();          // published_event, the one real action here
        (await app.Get<CommunityService>().RegisterAsync(full.Id, new AttendeeDraft { Name = "Ann", Email = "ann-only@example.com" }, Actor)).Ok();
        await receiver.NextAsync();          // created_event_attendance
        Assert.Contains("full", (await app.Get<CommunityService>().RegisterAsync(full.Id, new AttendeeDraft { Name = "Bob", Email = "bob-late@example.com" }, Actor)).Errors.For(""));
        await app.PumpAsync();

        Assert.Equal(before + 2, (await app.DeliveriesAsync(endpoint.Id)).Count);
        Assert.Equal(2, receiver.Received.Count);
        Assert.True(receiver.NothingMore);
    }
}
