using System.Net;
using System.Text.RegularExpressions;
using EasySpace.Core.Identity;
using EasySpace.Tests.Harness;
using EasySpace.Web.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Tests.Api;

/// <summary>
/// The scopes table of docs/api.md against the routes the app maps: each /api route checks the one scope the table
/// lists for it, and no route is left to the umbrella <c>read</c> alone.
/// </summary>
public partial class ApiScopeTableTests(ApiFixture app) : IClassFixture<ApiFixture>
{
    [Fact]
    public void Every_api_route_needs_the_scope_the_docs_table_lists_for_it()
    {
        var documented = DocumentedRoutes();
        var mapped = MappedRoutes();

        var wrong = mapped.Where(r => documented.GetValueOrDefault(r.Key) != r.Value)
            .Select(r => $"{r.Key}: checks {r.Value}, docs say {documented.GetValueOrDefault(r.Key) ?? "nothing"}").ToList();
        var stale = documented.Keys.Where(k => !mapped.ContainsKey(k)).ToList();
        Assert.True(wrong.Count == 0, "Routes whose scope differs from docs/api.md: " + string.Join("; ", wrong));
        Assert.True(stale.Count == 0, "docs/api.md lists routes the app does not map: " + string.Join(", ", stale));
        Assert.DoesNotContain(ApiScopes.Read, mapped.Values);
        Assert.Equal(ApiScopes.All.Select(s => s.Name).Where(s => s != ApiScopes.Read).Order(), documented.Values.Distinct().Where(s => s != AnyToken).Order());
    }

    [Fact]
    public async Task The_event_catalogue_answers_any_valid_token_and_refuses_none()
    {
        Assert.Equal(AnyToken, MappedRoutes()["GET /api/event_types"]);
        var scopeless = app.ApiClient(await app.CreateTokenAsync(ApiFixture.MemberEmail, [ApiScopes.ReadBookings]));   // a member's token, another scope

        var answer = await scopeless.GetAsync("/api/event_types");

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.NewClient().GetAsync("/api/event_types")).StatusCode);   // no token at all
    }

    [Fact]
    public async Task A_token_with_every_read_scope_but_not_read_itself_reads_every_resource()
    {
        var everyReadScope = ApiScopes.All.Select(s => s.Name).Where(s => s.StartsWith("read_", StringComparison.Ordinal)).ToArray();
        var client = app.ApiClient(await app.CreateTokenAsync(AppHost.OwnerEmail, everyReadScope));

        // Unknown ids: the scope check runs first, so anything but 403 shows the token was let through.
        foreach (var route in MappedRoutes().Keys.Where(r => r.StartsWith("GET ", StringComparison.Ordinal)))
        {
            var response = await client.GetAsync(route["GET ".Length..].Replace("{id}", "0"));
            Assert.True(response.StatusCode != HttpStatusCode.Forbidden, $"{route}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>What the table says of a route any valid token may call.</summary>
    private const string AnyToken = "(no scope)";

    /// <summary>"GET /api/bookings/{id}" → its scope, from each endpoint's authorization metadata.</summary>
    private Dictionary<string, string> MappedRoutes()
    {
        var routes = new Dictionary<string, string>();
        foreach (var endpoint in app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var scopes = endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>()
                .SelectMany(p => p.Requirements).OfType<ScopeRequirement>().Select(r => r.Scope).Distinct().ToList();
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").Trim('/');
            if (scopes.Count == 0)
            {
                // Pages, the catch-all 404 and the anonymous docs page are no one's API; an /api route without a scope lets any valid token in.
                if (!pattern.StartsWith("/api/", StringComparison.Ordinal) || pattern.Contains("{*", StringComparison.Ordinal)
                    || endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null) continue;
                scopes.Add(AnyToken);
            }
            Assert.Single(scopes);
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
                routes[$"{method} {pattern}"] = scopes[0];
        }
        return routes;
    }

    /// <summary>The rows of the scopes table: the scope in the first column, its routes in the third.</summary>
    private static Dictionary<string, string> DocumentedRoutes()
    {
        var text = File.ReadAllText(Path.Combine(SourceTree.Root, "docs", "api.md"));
        var section = text[text.IndexOf("## Scopes", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 1, StringComparison.Ordinal)];
        var routes = new Dictionary<string, string>();
        foreach (var line in section.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal)))
        {
            var cells = line.Split('|');
            if (cells.Length < 4 || !Backticked().IsMatch(cells[3])) continue;   // the header, and read's row: no routes of its own
            var scope = cells[1].Trim().Trim('`');
            foreach (Match route in Backticked().Matches(cells[3])) routes.Add(route.Groups[1].Value, scope);
        }
        return routes;
    }

    [GeneratedRegex("`([A-Z]+ /api/[^`]*)`")]
    private static partial Regex Backticked();
}
