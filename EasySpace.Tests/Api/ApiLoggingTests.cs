using System.Net;
using EasySpace.Core.Identity;
using EasySpace.Tests.Harness;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EasySpace.Tests.Api;

/// <summary>The app with every log category at Trace, as a self-hoster chasing a problem might set it.</summary>
public sealed class VerboseApiFixture : ApiFixture
{
    public LogCapture Logs { get; } = new();

    public VerboseApiFixture()
    {
        With("Logging:LogLevel:Default", "Trace");
        With("Logging:LogLevel:Microsoft.AspNetCore", "Trace");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
    }
}

public class ApiLoggingTests(VerboseApiFixture app) : IClassFixture<VerboseApiFixture>
{
    [Fact]
    public async Task A_token_sent_as_a_query_parameter_works_and_is_written_to_no_log()
    {
        var token = await app.CreateTokenAsync(AppHost.OwnerEmail, ApiScopes.ReadSubscriptions);

        var response = await app.ApiClient().GetAsync($"/api/subscriptions?access_token={token.Token}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(app.Logs.Lines, l => l.Message.Contains("/api/subscriptions")); // the request did reach the log
        Assert.DoesNotContain(app.Logs.Lines, l => l.Message.Contains(token.Token));
    }

    [Fact]
    public async Task A_bad_bearer_token_is_logged_at_debug_only()
    {
        var client = app.ApiClient("Bearer", "es_not-a-real-token");
        var handler = typeof(EasySpace.Web.Api.ApiTokenAuthenticationHandler).FullName;
        var before = app.Logs.Lines.Count;

        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/subscriptions")).StatusCode);

        var lines = app.Logs.Lines.Skip(before).Where(l => l.Category == handler).ToList();
        Assert.Contains(lines, l => l.Message.Contains("not authenticated"));
        Assert.All(lines, l => Assert.True(l.Level <= LogLevel.Debug, $"{l.Level}: {l.Message}"));
    }
}
