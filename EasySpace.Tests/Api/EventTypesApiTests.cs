using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using EasySpace.Core.Events;
using EasySpace.Core.Identity;
using Json.Schema;

namespace EasySpace.Tests.Api;

/// <summary><c>GET /api/event_types</c>: the published catalogue, for any valid token, as data a receiver's developer can use.</summary>
public class EventTypesApiTests(ApiFixture app) : IClassFixture<ApiFixture>
{
    private async Task<JsonArray> ListAsync()
    {
        // A member's token with an unrelated scope: the catalogue needs none.
        var client = app.ApiClient(await app.CreateTokenAsync(ApiFixture.MemberEmail, ApiScopes.ReadBookings));
        var response = await client.GetAsync("/api/event_types");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
    }

    [Fact]
    public async Task Every_event_is_listed_with_its_words_filters_and_an_example_that_meets_the_schema_in_each_format()
    {
        var listed = await ListAsync();

        Assert.Equal(EventCatalogue.All.Select(e => e.Name), listed.Select(e => e!["name"]!.GetValue<string>()));
        foreach (var (type, entry) in EventCatalogue.All.Zip(listed.Select(e => e!.AsObject())))
        {
            Assert.Equal(type.Title, entry["title"]!.GetValue<string>());
            Assert.Equal(type.Category, entry["category"]!.GetValue<string>());
            Assert.Equal(type.Description, entry["description"]!.GetValue<string>());
            Assert.Equal(type.Filters, entry["filters"]!.AsArray().Select(f => f!.GetValue<string>()));
            Assert.Equal(type.Name != EventCatalogue.TestWebhook, entry["subscribable"]!.GetValue<bool>());
            foreach (var format in new[] { "full", "thin" })
            {
                var payload = entry["payloads"]![format]!;
                var schema = JsonSchema.FromText(payload["schema"]!.ToJsonString(), baseUri: new Uri($"urn:test:event-types-api:{type.Name}:{format}"));
                using var example = JsonDocument.Parse(payload["example"]!.ToJsonString());
                var result = schema.Evaluate(example.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
                Assert.True(result.IsValid, $"{type.Name}, {format}: the served example does not meet the served schema");
            }
        }
        var booking = listed.Single(e => e!["name"]!.GetValue<string>() == "created_booking")!;
        Assert.Equal("created_booking", booking["payloads"]!["full"]!["example"]!["type"]!.GetValue<string>());
        Assert.Equal(["url"], booking["payloads"]!["thin"]!["example"]!.AsObject().Select(p => p.Key));   // Cobot's thin body: the url alone
    }

    [Theory]
    [InlineData("no token", null, null)]
    [InlineData("a made-up token", "Bearer", "es_notarealtokenatallnotarealtokenatallnotarea")]
    [InlineData("a token in the wrong scheme", "Basic", "dXNlcjpwYXNz")]
    public async Task Without_a_valid_token_the_answer_is_401_json(string tried, string? scheme, string? parameter)
    {
        var response = await app.ApiClient(scheme, parameter).GetAsync("/api/event_types");

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{tried}: {response.StatusCode}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_API_reference_describes_it_without_a_scope_or_a_403()
    {
        var document = JsonNode.Parse(await app.NewClient().GetStringAsync("/openapi/v1.json"))!;

        var operation = document["paths"]!["/api/event_types"]!["get"]!;
        Assert.Contains("no scope is needed", operation["description"]!.GetValue<string>());
        Assert.Null(operation["responses"]!["403"]);
        Assert.NotNull(operation["responses"]!["401"]);
    }
}
