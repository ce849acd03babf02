using System.Net;
using System.Text;
using EasySpace.Core.Identity;
using EasySpace.Core.Space;
using EasySpace.Core.Space.Bookings;
using EasySpace.Core.Space.CheckIns;
using EasySpace.Core.Space.Invoices;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Api;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Reliability;

/// <summary>Private networks are NOT allowed here, as in production.</summary>
public sealed class HostileFixture : ApiFixture
{
    public HostileFixture() => With("Webhooks:AllowPrivateNetworks", "false");
}

/// <summary>
/// Hostile input against the API and every form's service, each row with the answer it must get. Later features add
/// their rows here. "422 callback_url" means: refused with a field error on callback_url, nothing saved.
/// </summary>
public class HostileInputTests(HostileFixture app) : IClassFixture<HostileFixture>
{
    private static readonly string Long3000 = "https://crm.example.com/" + new string('a', 3000);
    private const string Script = "<script>alert(1)</script>";

    public static TheoryData<string, string, string> ApiRows => new()
    {
        // tried                                 body                                                                                     answer
        { "a 3,000-character callback_url",       $$"""{"event":"created_booking","callback_url":"{{Long3000}}"}""",                       "422 callback_url" },
        { "a script tag as the event",            $$"""{"event":"{{Script}}","callback_url":"https://crm.example.com/a"}""",              "422 event" },
        { "control characters in the event",      """{"event":"created_\u0000booking","callback_url":"https://crm.example.com/a"}""",     "422 event" },
        { "CRLF in the callback_url",             """{"event":"created_booking","callback_url":"https://crm.example.com/a\r\nX-Injected: 1"}""", "422 callback_url" },
        { "the cloud metadata address",           """{"event":"created_booking","callback_url":"http://169.254.169.254/latest/meta-data/"}""", "422 callback_url" },
        { "a private address",                    """{"event":"created_booking","callback_url":"http://10.0.0.5/hook"}""",                 "422 callback_url" },
        { "loopback by IPv6",                     """{"event":"created_booking","callback_url":"http://[::1]:8080/hook"}""",               "422 callback_url" },
        { "an IPv4-mapped private address",       """{"event":"created_booking","callback_url":"http://[::ffff:192.168.1.1]/"}""",         "422 callback_url" },
        { "localhost by name",                    """{"event":"created_booking","callback_url":"http://localhost/hook"}""",                "422 callback_url" },
        { "a file: URL",                          """{"event":"created_booking","callback_url":"file:///etc/passwd"}""",                   "422 callback_url" },
        { "a data: URL",                          """{"event":"created_booking","callback_url":"data:text/html,hi"}""",                    "422 callback_url" },
        { "an emoji event",                       """{"event":"🎉","callback_url":"https://crm.example.com/a"}""",                          "422 event" },
        { "a huge lead_time",                     """{"event":"booking_will_begin","callback_url":"https://crm.example.com/a","filters":{"lead_time":99999999999}}""", "422 filters" },
        { "a negative lead_time",                 """{"event":"booking_will_begin","callback_url":"https://crm.example.com/a","filters":{"lead_time":-5}}""", "422 filters" },
        { "a 10,000-entry fields filter",         """{"event":"updated_custom_field","callback_url":"https://crm.example.com/a","filters":{"fields":[""" + string.Join(",", Enumerable.Repeat("\"f\"", 10000)) + "]}}", "413" },
        { "invalid JSON",                         """{"event": "created_booking", """,                                                   "400" },
        { "JSON null",                            "null",                                                                                  "400" },
        { "deeply nested JSON",                   new string('[', 5000) + new string(']', 5000),                                         "400" },
        { "a right-to-left override in the host", """{"event":"created_booking","callback_url":"https://crm\u202Eexample.com/a"}""",   "422 callback_url" },
        { "a zero-width space in the host",       """{"event":"created_booking","callback_url":"https://crm\u200B.example.com/a"}""",  "422 callback_url" },
        { "an IDN host hiding an override",       """{"event":"created_booking","callback_url":"https://xn--crmexample-726e.com/a"}""", "422 callback_url" },
        { "an IDN host hiding a zero-width space", """{"event":"created_booking","callback_url":"https://xn--crmexample-7r6e.com/a"}""", "422 callback_url" },
        { "a lone surrogate in the callback_url", """{"event":"created_booking","callback_url":"https://crm.example.com/\ud800"}""",      "400" },
        { "a lone low surrogate in an unknown field", """{"event":"created_booking","callback_url":"https://crm.example.com/a","pad":"\udc00"}""", "400" },
        { "a lone surrogate in a property name",  """{"event":"created_booking","callback_url":"https://crm.example.com/a","\ud800":1}""", "400" },
        { "a lone surrogate in a filter",         """{"event":"created_booking","callback_url":"https://crm.example.com/a","filters":{"resource_id":"\ud800"}}""", "400" },
        { "a NUL in the event",                   """{"event":"\u0000","callback_url":"https://crm.example.com/a"}""",                   "422 event" },
    };

