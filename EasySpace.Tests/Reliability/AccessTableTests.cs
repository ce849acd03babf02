using System.Net;
using EasySpace.Core.Identity;
using EasySpace.Tests.Api;
using EasySpace.Tests.Harness;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace EasySpace.Tests.Reliability;

public sealed class AccessFixture : ApiFixture
{
    public const string PlainAdmin = AdminEmail;               // an admin without ManageIntegrations
    public const string IntegrationsAdmin = "hub@example.com";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await AddUserAsync(IntegrationsAdmin, Roles.Admin, manageIntegrations: true);
    }
}

/// <summary>
/// Every page and API route the app maps, for every kind of caller. The routes come from the app's own endpoint list,
/// so a route added without a row here fails this test.
/// </summary>
public class AccessTableTests(AccessFixture app, ITestOutputHelper output) : IClassFixture<AccessFixture>
{
    // What each caller gets: 200 OK, 302 to the login page, 401, 403, 404. Pages use the login cookie; /api uses tokens.
    private const int Ok = 200, Login = 302, Unauthorized = 401, Forbidden = 403, NotFound = 404;

    private sealed record Row(string Method, string Path, int Anonymous, int Member, int Admin, int IntegrationsAdmin, int Owner);

    /// <summary>Keyed by the route's pattern as the app maps it; Path fills in its parameters.</summary>
    private static readonly Dictionary<string, Row> Table = new()
    {
        ["/"] = new("GET", "/", Login, Ok, Ok, Ok, Ok),
        ["/setup"] = new("GET", "/setup", Ok, Ok, Ok, Ok, Ok),
        ["/not-found"] = new("GET", "/not-found", Ok, Ok, Ok, Ok, Ok),
        ["/error/{Code:int}"] = new("GET", "/error/500", Ok, Ok, Ok, Ok, Ok),
        ["/Account/Login"] = new("GET", "/Account/Login", Ok, Ok, Ok, Ok, Ok),
        ["/Account/Manage"] = new("GET", "/Account/Manage", Login, Ok, Ok, Ok, Ok),
        ["/Account/Manage/ChangePassword"] = new("GET", "/Account/Manage/ChangePassword", Login, Ok, Ok, Ok, Ok),
        ["/Account/ForgotPassword"] = new("GET", "/Account/ForgotPassword", Ok, Ok, Ok, Ok, Ok),
        ["/Account/Invitation"] = new("GET", "/Account/Invitation?token=x", Ok, Ok, Ok, Ok, Ok),        // "expired or used" page
        ["/Account/ResetPassword"] = new("GET", "/Account/ResetPassword?token=x", Ok, Ok, Ok, Ok, Ok),
        ["/settings/email"] = new("GET", "/settings/email", Login, Forbidden, Forbidden, Ok, Ok),
        ["/Account/Logout"] = new("POST", "/Account/Logout", 400, 400, 400, 400, 400),   // no antiforgery token: refused
        ["/members"] = new("GET", "/members", Login, Forbidden, Ok, Ok, Ok),
        ["/bookings"] = new("GET", "/bookings", Login, Forbidden, Ok, Ok, Ok),
        ["/invoices"] = new("GET", "/invoices", Login, Forbidden, Ok, Ok, Ok),
        ["/settings/integrations"] = new("GET", "/settings/integrations", Login, Forbidden, Forbidden, Ok, Ok),
        ["/settings/integrations/webhooks"] = new("GET", "/settings/integrations/webhooks", Login, Forbidden, Forbidden, Ok, Ok),
        ["/settings/integrations/deliveries"] = new("GET", "/settings/integrations/deliveries", Login, Forbidden, Forbidden, Ok, Ok),
        ["/settings/integrations/payments"] = new("GET", "/settings/integrations/payments", Login, Forbidden, Forbidden, Ok, Ok),
        ["/settings/integrations/payments/transactions"] = new("GET", "/settings/integrations/payments/transactions", Login, Forbidden, Forbidden, Ok, Ok),
        ["/settings/integrations/payments/transactions/export"] = new("GET", "/settings/integrations/payments/transactions/export", Login, Forbidden, Forbidden, Ok, Ok),
        ["/settings/integrations/payments/stripe"] = new("GET", "/settings/integrations/payments/stripe", Login, Forbidden, Forbidden, Ok, Ok),
        ["/settings/integrations/payments/paypal"] = new("GET", "/settings/integrations/payments/paypal", Login, Forbidden, Forbidden, Ok, Ok),
        ["/settings/integrations/api-access"] = new("GET", "/settings/integrations/api-access", Login, Forbidden, Forbidden, Ok, Ok),
        ["/settings/integrations/activity"] = new("GET", "/settings/integrations/activity", Login, Forbidden, Forbidden, Ok, Ok),
        ["/settings/integrations/alerts"] = new("GET", "/settings/integrations/alerts", Login, Forbidden, Forbidden, Ok, Ok),
        ["/settings/integrations/events"] = new("GET", "/settings/integrations/events", Login, Forbidden, Forbidden, Ok, Ok),
        ["/settings/integrations/webhooks/new"] = new("GET", "/settings/integrations/webhooks/new", Login, Forbidden, Forbidden, Ok, Ok),
        ["/settings/integrations/request-inbox"] = new("GET", "/settings/integrations/request-inbox", Login, Forbidden, Forbidden, Ok, Ok),
        ["/settings/integrations/request-inbox/{Id:long}"] = new("GET", "/settings/integrations/request-inbox/0", Login, Forbidden, Forbidden, NotFound, NotFound),
        ["/settings/integrations/webhooks/{Id:long}"] = new("GET", "/settings/integrations/webhooks/0", Login, Forbidden, Forbidden, NotFound, NotFound),   // "no such webhook" page
        ["/settings/integrations/webhooks/{Id:long}/edit"] = new("GET", "/settings/integrations/webhooks/0/edit", Login, Forbidden, Forbidden, NotFound, NotFound),
        ["/health"] = new("GET", "/health", Ok, Ok, Ok, Ok, Ok),
        ["/openapi/{documentName}.json"] = new("GET", "/openapi/v1.json", Ok, Ok, Ok, Ok, Ok),
        ["/api/docs/{documentName?}"] = new("GET", "/api/docs/", Ok, Ok, Ok, Ok, Ok),
        // API: callers hold a token with every scope; members are not staff.
        ["/api/event_types"] = new("GET", "/api/event_types", Unauthorized, Ok, Ok, Ok, Ok),                   // any valid token, no scope
        ["/api/admins/{id}"] = new("GET", "/api/admins/{owner}", Unauthorized, Forbidden, Ok, Ok, Ok),          // admins are visible to staff only
        ["/api/subscriptions/"] = new("GET", "/api/subscriptions", Unauthorized, Forbidden, Forbidden, Ok, Ok), // needs ManageIntegrations
        ["/api/subscriptions/{id}"] = new("GET", "/api/subscriptions/0", Unauthorized, Forbidden, Forbidden, NotFound, NotFound),
        ["/checkins"] = new("GET", "/checkins", Login, Forbidden, Ok, Ok, Ok),
        ["/api/bookings/"] = new("GET", "/api/bookings/", Unauthorized, Forbidden, Ok, Ok, Ok),
        ["/api/bookings/{id}"] = new("GET", "/api/bookings/0", Unauthorized, Forbidden, NotFound, NotFound, NotFound),
        ["/api/resources/"] = new("GET", "/api/resources/", Unauthorized, Ok, Ok, Ok, Ok),
        ["/api/resources/{id}"] = new("GET", "/api/resources/0", Unauthorized, NotFound, NotFound, NotFound, NotFound),
        ["/api/check_ins/"] = new("GET", "/api/check_ins/", Unauthorized, Forbidden, Ok, Ok, Ok),
        ["/api/check_ins/{id}"] = new("GET", "/api/check_ins/0", Unauthorized, Forbidden, NotFound, NotFound, NotFound),
        ["/api/check_in_tokens/{id}"] = new("GET", "/api/check_in_tokens/0", Unauthorized, Forbidden, NotFound, NotFound, NotFound),
        ["/passes"] = new("GET", "/passes", Login, Forbidden, Ok, Ok, Ok),
        ["/guests"] = new("GET", "/guests", Login, Forbidden, Ok, Ok, Ok),
        ["/community"] = new("GET", "/community", Login, Forbidden, Ok, Ok, Ok),
        ["/community/{Id:long}"] = new("GET", "/community/0", Login, Forbidden, NotFound, NotFound, NotFound),     // "no such event" page
        ["/invoices/{Id:long}"] = new("GET", "/invoices/0", Login, Forbidden, NotFound, NotFound, NotFound),       // "no such invoice" page
        ["/api/invoices/"] = new("GET", "/api/invoices/", Unauthorized, Forbidden, Ok, Ok, Ok),
        ["/api/invoices/{id}"] = new("GET", "/api/invoices/0", Unauthorized, Forbidden, NotFound, NotFound, NotFound),
        ["/api/invoices/{id}/e_invoice"] = new("GET", "/api/invoices/0/e_invoice", Unauthorized, Forbidden, NotFound, NotFound, NotFound),
        ["/api/payments/{id}"] = new("GET", "/api/payments/0", Unauthorized, Forbidden, NotFound, NotFound, NotFound),
        ["/api/drop_in_passes/{id}"] = new("GET", "/api/drop_in_passes/0", Unauthorized, Forbidden, NotFound, NotFound, NotFound),
        ["/api/guest_accounts/{id}"] = new("GET", "/api/guest_accounts/0", Unauthorized, Forbidden, NotFound, NotFound, NotFound),
        ["/api/events/{id}"] = new("GET", "/api/events/0", Unauthorized, NotFound, NotFound, NotFound, NotFound),
        ["/api/event_attendances/{id}"] = new("GET", "/api/event_attendances/0", Unauthorized, Forbidden, NotFound, NotFound, NotFound),
        ["/me"] = new("GET", "/me", Login, Ok, Ok, Ok, Ok),
        ["/me/invoices"] = new("GET", "/me/invoices", Login, Ok, Ok, Ok, Ok),                                   // the member's own; staff without a membership are told they have none
        ["/me/invoices/{Id:long}"] = new("GET", "/me/invoices/0", Login, NotFound, NotFound, NotFound, NotFound),   // unknown or someone else's: "no such invoice"
        ["/me/bookings"] = new("GET", "/me/bookings", Login, Ok, Ok, Ok, Ok),
        ["/me/payments"] = new("GET", "/me/payments", Login, Ok, Ok, Ok, Ok),
        ["/me/pay/{AttemptId}/done"] = new("GET", "/me/pay/pa_0/done", Login, NotFound, NotFound, NotFound, NotFound),         // only the member's own payments
        ["/me/pay/{AttemptId}/canceled"] = new("GET", "/me/pay/pa_0/canceled", Login, NotFound, NotFound, NotFound, NotFound),
        ["/members/{Id:long}"] = new("GET", "/members/0", Login, Forbidden, NotFound, NotFound, NotFound),         // "no such member" page
        ["/settings/admins"] = new("GET", "/settings/admins", Login, Forbidden, Ok, Ok, Ok),
        ["/settings/space"] = new("GET", "/settings/space", Login, Forbidden, Forbidden, Ok, Ok),                  // the public address and payment country: ManageIntegrations
        ["/api/memberships/"] = new("GET", "/api/memberships/", Unauthorized, Forbidden, Ok, Ok, Ok),
        ["/api/memberships/{id}"] = new("GET", "/api/memberships/0", Unauthorized, NotFound, NotFound, NotFound, NotFound),
        ["/api/memberships/{id}/picture"] = new("GET", "/api/memberships/0/picture", Unauthorized, NotFound, NotFound, NotFound, NotFound),
        // PayPal's webhook: anyone may post (PayPal has no login); what is not verified with PayPal is refused with 400.
        ["/payments/paypal/webhook"] = new("POST", "/payments/paypal/webhook", 400, 400, 400, 400, 400),
        // Stripe's webhook is anonymous by design; a POST without a verified signature is refused 400 whoever sends it.
        ["/payments/stripe/webhook"] = new("POST", "/payments/stripe/webhook", 400, 400, 400, 400, 400),
        // The request inbox takes anonymous POSTs; a token no inbox has is 404 whoever sends it.
        ["/inbox/{token}"] = new("POST", "/inbox/no-such-inbox", NotFound, NotFound, NotFound, NotFound, NotFound),
        ["/api/{*path:nonfile}"] = new("GET", "/api/no/such/thing", Unauthorized, NotFound, NotFound, NotFound, NotFound),
    };

