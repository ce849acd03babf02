using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using EasySpace.Tests.Api;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Web.Access;

public class SecurityHeadersTests(ApiFixture app) : IClassFixture<ApiFixture>
{
    [Theory]
    [InlineData("/")]                    // the login redirect
    [InlineData("/Account/Login")]
    [InlineData("/api/docs")]
    [InlineData("/api/subscriptions")]   // a 401 JSON answer
    [InlineData("/no-such-page")]        // the 404 page
    [InlineData("/health")]
    public async Task Every_answer_carries_the_security_headers(string path)
    {
        var response = await app.NewClient().GetAsync(path);

        var csp = Header(response, "Content-Security-Policy");
        Assert.Contains("default-src 'self'", csp);
        Assert.Matches("script-src 'self' 'nonce-[0-9A-F]{32}';", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("same-origin", Header(response, "Referrer-Policy"));
        Assert.Contains("camera=()", Header(response, "Permissions-Policy"));
        Assert.False(response.Headers.Contains("Strict-Transport-Security"), "HSTS over a public address that is http");
    }

    [Theory]
    [InlineData("/Account/Login")]   // Blazor's import map, when the build has one
    [InlineData("/api/docs")]        // the API reference's start-up script
    public async Task The_inline_scripts_a_page_needs_carry_the_nonce_its_policy_allows(string path)
    {
        var response = await app.NewClient(followRedirects: true).GetAsync(path);
        var nonce = Regex.Match(Header(response, "Content-Security-Policy"), "'nonce-([^']+)'").Groups[1].Value;
        var html = await response.Content.ReadAsStringAsync();

        var inline = Regex.Matches(html, "<script(?![^>]*\\ssrc=)[^>]*>").Select(m => m.Value).ToList();
        if (path == "/api/docs") Assert.NotEmpty(inline);
        Assert.All(inline, tag => Assert.Contains($"nonce=\"{nonce}\"", tag));
    }

    [Fact]
    public async Task The_Blazor_hub_refuses_a_negotiation_from_another_site()
    {
        var client = app.NewClient();

        var foreign = await NegotiateAsync(client, "https://evil.example");
        var own = await NegotiateAsync(client, app.BaseAddress.GetLeftPart(UriPartial.Authority));

        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task The_Blazor_hub_refuses_a_WebSocket_from_another_site()
    {
        var negotiated = await NegotiateAsync(app.NewClient(), app.BaseAddress.GetLeftPart(UriPartial.Authority));
        var token = JsonDocument.Parse(await negotiated.Content.ReadAsStringAsync()).RootElement.GetProperty("connectionToken").GetString();
        var hub = new UriBuilder(app.BaseAddress) { Scheme = "ws", Path = "/_blazor", Query = "id=" + token }.Uri;

        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Origin", "https://evil.example");
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(hub, CancellationToken.None));

        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
    }

    private static Task<HttpResponseMessage> NegotiateAsync(HttpClient client, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1");
        request.Headers.Add("Origin", origin);
        return client.SendAsync(request);
    }

    internal static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : throw new Xunit.Sdk.XunitException($"{response.RequestMessage!.RequestUri} has no {name} header");
}

/// <summary>A space whose public address is https, reached here over plain http as a TLS proxy would reach it.</summary>
public sealed class HttpsSpaceFixture : ApiFixture
{
    public HttpsSpaceFixture() => With("EasySpace:PublicBaseUrl", "https://space.example.com");
}

public class HttpsSpaceTests(HttpsSpaceFixture app) : IClassFixture<HttpsSpaceFixture>
{
    [Fact]
    public async Task When_the_public_address_is_https_HSTS_is_sent_and_cookies_are_Secure()
    {
        var response = await app.NewClient().GetAsync("/Account/Login");

        Assert.Equal("max-age=31536000", SecurityHeadersTests.Header(response, "Strict-Transport-Security"));
        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        Assert.NotEmpty(cookies);
        Assert.All(cookies, c => Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task The_login_cookie_is_Secure_too()
    {
        // A cookie jar keeps Secure cookies from plain http, as a browser would: here they are carried by hand.
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        var form = await client.GetAsync("/Account/Login");
        var fields = LoginForm.Fields(await form.Content.ReadAsStringAsync(), AppHost.OwnerEmail, AppHost.Password);
        var post = new HttpRequestMessage(HttpMethod.Post, "/Account/Login") { Content = new FormUrlEncodedContent(fields) };
        post.Headers.Add("Cookie", string.Join("; ", form.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0])));

        var response = await client.SendAsync(post);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var login = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("EasySpace.Auth="));
        Assert.Contains("; secure", login, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_Blazor_hub_accepts_a_negotiation_from_the_public_address()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1");
        request.Headers.Add("Origin", "https://space.example.com");

        Assert.Equal(HttpStatusCode.OK, (await app.NewClient().SendAsync(request)).StatusCode);
    }
}
