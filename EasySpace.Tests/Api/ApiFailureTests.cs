using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EasySpace.Core.Data;
using EasySpace.Core.Identity;
using EasySpace.Tests.Harness;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Tests.Api;

/// <summary>The API as it runs for a self-hoster: Production mode, where the HTML error page handles failures.</summary>
public sealed class ProductionApiFixture : ApiFixture
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment("Production");
    }
}

public class ApiFailureTests(ProductionApiFixture app) : IClassFixture<ProductionApiFixture>
{
    [Fact]
    public async Task A_failure_of_our_own_inside_the_API_answers_500_JSON_not_the_error_page()
    {
        var client = app.ApiClient(await app.CreateTokenAsync(AppHost.OwnerEmail, ApiScopes.ReadSubscriptions));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/subscriptions")).StatusCode);
        // A real failure: the table the call reads is gone, so the database throws inside the endpoint.
        using (var db = app.OpenDatabase()) db.Execute("ALTER TABLE Endpoints RENAME TO Endpoints_gone");

        var response = await client.GetAsync("/api/subscriptions");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString();
        Assert.Contains("on our side", error);
        Assert.DoesNotContain("Sqlite", error);
        Assert.DoesNotContain("Npgsql", error);
    }
}
