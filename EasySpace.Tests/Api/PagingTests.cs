using System.Net;
using System.Text.Json;
using EasySpace.Core.Identity;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Api;

/// <summary>Every paged list reads <c>page</c> and <c>per_page</c> the same way and says the same thing about the same mistake.</summary>
public class PagingTests(ApiFixture app) : IClassFixture<ApiFixture>
{
    private const string PageMessage = "must be a whole number from 1 to 1,000,000";
    private const string PerPageMessage = "must be a whole number from 1 to 200";

    /// <summary>Each paged route with the scope that reads it.</summary>
    private static readonly (string Route, string Scope)[] Routes =
    [
        ("/api/memberships", ApiScopes.ReadMemberships),
        ("/api/bookings", ApiScopes.ReadBookings),
        ("/api/check_ins", ApiScopes.ReadCheckIns),
        ("/api/invoices", ApiScopes.ReadInvoices),
    ];

    /// <summary>What a client might send, and the parameter and message it gets back.</summary>
    private static readonly (string Tried, string Query, string Field, string Message)[] Mistakes =
    [
        ("page 0", "page=0", "page", PageMessage),
        ("a negative page", "page=-1", "page", PageMessage),
        ("a word for a page", "page=first", "page", PageMessage),
        ("an empty page", "page=", "page", PageMessage),
        ("a fractional page", "page=1.5", "page", PageMessage),
        ("a page past the last one allowed", "page=1000001", "page", PageMessage),
        ("a page beyond a 64-bit number", "page=99999999999999999999", "page", PageMessage),
        ("a page with a plus sign", "page=%2B2", "page", PageMessage),
        ("per_page 0", "per_page=0", "per_page", PerPageMessage),
        ("per_page 201", "per_page=201", "per_page", PerPageMessage),
        ("per_page in exponent form", "per_page=1e2", "per_page", PerPageMessage),
        ("per_page with spaces", "per_page=%2010%20", "per_page", PerPageMessage),
        ("per_page a script", "per_page=%3Cscript%3E", "per_page", PerPageMessage),
    ];

    public static TheoryData<string, string, string, string, string, string> EachMistakeOnEachRoute()
    {
        var data = new TheoryData<string, string, string, string, string, string>();
        foreach (var (route, scope) in Routes)
            foreach (var (tried, query, field, message) in Mistakes)
                data.Add(route, scope, tried, query, field, message);
        return data;
    }

    [Theory]
    [MemberData(nameof(EachMistakeOnEachRoute))]
    public async Task A_paging_mistake_answers_400_naming_the_parameter_with_the_one_message(
        string route, string scope, string tried, string query, string field, string message)
    {
        var client = app.ApiClient(await app.CreateTokenAsync(AppHost.OwnerEmail, scope));

        var response = await client.GetAsync($"{route}?{query}");

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{tried} on {route}: {(int)response.StatusCode}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var errors = json.RootElement.GetProperty("errors");
        Assert.Equal([field], errors.EnumerateObject().Select(p => p.Name));
        Assert.Equal([message], errors.GetProperty(field).EnumerateArray().Select(m => m.GetString()));
    }

    [Theory]
    [InlineData("/api/memberships", ApiScopes.ReadMemberships)]
    [InlineData("/api/bookings", ApiScopes.ReadBookings)]
    [InlineData("/api/check_ins", ApiScopes.ReadCheckIns)]
    [InlineData("/api/invoices", ApiScopes.ReadInvoices)]
    public async Task The_edges_of_the_allowed_range_are_accepted(string route, string scope)
    {
        var client = app.ApiClient(await app.CreateTokenAsync(AppHost.OwnerEmail, scope));

        var first = await client.GetAsync($"{route}?page=1&per_page=1");
        var last = await client.GetAsync($"{route}?page=1000000&per_page=200");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        Assert.Equal("[]", await last.Content.ReadAsStringAsync());
    }
}
