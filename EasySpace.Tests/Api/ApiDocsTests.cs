using System.Net;
using System.Text.Json;

namespace EasySpace.Tests.Api;

public class ApiDocsTests(ApiFixture app) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task The_OpenAPI_document_is_served_anonymously_with_the_bearer_scheme_and_the_admin_read()
    {
        var response = await app.NewClient().GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.True(root.GetProperty("paths").TryGetProperty("/api/admins/{id}", out var admin));
        var bearer = root.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal(("http", "bearer"), (bearer.GetProperty("type").GetString(), bearer.GetProperty("scheme").GetString()));
        Assert.Equal("read_admins", admin.GetProperty("get").GetProperty("security")[0].GetProperty("Bearer")[0].GetString());
        // Only the API is described, not the pages' form posts.
        Assert.All(root.GetProperty("paths").EnumerateObject(), p => Assert.StartsWith("/api/", p.Name));
    }

    [Fact]
    public async Task The_docs_page_and_its_script_are_served_from_this_box()
    {
        var client = app.NewClient(followRedirects: true);

        var page = await client.GetAsync("/api/docs");
        var html = await page.Content.ReadAsStringAsync();
        var script = await client.GetAsync("/api/docs/scalar.js");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Matches("<script src=\"scalar.js\"( nonce=\"[0-9A-F]+\")?></script>", html);
        Assert.DoesNotContain("https://", html);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }
}