    [Theory]
    [MemberData(nameof(ApiRows))]
    public Task The_subscriptions_API_refuses_hostile_bodies_clearly(string tried, string body, string answer) =>
        AssertRefusedAsync(tried, new StringContent(body, Encoding.UTF8, "application/json"), answer);

    /// <summary>Posts <paramref name="body"/>; the answer is <paramref name="answer"/> ("422 event": 422 with errors under event only), as JSON, and nothing is saved.</summary>
    private async Task AssertRefusedAsync(string tried, HttpContent body, string answer)
    {
        var client = app.ApiClient(await app.CreateTokenAsync(AppHost.OwnerEmail, ApiScopes.ReadSubscriptions, ApiScopes.WriteSubscriptions));
        var before = await client.GetStringAsync("/api/subscriptions");

        // Expect: 100-continue, as curl sends for a large body: Kestrel refuses a body over the limit before asking for
        // it, so the client never writes into a connection the server closed after its 413 (a broken pipe under load).
        var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/subscriptions") { Content = body, Headers = { ExpectContinue = true } });
        var text = await response.Content.ReadAsStringAsync();

        var expectedStatus = int.Parse(answer.Split(' ')[0]);
        Assert.True(expectedStatus == (int)response.StatusCode, $"{tried}: got {(int)response.StatusCode} {text}");
        // The field that caused it, and no other.
        if (answer.Split(' ') is [_, var field])
            Assert.True(System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name).SequenceEqual([field]), $"{tried}: {text}");
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        Assert.DoesNotContain("<script>", text);
        Assert.Equal(before, await client.GetStringAsync("/api/subscriptions"));
    }

    [Theory]
    [InlineData("text/plain", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/xml", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("multipart/form-data; boundary=x", HttpStatusCode.BadRequest)] // a form, but not a readable one
    public async Task The_subscriptions_API_refuses_wrong_content_types(string contentType, HttpStatusCode expected)
    {
        var client = app.ApiClient(await app.CreateTokenAsync(AppHost.OwnerEmail, ApiScopes.WriteSubscriptions));
        var content = new StringContent("""{"event":"created_booking","callback_url":"https://crm.example.com/a"}""");
        content.Headers.Remove("Content-Type");
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        Assert.Equal(expected, (await client.PostAsync("/api/subscriptions", content)).StatusCode);
    }

    [Theory]
    [InlineData("invalid UTF-8 in a string", "7B226576656E74223A22FF227D")]                 // {"event":"\xFF"}
    [InlineData("an overlong encoding of a quote", "7B226576656E74223A22C0A2227D")]         // {"event":"\xC0\xA2"}
    [InlineData("a surrogate encoded as UTF-8 bytes", "7B226576656E74223A22EDA080227D")]    // {"event":"\xED\xA0\x80"}
    [InlineData("a truncated sequence", "7B226576656E74223A22E282227D")]                    // {"event":"\xE2\x82"}
    public async Task Bytes_that_are_not_UTF8_answer_400_JSON(string tried, string hex)
    {
        var client = app.ApiClient(await app.CreateTokenAsync(AppHost.OwnerEmail, ApiScopes.WriteSubscriptions));
        var content = new ByteArrayContent(Convert.FromHexString(hex));
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");

        var response = await client.PostAsync("/api/subscriptions", content);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(HttpStatusCode.BadRequest == response.StatusCode, $"{tried}: {(int)response.StatusCode} {text}");
        Assert.Contains("not valid JSON", System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("error").GetString());
    }

    public static TheoryData<string, string, string> FormRows => new()
    {
        // tried                              form-encoded body                                                          answer
        { "a NUL in the event",               "event=created_%00booking&callback_url=https%3A%2F%2Fcrm.example.com%2Fa",  "400" },   // the form reader refuses it
        { "invalid UTF-8 in the event",       "event=%FF&callback_url=https%3A%2F%2Fcrm.example.com%2Fa",               "422 event" },
        { "the event twice",                  "event=created_booking&event=deleted_booking&callback_url=https%3A%2F%2Fcrm.example.com%2Fa", "422 event" },
        { "the metadata address",             "event=created_booking&callback_url=http%3A%2F%2F169.254.169.254%2F",     "422 callback_url" },
        { "a lead_time that is a word",       "event=booking_will_begin&callback_url=https%3A%2F%2Fcrm.example.com%2Fa&filters%5Blead_time%5D=soon", "422 filters" },
        { "an unknown filter",                "event=created_booking&callback_url=https%3A%2F%2Fcrm.example.com%2Fa&filters%5Bcolour%5D=red", "422 filters" },
        { "a 20 KB field",                    "event=created_booking&callback_url=https%3A%2F%2Fcrm.example.com%2Fa&pad=" + new string('x', 20_000), "413" },
        { "no fields at all",                 "",                                                                        "422" },
    };

    [Theory]
    [MemberData(nameof(FormRows))]
    public Task The_subscriptions_API_refuses_hostile_forms_as_it_refuses_JSON(string tried, string body, string answer) =>
        AssertRefusedAsync(tried, new StringContent(body, Encoding.ASCII, "application/x-www-form-urlencoded"), answer);

    [Fact]
    public Task A_20_KB_multipart_field_is_refused_with_413() =>
        AssertRefusedAsync("a 20 KB multipart field", new MultipartFormDataContent
        {
            { new StringContent("created_booking"), "event" },
            { new StringContent("https://crm.example.com/a"), "callback_url" },
            { new StringContent(new string('x', 20_000)), "pad" },
        }, "413");

    [Theory]
    [InlineData("PUT", "/api/subscriptions", "GET, POST")]
    [InlineData("PATCH", "/api/subscriptions/1", "DELETE, GET")]
    [InlineData("DELETE", "/api/subscriptions", "GET, POST")]
    [InlineData("POST", "/api/admins/1", "GET")]
    public async Task A_wrong_method_answers_405_JSON_with_Allow(string method, string path, string allow)
    {
        var client = app.ApiClient(await app.CreateTokenAsync(AppHost.OwnerEmail, ApiScopes.Read, ApiScopes.ReadSubscriptions, ApiScopes.WriteSubscriptions));

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}", Encoding.UTF8, "application/json") });

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(allow, string.Join(", ", response.Content.Headers.Allow));
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        Assert.Contains(method, System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("/api/subscriptions/1%27%20OR%201=1")]
    [InlineData("/api/subscriptions/..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/api/subscriptions/1e999")]
    [InlineData("/api/admins/%3Cscript%3E")]
    [InlineData("/api/admins/x")]
    public async Task Odd_ids_answer_404_json(string path)
    {
        var client = app.ApiClient(await app.CreateTokenAsync(AppHost.OwnerEmail, ApiScopes.Read, ApiScopes.ReadSubscriptions));
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        Assert.DoesNotContain("<script>", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_NUL_in_the_path_is_refused_by_the_server_with_400()
    {
        var client = app.ApiClient(await app.CreateTokenAsync(AppHost.OwnerEmail, ApiScopes.ReadSubscriptions));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/subscriptions/%00")).StatusCode);
    }

    public static TheoryData<string, Action<EndpointDraft>, string> WebhookFormRows => new()
    {
        { "a 3,000-character URL", d => d.Url = Long3000, "Url" },
        { "a script tag as the name", d => d.Name = Script + new string('x', 100), "Name" },
        { "a NUL in the name", d => d.Name = "a\0b", "Name" },
        { "CRLF in a header value", d => d.Headers = [new("X-A", "1\r\nHost: evil")], "Headers" },
        { "a header named Host", d => d.Headers = [new("Host", "evil.example.com")], "Headers" },
        { "21 headers", d => d.Headers = Enumerable.Range(0, 21).Select(i => new CustomHeader($"X-H{i}", "v")).ToList(), "Headers" },
        { "a 9 KB header", d => d.Headers = [new("X-Big", new string('v', 9000))], "Headers" },
        { "the cloud metadata address", d => d.Url = "http://169.254.169.254/", "Url" },
        { "a typed secret too short", d => d.Secret = "whsec_" + Convert.ToBase64String(new byte[8]), "Secret" },
        { "1,000 events", d => d.Events = Enumerable.Range(0, 1000).Select(i => $"e{i}").ToList(), "Events" },
        { "a right-to-left override in the name", d => d.Name = "Invoices \u202Efdp.exe", "Name" },
        { "a zero-width space in the name", d => d.Name = "C\u200BRM", "Name" },
        { "a bidi isolate in the host", d => d.Url = "https://crm\u2066.example.com/hook", "Url" },
        { "an IDN host (punycode) hiding an override", d => d.Url = "https://xn--crmexample-726e.com/hook", "Url" },
    };

    [Theory]
    [MemberData(nameof(WebhookFormRows))]
    public async Task The_webhook_form_refuses_hostile_input_at_the_field(string tried, Action<EndpointDraft> change, string field)
    {
        var draft = new EndpointDraft { Name = "CRM", Url = "https://crm.example.com/hook", Events = ["created_booking"] };
        change(draft);

        var result = await app.Get<EndpointService>().CreateAsync(draft, EndpointOrigin.SettingsUi, WebhookHostExtensions.Owner);

        Assert.False(result.Succeeded, tried);
        Assert.NotNull(result.Errors.For(field));
    }

    public static TheoryData<string, string> DeliveryLogSearchRows => new()
    {
        { "SQL in the webhook-id box", "' OR 1=1 --" },
        { "a LIKE wildcard", "%" },
        { "a script tag", Script },
        { "a NUL and a newline", "msg_\0\n" },
        { "10,000 characters", new string('m', 10_000) },
        { "only spaces", "   " },
    };

    [Theory]
    [MemberData(nameof(DeliveryLogSearchRows))]
    public async Task The_delivery_log_search_treats_hostile_input_as_an_id_that_matches_nothing(string tried, string typed)
    {
        var endpoint = (await app.Get<EndpointService>().CreateAsync(
            new EndpointDraft { Name = "Log", Url = "https://crm.example.com/hook", Events = ["created_booking"] },
            EndpointOrigin.SettingsUi, WebhookHostExtensions.Owner)).Value!.Endpoint;
        await using (var db = await app.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<EasySpace.Core.Data.AppDbContext>>().CreateDbContextAsync())
        {
            await app.Get<EasySpace.Core.Events.EventOutbox>().RaiseAsync(db, "created_booking",
                new EasySpace.Core.Events.EventSubject("b1", "b1", new() { ["url"] = "https://space.example.com/api/bookings/b1" }));
            await db.SaveChangesAsync();
        }
        await app.FanOutAsync();
        var queries = app.Get<WebhookQueries>();

        var found = await queries.DeliveriesAsync(endpoint.Id, new DeliveryFilter(MessageId: typed), 0, 25);

        var expected = string.IsNullOrWhiteSpace(typed) ? 1 : 0; // blank is no filter at all
        Assert.True(found.Total == expected && found.Items.Count == expected, $"{tried}: {found.Total} found");
    }

    public static TheoryData<string, Action<SetupRequest>, string> SetupFormRows => new()
    {
        { "a script tag as the e-mail", r => r.Email = Script, "Email" },
        { "a 300-character e-mail", r => r.Email = new string('a', 290) + "@example.com", "Email" },
        { "a 101-character space name", r => r.SpaceName = new string('s', 101), "SpaceName" },
        { "a tab in the space name", r => r.SpaceName = "Co\tUp", "SpaceName" },
        { "a country of three letters", r => r.Country = "DEU", "Country" },
        { "a time zone that does not exist", r => r.TimeZone = "Mars/Olympus", "TimeZone" },
        { "a javascript: address", r => r.PublicBaseUrl = "javascript:alert(1)", "PublicBaseUrl" },
        { "an address with a query", r => r.PublicBaseUrl = "https://space.example.com/?x=1", "PublicBaseUrl" },
    };

    [Theory]
    [MemberData(nameof(SetupFormRows))]
    public async Task The_setup_form_refuses_hostile_input_at_the_field(string tried, Action<SetupRequest> change, string field)
    {
        var request = new SetupRequest { Email = "x@example.com", Password = AppHost.Password, SpaceName = "S", PublicBaseUrl = "https://space.example.com" };
        change(request);

        var errors = await app.Get<SetupService>().ValidateAsync(request);

        Assert.True(errors.For(field) is not null, $"{tried}: {errors}");
    }

    public static TheoryData<string, Action<SpaceSettings>, string> SpaceSettingsFormRows => new()
    {
        { "a made-up time zone", s => s.TimeZone = "Mars/Olympus", "TimeZone" },
        { "a path as the time zone", s => s.TimeZone = "../../etc", "TimeZone" },
        { "a path as the country", s => s.Country = "../../etc", "Country" },
        { "an emoji currency", s => s.Currency = "💶", "Currency" },
        { "a base URL with user-info", s => s.PublicBaseUrl = "https://admin:secret@space.example.com", "PublicBaseUrl" },
        { "a javascript: base URL", s => s.PublicBaseUrl = "javascript:alert(1)", "PublicBaseUrl" },
        { "a right-to-left override in the name", s => s.Name = "Co\u202EpU", "Name" },
        { "a negative day pass price", s => s.DropInPrice = -1m, "DropInPrice" },
        { "a day pass price in tenths of a cent", s => s.DropInPrice = 9.999m, "DropInPrice" },
        { "the largest decimal as the day pass price", s => s.DropInPrice = decimal.MaxValue, "DropInPrice" },
    };

    [Theory]
    [MemberData(nameof(SpaceSettingsFormRows))]
    public async Task The_space_settings_form_refuses_hostile_input_at_the_field_and_saves_nothing(string tried, Action<SpaceSettings> change, string field)
    {
        var service = app.Get<SpaceSettingsService>();
        var before = (await service.GetAsync())!;
        var settings = (await service.GetAsync())!;
        change(settings);

        var result = await service.SaveAsync(settings, "test");

        Assert.True(result.Errors.For(field) is not null, $"{tried}: {result.Errors}");
        var after = (await service.GetAsync())!;
        Assert.Equal((before.Name, before.Country, before.Currency, before.TimeZone, before.PublicBaseUrl, before.DropInPrice),
            (after.Name, after.Country, after.Currency, after.TimeZone, after.PublicBaseUrl, after.DropInPrice));
    }

    public static TheoryData<string, string> PortalAddressRows => new()
    {
        // tried                                      what a member typed after the address of their own pages
        { "a negative invoice id",                    "/me/invoices/-1" },
        { "an invoice id beyond a long",              "/me/invoices/99999999999999999999" },
        { "a script tag as the invoice id",           "/me/invoices/%3Cscript%3E" },
        { "a script tag as the payment",              "/me/pay/%3Cscript%3Ealert(1)%3C%2Fscript%3E/done" },
        { "SQL as the payment",                       "/me/pay/'%20OR%201=1%20--/canceled" },
        { "a 3,000-character payment id",             "/me/pay/pa_" + new string('a', 3000) + "/done" },
        { "a made-up status in the query string",     "/me/pay/pa_000000000000000000000000/done?status=paid&redirect_status=succeeded" },
    };

    [Theory]
    [MemberData(nameof(PortalAddressRows))]
    public async Task The_members_own_pages_answer_hostile_addresses_with_the_not_found_page(string tried, string path)
    {
        var member = await app.LoggedInClientAsync(ApiFixture.MemberEmail);

        var response = await member.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{tried}: {(int)response.StatusCode}");
        Assert.DoesNotContain("<script>alert", html);
        Assert.DoesNotContain("payment is received", html);
    }

    public static TheoryData<string, EasySpace.Core.Payments.StripeKeys, string> StripeKeyRows => new()
    {
        { "a publishable key as the secret key", StripeKeys("pk_test_abc123"), "SecretKey" },
        { "a secret key as the publishable key", StripeKeys(publishable: "sk_test_abc123"), "PublishableKey" },
        { "a live key in test mode", StripeKeys("rk_live_abc123"), "SecretKey" },
        { "a live publishable key in test mode", StripeKeys(publishable: "pk_live_abc123"), "PublishableKey" },
        { "a test key in live mode", StripeKeys("rk_test_abc123", "pk_live_abc123", live: true), "SecretKey" },
        { "a space inside the key", StripeKeys("rk_test_abc 123"), "SecretKey" },
        { "a newline inside the key", StripeKeys("rk_test_abc\n123"), "SecretKey" },
        { "a zero-width space inside the key", StripeKeys("rk_test_abc\u200B123"), "SecretKey" },
        { "10,000 characters", StripeKeys("rk_test_" + new string('a', 10_000)), "SecretKey" },
        { "a script tag", StripeKeys("rk_test_" + Script), "SecretKey" },
        { "a NUL", StripeKeys("rk_test_abc\0"), "SecretKey" },
        { "only spaces as the publishable key", StripeKeys(publishable: "   "), "PublishableKey" },
    };

    private static EasySpace.Core.Payments.StripeKeys StripeKeys(string secret = "rk_test_abc123", string publishable = "pk_test_abc123", bool live = false) =>
        new() { SecretKey = secret, PublishableKey = publishable, Mode = live ? EasySpace.Core.Payments.ProviderMode.Live : EasySpace.Core.Payments.ProviderMode.Test };

    [Theory]
    [MemberData(nameof(StripeKeyRows))]
    public async Task The_Stripe_wizard_refuses_hostile_keys_at_the_field_before_asking_Stripe(string tried, EasySpace.Core.Payments.StripeKeys keys, string field)
    {
        // The fixture's Stripe is the real address: a key that got past the field check would be sent there and fail another way.
        var result = await app.Get<EasySpace.Core.Payments.StripeConnector>().VerifyAsync(keys);

        Assert.True(result.Errors.For(field) is not null, $"{tried}: {result.Errors}");
        Assert.Null(result.Errors.For(EasySpace.Core.Payments.StripeConnector.ConnectionField));
    }

    public static TheoryData<string, EasySpace.Core.Payments.PayPal.PayPalCredentials, string> PayPalCredentialRows => new()
    {
        { "an empty client id", PayPalCredentials(""), "ClientId" },
        { "only spaces as the client id", PayPalCredentials("   "), "ClientId" },
        { "only spaces as the secret", PayPalCredentials(secret: " \t "), "Secret" },
        { "10,000 characters", PayPalCredentials("A" + new string('a', 10_000)), "ClientId" },
        { "a NUL", PayPalCredentials("AFakeClient\0"), "ClientId" },
        { "a script tag", PayPalCredentials(secret: "E" + Script), "Secret" },
        { "the secret pasted in the client id box", PayPalCredentials("EFakeSecret123", "EFakeSecret123"), "ClientId" },
        { "client id and secret swapped", PayPalCredentials("EFakeSecret123", "AFakeClient123"), "ClientId" },
    };

    private static EasySpace.Core.Payments.PayPal.PayPalCredentials PayPalCredentials(string clientId = "AFakeClient123", string secret = "EFakeSecret123") =>
        new() { ClientId = clientId, Secret = secret };

    [Theory]
    [MemberData(nameof(PayPalCredentialRows))]
    public async Task The_PayPal_wizard_refuses_hostile_credentials_at_the_field_before_asking_PayPal(string tried, EasySpace.Core.Payments.PayPal.PayPalCredentials credentials, string field)
    {
        // The fixture's PayPal is the real sandbox address: credentials that got past the field check would be sent there and fail another way.
        var result = await app.Get<EasySpace.Core.Payments.PayPal.PayPalConnector>().VerifyAsync(credentials);

        Assert.True(result.Errors.For(field) is not null, $"{tried}: {result.Errors}");
        Assert.Null(result.Errors.For(EasySpace.Core.Payments.PayPal.PayPalConnector.ConnectionField));
    }

    /// <summary>Each form that names something, and the hidden character tried in it.</summary>
    public static TheoryData<string, Func<AppHost, Task<string?>>> HiddenCharacterNameRows => new()
    {
        { "a webhook named with a right-to-left override", async a => (await a.Get<EndpointService>().CreateAsync(
            new EndpointDraft { Name = "Invoices \u202Efdp.exe", Url = "https://crm.example.com/hook", Events = ["created_booking"] },
            EndpointOrigin.SettingsUi, WebhookHostExtensions.Owner)).Errors.For("Name") },
        { "a member named with a zero-width space", async a => (await a.Get<EasySpace.Core.Space.Members.MembershipService>().CreateAsync(
            new EasySpace.Core.Space.Members.NewMember { Name = "Ali\u200Bce", Email = "alice.hidden@example.com" }, "test")).Errors.For("Name") },
        { "an admin named with a bidi isolate", async a => (await a.Get<UserAdministration>().ValidateAsync(
            new NewAccount("hidden.admin@example.com", AppHost.Password, "\u2067Bob\u2069"))).For("DisplayName") },
        { "a token named with a byte order mark", async a => (await a.Get<ApiTokenService>().CreateAsync(
            AppHost.OwnerEmail, "\uFEFFzapier", [ApiScopes.Read], "test")).Errors.For("Name") },
        { "a room named with a right-to-left mark", async a => (await a.Get<EasySpace.Core.Space.Bookings.ResourceService>().AddAsync(
            new EasySpace.Core.Space.Bookings.ResourceDraft { Name = "Room\u200F 1", Currency = "EUR" }, "test")).Errors.For("Name") },
        { "a plan named with an Arabic letter mark", async a => (await a.Get<EasySpace.Core.Space.Members.PlanService>().CreateAsync(
            new EasySpace.Core.Space.Members.PlanDraft { Name = "Flex\u061C desk", Price = 10m }, "test")).Errors.For("Name") },
    };

    [Theory]
    [MemberData(nameof(HiddenCharacterNameRows))]
    public async Task Names_refuse_invisible_and_direction_changing_characters(string tried, Func<AppHost, Task<string?>> create)
    {
        var problem = await create(app);

        Assert.True(problem is not null, $"{tried}: accepted");
        Assert.Contains("invisible character", problem);
    }

    public static TheoryData<string, long> MemberPickerRows => new()
    {
        // tried                 the membership id sent (the picker offers only real ones; a forged circuit call need not)
        { "an id no membership has", 987_654 },
        { "zero", 0 },
        { "a negative id", -1 },
        { "the largest id", long.MaxValue },
    };

    [Theory]
    [MemberData(nameof(MemberPickerRows))]
    public async Task Bookings_check_ins_tokens_and_invoices_refuse_a_membership_that_does_not_exist_at_its_field(string tried, long membershipId)
    {
        var room = await app.Services.AddResourceAsync($"Hostile room {Guid.NewGuid():N}");
        var from = new DateTimeOffset(DateTimeOffset.UtcNow.Date, TimeSpan.Zero).AddDays(30).AddHours(9);
        var invoice = BillingTestData.CobotExample(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(14));
        invoice.MembershipId = membershipId;
        var eventsBefore = (await app.Services.EventsAsync()).Count;

        var refusals = new[]
        {
            (await app.Get<BookingService>().BookAsync(new BookingDraft { ResourceId = room.Id, From = from, To = from.AddHours(1), Title = "T", MembershipId = membershipId }, "test")).Errors,
            (await app.Get<CheckInService>().CheckInAsync(new CheckInDraft { MembershipId = membershipId }, "test")).Errors,
            (await app.Get<CheckInService>().AddTokenAsync(new CheckInTokenDraft { Token = "HOSTILE-01", MembershipId = membershipId }, "test")).Errors,
            (await app.Get<InvoiceService>().CreateAsync(invoice, "test")).Errors,
        };

        Assert.All(refusals, errors => Assert.True(errors.For("MembershipId") is not null, $"{tried}: {errors}"));
        Assert.Equal(eventsBefore, (await app.Services.EventsAsync()).Count);
    }

    [Theory]
    [InlineData("a newline in the name", "a\nb", "name")]
    [InlineData("a 101-character name", "n", "name")]
    [InlineData("an unknown scope", "ok", "scope")]
    public async Task Token_creation_refuses_hostile_input(string tried, string name, string what)
    {
        var result = await app.Tokens.CreateAsync(AppHost.OwnerEmail, name == "n" ? new string('n', 101) : name,
            what == "scope" ? ["write_everything"] : [ApiScopes.Read], "test");
        Assert.False(result.Succeeded, tried);
    }

    [Fact]
    public async Task A_script_tag_typed_into_the_login_form_comes_back_as_text()
    {
        var client = app.NewClient();
        var form = await client.GetStringAsync("/Account/Login");
        var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"").Groups[1].Value;

        var response = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["_handler"] = "login", ["Input.Email"] = Script, ["Input.Password"] = "x",
        }));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(Script, html);
        Assert.Contains("e-mail address like name@example.com", html);
    }

    public static TheoryData<string, string> ReturnUrlRows => new()
    {
        // tried                                   the query string's ReturnUrl, as sent
        { "another site",                           "https%3A%2F%2Fevil.example%2F" },
        { "another host without a scheme",          "%2F%2Fevil.example" },
        { "a backslash browsers read as a slash",   "%2F%5Cevil.example" },
        { "a tab browsers drop",                    "%2F%09%2Fevil.example" },
        { "a script",                               "javascript%3Aalert(1)" },
        { "another host, encoded twice",            "%252F%252Fevil.example" },
        { "a path relative to the login page",      "evil.example" },
        { "a NUL between the slashes",              "%2F%00%2Fevil.example" },
    };

    [Theory]
    [MemberData(nameof(ReturnUrlRows))]
    public async Task A_hostile_ReturnUrl_after_logging_in_leads_to_the_dashboard(string tried, string returnUrl)
    {
        var response = await Web.Access.LoginForm.PostAsync(app, AppHost.OwnerEmail, AppHost.Password, query: "?ReturnUrl=" + returnUrl);

        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{tried}: got {(int)response.StatusCode}");
        Assert.Equal(new Uri(app.BaseAddress, "/"), new Uri(app.BaseAddress, response.Headers.Location!));
    }

    [Fact]
    public async Task A_form_post_without_an_antiforgery_token_is_refused_not_crashed()
    {
        var response = await app.NewClient().PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["Input.Email"] = AppHost.OwnerEmail, ["Input.Password"] = AppHost.Password,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    public static TheoryData<string, string> TransactionSearchRows => new()
    {
        // tried                                the member search typed on Settings > Integrations > Payments > Transactions
        { "SQL in the member search",           "' OR 1=1 --" },
        { "a LIKE wildcard",                    "%" },
        { "a single-character wildcard",        "_" },
        { "a script tag",                       Script },
        { "a NUL and a newline",                "Ada\0\n" },
    };

    [Theory]
    [MemberData(nameof(TransactionSearchRows))]
    public async Task The_transaction_search_and_its_download_treat_hostile_text_as_text_that_matches_nothing(string tried, string typed)
    {
        var draft = BillingTestData.CobotExample(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(14));
        draft.Name = "Ada Keller";
        var invoice = await app.Services.CreateInvoiceAsync(draft);
        (await app.Get<EasySpace.Core.Space.Payments.PaymentRecorder>().RecordPaymentAsync(invoice.Id, 10m, "EUR", "manual", null, "test")).Ok();

        var found = await app.Get<EasySpace.Core.Space.Payments.PaymentReader>().PageAsync(new EasySpace.Core.Space.Payments.TransactionFilter(Member: typed), 0, 25);
        var owner = await app.LoggedInClientAsync(AppHost.OwnerEmail);
        var download = await owner.GetAsync("/settings/integrations/payments/transactions/export?member=" + Uri.EscapeDataString(typed));
        var csv = await download.Content.ReadAsStringAsync();

        Assert.True(found.Succeeded && found.Value!.Total == 0, $"{tried}: {found.Errors} {found.Value?.Total} found");
        Assert.True(download.StatusCode == HttpStatusCode.OK, $"{tried}: {(int)download.StatusCode} {csv}");
        Assert.Single(csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries));   // the header row alone
    }

    [Fact]
    public async Task A_reversed_date_range_in_the_transaction_history_is_refused_at_the_end_date()
    {
        var found = await app.Get<EasySpace.Core.Space.Payments.PaymentReader>().PageAsync(
            new EasySpace.Core.Space.Payments.TransactionFilter(From: new DateOnly(2026, 3, 12), To: new DateOnly(2026, 3, 1)), 0, 25);

        Assert.Equal("The end date is before the start date.", found.Errors.For("To"));
    }
    private const string PayPalLikeEvent = """{"id":"WH-1","event_type":"PAYMENT.CAPTURE.COMPLETED","resource":{"id":"C1"}}""";

    /// <summary>The body column: "" empty, "10 MB" of x, "event" a PayPal-shaped event, "not UTF-8" bytes no decoder accepts.</summary>
    public static TheoryData<string, string, string, string> PayPalWebhookRows => new()
    {
        // tried                                   method  body         answer
        { "an empty body",                         "POST", "",          "400" },
        { "a 10 MB body",                          "POST", "10 MB",     "413" },
        { "a garbage signature header",            "POST", "event",     "400 signed" },
        { "valid JSON with no signature",          "POST", "event",     "400" },
        { "bytes that are not UTF-8",              "POST", "not UTF-8", "400" },
        { "a GET",                                 "GET",  "",          "404" },   // the route takes POST only; like any unknown page
    };

    [Theory]
    [MemberData(nameof(PayPalWebhookRows))]
    public async Task The_PayPal_webhook_refuses_what_PayPal_did_not_send_with_a_4xx_and_records_nothing(string tried, string method, string body, string answer)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), "/payments/paypal/webhook");
        if (method == "POST")
            request.Content = body switch
            {
                "10 MB" => new StringContent(new string('x', 10 * 1024 * 1024), Encoding.UTF8, "application/json"),
                "event" => new StringContent(PayPalLikeEvent, Encoding.UTF8, "application/json"),
                "not UTF-8" => new ByteArrayContent([0x7B, 0xFF, 0xFE, 0x7D]),
                _ => new StringContent(body, Encoding.UTF8, "application/json"),
            };
        if (answer.EndsWith("signed"))
            foreach (var header in EasySpace.Core.Payments.PayPal.PayPalTransmission.HeaderNames) request.Headers.Add(header, "garbage");

        var response = await app.NewClient().SendAsync(request);

        Assert.True(int.Parse(answer.Split(' ')[0]) == (int)response.StatusCode, $"{tried}: got {(int)response.StatusCode}");
        if (method == "POST") Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        await using var db = await app.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<EasySpace.Core.Data.AppDbContext>>().CreateDbContextAsync();
        Assert.Equal(0, await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.ProviderEvents));
    }

    public static TheoryData<string, string, string?, int> StripeWebhookRows => new()
    {
        // tried                                  body                                                          Stripe-Signature            answer
        { "an empty body",                        "",                                                           "t=1700000000,v1=00",       400 },
        { "a 10 MB body",                         new string('a', 10 * 1024 * 1024),                            "t=1700000000,v1=00",       413 },
        { "a garbage signature header",           """{"id":"evt_1","type":"checkout.session.completed"}""",     "garbage;;==,t=abc,v1=zz",  400 },
        { "valid JSON with no signature",         """{"id":"evt_1","type":"checkout.session.completed"}""",     null,                       400 },
    };

    /// <summary>Stripe's webhook with a signing secret on record (local mode, a pasted secret), so a refusal is the signature's.</summary>
    [Theory]
    [MemberData(nameof(StripeWebhookRows))]
    public async Task The_Stripe_webhook_refuses_unverified_bodies_with_a_JSON_answer_and_stores_nothing(string tried, string body, string? signature, int answer)
    {
        await EnsureStripeSigningSecretAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/payments/stripe/webhook") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (signature is not null) request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);

        var response = await app.NewClient().SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(answer == (int)response.StatusCode, $"{tried}: got {(int)response.StatusCode} {text}");
        Assert.True(System.Text.Json.JsonDocument.Parse(text).RootElement.TryGetProperty("error", out _), $"{tried}: {text}");
        await using var db = await app.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<EasySpace.Core.Data.AppDbContext>>().CreateDbContextAsync();
        Assert.False(db.ProviderEvents.Any(), tried);
    }

    private async Task EnsureStripeSigningSecretAsync()
    {
        await using var db = await app.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<EasySpace.Core.Data.AppDbContext>>().CreateDbContextAsync();
        if (db.ProviderConnections.Any(c => c.Provider == EasySpace.Core.Payments.PaymentProvider.Stripe)) return;
        var protector = Microsoft.AspNetCore.DataProtection.DataProtectionCommonExtensions.CreateProtector(
            app.Get<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>(), EasySpace.Core.Payments.ProviderConnection.CredentialsProtection);
        string Protect(string secret) => Microsoft.AspNetCore.DataProtection.DataProtectionCommonExtensions.Protect(protector, secret);
        // Charges off: members are offered no Stripe checkout, so no other row changes.
        db.ProviderConnections.Add(EasySpace.Core.Payments.ProviderConnection.ConnectStripe(EasySpace.Core.Payments.ProviderMode.Test,
            new EasySpace.Core.Payments.ProviderAccount("acct_1", "Hostile Co", "DE", "EUR", ChargesEnabled: false),
            new EasySpace.Core.Payments.StoredCredentials(Protect("rk_test_hostile"), "rk_test_…tile", "pk_test_hostile"),
            new EasySpace.Core.Payments.WebhookRegistration(EasySpace.Core.Payments.EventDelivery.Local, null, null, Protect("whsec_hostilerows0123456789")),
            "test", DateTimeOffset.UtcNow));
        await db.SaveChangesAsync();
    }
}
