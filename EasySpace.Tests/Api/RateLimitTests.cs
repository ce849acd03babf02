using System.Net;
using EasySpace.Core.Identity;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Api;

public sealed class RateLimitedApiFixture : ApiFixture
{
    public RateLimitedApiFixture() => With("Api:RequestsPerMinute", "5");
}

public class RateLimitTests(RateLimitedApiFixture app) : IClassFixture<RateLimitedApiFixture>
{
    [Fact]
    public async Task The_sixth_request_in_a_minute_gets_429_with_Retry_After_and_another_token_is_not_affected()
    {
        var url = $"/api/admins/{await app.UserIdAsync(AppHost.OwnerEmail)}";
        var busy = app.ApiClient(await app.CreateTokenAsync(AppHost.OwnerEmail, ApiScopes.ReadAdmins));
        var quiet = app.ApiClient(await app.CreateTokenAsync(AppHost.OwnerEmail, ApiScopes.ReadAdmins));

        for (var i = 1; i <= 5; i++)
            Assert.Equal(HttpStatusCode.OK, (await busy.GetAsync(url)).StatusCode);
        var sixth = await busy.GetAsync(url);

        Assert.Equal(HttpStatusCode.TooManyRequests, sixth.StatusCode);
        var retryAfter = sixth.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Assert.StartsWith("Too many requests", await ApiAccessTests.ErrorAsync(sixth));

        Assert.Equal(HttpStatusCode.OK, (await quiet.GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task Callers_without_a_valid_token_share_a_limit_per_address()
    {
        var url = $"/api/admins/{await app.UserIdAsync(AppHost.OwnerEmail)}";
        var anonymous = app.ApiClient();
        var garbage = app.ApiClient("Bearer", "garbage");

        for (var i = 1; i <= 3; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(url)).StatusCode);
        for (var i = 1; i <= 2; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await garbage.GetAsync(url)).StatusCode);
        var sixth = await app.ApiClient("Bearer", "other-garbage").GetAsync(url);

        Assert.Equal(HttpStatusCode.TooManyRequests, sixth.StatusCode);
        Assert.NotNull(sixth.Headers.RetryAfter);
    }
}