    [Fact]
    public void Every_mapped_route_has_a_row()
    {
        var missing = MappedRoutes().Where(r => !Table.ContainsKey(r)).ToList();
        Assert.True(missing.Count == 0, "Routes without a row in the access table: " + string.Join(", ", missing));
        var stale = Table.Keys.Where(k => !MappedRoutes().Contains(k)).ToList();
        Assert.True(stale.Count == 0, "Rows for routes the app no longer maps: " + string.Join(", ", stale));
    }

    [Fact]
    public async Task Every_route_answers_each_kind_of_caller_as_the_table_says()
    {
        var ownerId = await app.UserIdAsync(AppHost.OwnerEmail);
        var callers = new (string Name, Func<Row, int> Expected, Func<bool, Task<HttpClient>> Client)[]
        {
            ("anonymous", r => r.Anonymous, _ => Task.FromResult(app.NewClient())),
            ("member", r => r.Member, api => ClientAsync(ApiFixture.MemberEmail, api)),
            ("admin", r => r.Admin, api => ClientAsync(AccessFixture.PlainAdmin, api)),
            ("integrations admin", r => r.IntegrationsAdmin, api => ClientAsync(AccessFixture.IntegrationsAdmin, api)),
            ("owner", r => r.Owner, api => ClientAsync(AppHost.OwnerEmail, api)),
        };
        var failures = new List<string>();
        foreach (var (pattern, row) in Table)
        {
            var path = row.Path.Replace("{owner}", ownerId);
            var isApi = path.StartsWith("/api/") && !path.StartsWith("/api/docs");
            foreach (var (name, expected, client) in callers)
            {
                var http = await client(isApi);
                var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(row.Method), path));
                var got = (int)response.StatusCode;
                if (got == Login && response.Headers.Location?.OriginalString.Contains("/Account/Login") != true) got = 0;
                if (got != expected(row)) failures.Add($"{row.Method} {path} as {name}: expected {expected(row)}, got {(int)response.StatusCode}");
            }
        }
        failures.ForEach(output.WriteLine);
        Assert.Empty(failures);
    }

    private readonly Dictionary<(string, bool), HttpClient> clients = new();

    private async Task<HttpClient> ClientAsync(string email, bool api)
    {
        if (clients.TryGetValue((email, api), out var client)) return client;
        client = api
            ? app.ApiClient(await app.CreateTokenAsync(email, ApiScopes.All.Select(s => s.Name).ToArray()))
            : await app.LoggedInClientAsync(email);
        return clients[(email, api)] = client;
    }

    private HashSet<string> MappedRoutes() => app.Services.GetRequiredService<EndpointDataSource>().Endpoints
        .OfType<RouteEndpoint>()
        .Select(e => e.RoutePattern.RawText ?? "")
        .Select(p => p.StartsWith('/') ? p : "/" + p)
        .Where(p => !IsFrameworkRoute(p))
        .ToHashSet();

    // Static files, Blazor's own circuit endpoints and the docs page's bundled assets are not the product's routes.
    private static bool IsFrameworkRoute(string pattern) =>
        pattern.StartsWith("/_framework") || pattern.StartsWith("/_content") || pattern.StartsWith("/_blazor")
        || pattern.Contains(":file}") || Path.HasExtension(pattern.Split('{')[0]) && !pattern.StartsWith("/openapi");
}
