using System.Net;
using System.Net.Sockets;
using System.Text;
using EasySpace.Core.Webhooks;
using Microsoft.Extensions.Options;

namespace EasySpace.Tests.Core.Webhooks;

public class TargetGuardTests
{
    private const string Private = TargetGuard.PrivateAddressError;
    private const string NotAbsolute = "Enter a full address starting with https://, e.g. https://example.com/webhooks.";

    // ---- Checking an address when it is saved ----

    [Theory]
    [InlineData("an https address", "https://hooks.example.com/in")]
    [InlineData("https with a port, a path and a query", "https://hooks.example.com:8443/in?token=abc")]
    [InlineData("a public IPv4 address", "https://8.8.8.8/hooks")]
    [InlineData("a public IPv6 address", "https://[2606:4700::1111]/hooks")]
    [InlineData("an upper-case scheme", "HTTPS://hooks.example.com/in")]
    [InlineData("spaces around the address (a paste)", "  https://hooks.example.com/in  ")]
    public void An_https_address_on_the_internet_is_accepted_without_a_warning(string tried, string url)
    {
        var check = Guard().CheckUrl(url);

        Assert.True(check.IsValid, $"{tried}: {check.Error}");
        Assert.Null(check.Warning);
        Assert.Equal(new Uri(url.Trim()), check.Uri);
    }

    [Fact]
    public void An_http_address_is_accepted_with_a_warning_that_it_is_not_encrypted()
    {
        var check = Guard().CheckUrl("http://hooks.example.com/in");

        Assert.Null(check.Error);
        Assert.Equal(new Uri("http://hooks.example.com/in"), check.Uri);
        Assert.Equal("This address is not encrypted (http). Use https unless the receiver is on your own network.", check.Warning);
    }

    [Fact]
    public void An_http_address_is_refused_when_the_space_requires_https()
    {
        var check = Guard(o => o.RequireHttps = true).CheckUrl("http://hooks.example.com/in");

        Assert.Null(check.Uri);
        Assert.Equal("EasySpace is set to send webhooks only over https. Use an https:// address.", check.Error);
        Assert.True(Guard(o => o.RequireHttps = true).CheckUrl("https://hooks.example.com/in").IsValid);
    }

    [Theory]
    [InlineData("nothing at all", "", "Enter the address EasySpace should send webhooks to.")]
    [InlineData("only spaces", "   ", "Enter the address EasySpace should send webhooks to.")]
    [InlineData("a javascript: link", "javascript:alert(1)", "Use an http:// or https:// address; EasySpace cannot send webhooks to javascript: addresses.")]
    [InlineData("an FTP address", "ftp://x", "Use an http:// or https:// address; EasySpace cannot send webhooks to ftp: addresses.")]
    [InlineData("a data: URL", "data:text/plain,hello", "Use an http:// or https:// address; EasySpace cannot send webhooks to data: addresses.")]
    [InlineData("a file: URL", "file:///etc/passwd", "Use an http:// or https:// address; EasySpace cannot send webhooks to file: addresses.")]
    [InlineData("a relative path", "/hooks/in", NotAbsolute)]
    [InlineData("a host without a scheme", "hooks.example.com/in", NotAbsolute)]
    [InlineData("http: without the slashes", "http:hooks.example.com", NotAbsolute)]
    [InlineData("no host", "https:///hooks", "The address needs a host name, e.g. https://example.com/webhooks.")]
    [InlineData("a port but no host", "https://:443/hooks", "The address needs a host name, e.g. https://example.com/webhooks.")]
    [InlineData("a user name and password", "https://user:pw@x.com", "The address cannot contain a user name or password.")]
    [InlineData("a user name only", "https://user@x.com/", "The address cannot contain a user name or password.")]
    [InlineData("a space inside", "https://hooks.example .com/in", "The address cannot contain spaces or control characters.")]
    [InlineData("a line break inside", "https://hooks.example.com/in\r\nX-Evil: 1", "The address cannot contain spaces or control characters.")]
    [InlineData("a NUL inside", "https://hooks.example.com/\0", "The address cannot contain spaces or control characters.")]
    [InlineData("IPv4 loopback", "http://127.0.0.1/", Private)]
    [InlineData("IPv6 loopback", "http://[::1]/", Private)]
    [InlineData("the cloud metadata address (link-local)", "http://169.254.169.254/latest/meta-data", Private)]
    [InlineData("a 10/8 private address", "http://10.1.2.3", Private)]
    [InlineData("a 192.168 private address with a port", "https://192.168.1.20:8443/hooks", Private)]
    [InlineData("a private address inside IPv4-mapped IPv6", "http://[::ffff:10.0.0.1]/", Private)]
    [InlineData("a CGNAT address", "http://100.64.0.1", Private)]
    [InlineData("the unspecified address", "http://0.0.0.0:8080/", Private)]
    [InlineData("127.0.0.1 written as one decimal number", "http://2130706433/", Private)]
    [InlineData("127.0.0.1 written in hex", "http://0x7f.0.0.1/", Private)]
    [InlineData("an IPv6 link-local address", "http://[fe80::1]/", Private)]
    [InlineData("an IPv6 unique local address", "https://[fd12:3456::1]/", Private)]
    [InlineData("localhost with a port", "http://localhost:8080", Private)]
    [InlineData("LOCALHOST with a trailing dot", "http://LOCALHOST./", Private)]
    [InlineData("a name under .localhost", "http://app.localhost/", Private)]
    [InlineData("an mDNS .local name", "https://printer.local/hooks", Private)]
    [InlineData("an .internal name", "https://billing.internal/hooks", Private)]
    public void An_address_EasySpace_cannot_send_to_is_refused_with_the_reason(string tried, string url, string error)
    {
        var check = Guard().CheckUrl(url);

        Assert.True(check.Error == error, $"{tried}: expected \"{error}\" but got \"{check.Error}\"");
        Assert.Null(check.Uri);
    }

    [Fact]
    public void An_address_longer_than_2048_characters_is_refused_and_one_of_exactly_2048_is_accepted()
    {
        const string start = "https://hooks.example.com/";
        var longest = start + new string('a', TargetGuard.MaxUrlLength - start.Length);

        Assert.Equal(2048, longest.Length);
        Assert.True(Guard().CheckUrl(longest).IsValid);
        Assert.Equal("The address has at most 2,048 characters.", Guard().CheckUrl(longest + "a").Error);
    }

    [Theory]
    [InlineData("IPv4 loopback", "http://127.0.0.1/")]
    [InlineData("IPv6 loopback", "http://[::1]/")]
    [InlineData("the cloud metadata address", "http://169.254.169.254/latest/meta-data")]
    [InlineData("a 10/8 private address", "http://10.1.2.3")]
    [InlineData("a private address inside IPv4-mapped IPv6", "http://[::ffff:10.0.0.1]/")]
    [InlineData("a CGNAT address", "http://100.64.0.1")]
    [InlineData("localhost with a port", "http://localhost:8080")]
    [InlineData("an mDNS .local name", "https://printer.local/hooks")]
    public void With_AllowPrivateNetworks_private_and_local_addresses_are_accepted(string tried, string url)
    {
        var check = Guard(o => o.AllowPrivateNetworks = true).CheckUrl(url);

        Assert.True(check.IsValid, $"{tried}: {check.Error}");
        Assert.Equal(new Uri(url), check.Uri);
    }

    [Theory]
    [InlineData("the exact IP", "10.1.2.3", "http://10.1.2.3", true)]
    [InlineData("a neighbouring IP", "10.1.2.3", "http://10.1.2.4", false)]
    [InlineData("localhost", "localhost", "http://localhost:8080/in", true)]
    [InlineData("localhost in capitals", "LocalHost", "http://localhost:8080/in", true)]
    [InlineData("an IPv6 literal in brackets", "[::1]", "http://[::1]:8080/", true)]
    [InlineData("an IPv6 literal without brackets", "::1", "http://[::1]:8080/", true)]
    [InlineData("a .local name", "nas.local", "https://nas.local/hooks", true)]
    [InlineData("a different .local name", "nas.local", "https://printer.local/hooks", false)]
    public void A_host_in_AllowedHosts_is_accepted_and_only_that_host(string tried, string allowedHost, string url, bool accepted)
    {
        var check = Guard(o => o.AllowedHosts = [allowedHost]).CheckUrl(url);

        Assert.True(accepted == check.IsValid, $"{tried}: {check.Error}");
        if (!accepted) Assert.Equal(Private, check.Error);
    }

    // ---- Which addresses are blocked ----

    [Theory]
    [InlineData("0.0.0.0", true, "unspecified (0/8)")]
    [InlineData("0.255.255.255", true, "end of 0/8")]
    [InlineData("10.0.0.0", true, "start of 10/8")]
    [InlineData("10.255.255.255", true, "end of 10/8")]
    [InlineData("11.0.0.0", false, "just after 10/8")]
    [InlineData("100.63.255.255", false, "just before CGNAT 100.64/10")]
    [InlineData("100.64.0.0", true, "start of CGNAT 100.64/10")]
    [InlineData("100.127.255.255", true, "end of CGNAT 100.64/10")]
    [InlineData("100.128.0.0", false, "just after CGNAT 100.64/10")]
    [InlineData("127.0.0.1", true, "loopback")]
    [InlineData("127.255.255.254", true, "end of 127/8")]
    [InlineData("169.254.169.254", true, "cloud metadata in link-local 169.254/16")]
    [InlineData("169.254.0.1", true, "link-local 169.254/16")]
    [InlineData("169.255.0.1", false, "just after link-local")]
    [InlineData("172.15.255.255", false, "just before 172.16/12")]
    [InlineData("172.16.0.0", true, "start of 172.16/12")]
    [InlineData("172.31.255.255", true, "end of 172.16/12")]
    [InlineData("172.32.0.0", false, "just after 172.16/12")]
    [InlineData("192.0.0.8", true, "IETF protocol assignments 192.0.0/24")]
    [InlineData("192.0.2.1", true, "documentation TEST-NET-1 192.0.2/24")]
    [InlineData("192.0.3.1", false, "just after TEST-NET-1")]
    [InlineData("192.168.0.1", true, "192.168/16")]
    [InlineData("192.169.0.1", false, "just after 192.168/16")]
    [InlineData("198.17.255.255", false, "just before benchmarking 198.18/15")]
    [InlineData("198.18.0.1", true, "benchmarking 198.18/15")]
    [InlineData("198.19.255.255", true, "end of benchmarking 198.18/15")]
    [InlineData("198.20.0.0", false, "just after benchmarking 198.18/15")]
    [InlineData("198.51.100.7", true, "documentation TEST-NET-2 198.51.100/24")]
    [InlineData("203.0.113.9", true, "documentation TEST-NET-3 203.0.113/24")]
    [InlineData("224.0.0.1", true, "multicast 224/4")]
    [InlineData("239.255.255.250", true, "multicast (SSDP)")]
    [InlineData("240.0.0.1", true, "reserved 240/4")]
    [InlineData("255.255.255.255", true, "limited broadcast")]
    [InlineData("8.8.8.8", false, "public (Google DNS)")]
    [InlineData("1.1.1.1", false, "public (Cloudflare DNS)")]
    [InlineData("223.255.255.255", false, "public, just before multicast")]
    [InlineData("::", true, "IPv6 unspecified")]
    [InlineData("::1", true, "IPv6 loopback")]
    [InlineData("::8.8.8.8", true, "IPv4-compatible ::/96 (deprecated)")]
    [InlineData("fe80::1", true, "IPv6 link-local fe80::/10")]
    [InlineData("febf:ffff::1", true, "end of IPv6 link-local")]
    [InlineData("fec0::1", true, "IPv6 site-local fec0::/10 (deprecated)")]
    [InlineData("fc00::1", true, "IPv6 unique local fc00::/7")]
    [InlineData("fd12:3456:789a::1", true, "IPv6 unique local fd00::/8")]
    [InlineData("ff02::1", true, "IPv6 multicast ff00::/8")]
    [InlineData("2001:db8::1", true, "IPv6 documentation 2001:db8::/32")]
    [InlineData("64:ff9b::a00:1", true, "NAT64 of 10.0.0.1")]
    [InlineData("64:ff9b::7f00:1", true, "NAT64 of 127.0.0.1")]
    [InlineData("64:ff9b::808:808", false, "NAT64 of 8.8.8.8")]
    [InlineData("64:ff9b:1::1", true, "local-use NAT64 64:ff9b:1::/48")]
    [InlineData("::ffff:127.0.0.1", true, "IPv4-mapped loopback")]
    [InlineData("::ffff:10.0.0.1", true, "IPv4-mapped 10/8")]
    [InlineData("::ffff:169.254.169.254", true, "IPv4-mapped cloud metadata")]
    [InlineData("::ffff:8.8.8.8", false, "IPv4-mapped public")]
    [InlineData("2002:7f00:1::1", true, "6to4 of 127.0.0.1")]
    [InlineData("2002:808:808::1", false, "6to4 of 8.8.8.8")]
    [InlineData("2606:4700::1111", false, "public IPv6 (Cloudflare DNS)")]
    [InlineData("2001:4860:4860::8888", false, "public IPv6 (Google DNS)")]
    public void IsBlocked_refuses_every_private_local_and_special_range_and_nothing_public(string address, bool blocked, string range)
    {
        Assert.True(TargetGuard.IsBlocked(IPAddress.Parse(address)) == blocked, $"{address} ({range}) should {(blocked ? "" : "not ")}be blocked");
    }

    [Theory]
    [InlineData("a public address, default settings", "hooks.example.com", "8.8.8.8", false, null, true)]
    [InlineData("loopback, default settings", "localhost", "127.0.0.1", false, null, false)]
    [InlineData("loopback with AllowPrivateNetworks", "localhost", "127.0.0.1", true, null, true)]
    [InlineData("loopback for a host in AllowedHosts", "localhost", "127.0.0.1", false, "localhost", true)]
    [InlineData("a public name rebinding to loopback, another host allowed", "hooks.example.com", "127.0.0.1", false, "localhost", false)]
    [InlineData("a host in AllowedHosts with a trailing dot", "nas.local.", "192.168.1.5", false, "nas.local", true)]
    public void IsAllowed_combines_the_address_with_the_settings(string tried, string host, string address, bool allowPrivate, string? allowedHost, bool allowed)
    {
        var guard = Guard(o =>
        {
            o.AllowPrivateNetworks = allowPrivate;
            o.AllowedHosts = allowedHost is null ? [] : [allowedHost];
        });

        Assert.True(guard.IsAllowed(host, IPAddress.Parse(address)) == allowed, tried);
    }

    // ---- Checking the address actually dialled ----

    [Fact]
    public void The_delivery_handler_follows_no_redirects_keeps_no_cookies_uses_no_proxy_and_takes_its_limits_from_settings()
    {
        using var handler = Guard(o => { o.TimeoutSeconds = 7; o.MaxConcurrencyPerEndpoint = 3; }).CreateHandler();

        Assert.False(handler.AllowAutoRedirect);
        Assert.False(handler.UseCookies);
        Assert.False(handler.UseProxy);
        Assert.Equal(TimeSpan.FromMinutes(2), handler.PooledConnectionLifetime);
        Assert.Equal(3, handler.MaxConnectionsPerServer);
        Assert.Equal(TimeSpan.FromSeconds(7), handler.ConnectTimeout);
        Assert.NotNull(handler.ConnectCallback);
    }

    [Theory]
    [InlineData("a loopback IP literal", "127.0.0.1", null)]
    [InlineData("a name that resolves to loopback (DNS rebinding)", "localhost", null)]
    [InlineData("a loopback IP literal while only the name localhost is allowed", "127.0.0.1", "localhost")]
    public async Task A_request_to_a_private_address_fails_before_any_connection_is_made(string tried, string host, string? allowedHost)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var client = new HttpClient(Guard(o => o.AllowedHosts = allowedHost is null ? [] : [allowedHost]).CreateHandler()) { Timeout = TimeSpan.FromSeconds(10) };

        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync($"http://{host}:{port}/"));

        var blocked = Assert.IsType<BlockedAddressException>(failure.InnerException);
        Assert.Equal(host, blocked.Host);
        Assert.True(IPAddress.IsLoopback(blocked.Address), $"{tried}: blocked {blocked.Address}");
        Assert.Contains(host, blocked.Message);
        Assert.Contains(blocked.Address.ToString(), blocked.Message);
        Assert.False(listener.Pending(), $"{tried}: a connection reached the listener");
    }

    [Theory]
    [InlineData("a loopback IP literal with AllowPrivateNetworks", "127.0.0.1", true, null)]
    [InlineData("localhost with AllowPrivateNetworks", "localhost", true, null)]
    [InlineData("localhost listed in AllowedHosts", "localhost", false, "localhost")]
    [InlineData("127.0.0.1 listed in AllowedHosts", "127.0.0.1", false, "127.0.0.1")]
    public async Task A_request_to_an_allowed_private_address_is_delivered(string tried, string host, bool allowPrivate, string? allowedHost)
    {
        await using var server = new AnsweringServer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOK");
        using var client = new HttpClient(Guard(o =>
        {
            o.AllowPrivateNetworks = allowPrivate;
            o.AllowedHosts = allowedHost is null ? [] : [allowedHost];
        }).CreateHandler());

        using var response = await client.GetAsync($"http://{host}:{server.Port}/");

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{tried}: {response.StatusCode}");
        Assert.Equal("OK", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task A_redirect_is_handed_back_not_followed()
    {
        await using var server = new AnsweringServer("HTTP/1.1 301 Moved Permanently\r\nLocation: /elsewhere\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        using var client = new HttpClient(Guard(o => o.AllowPrivateNetworks = true).CreateHandler());

        using var response = await client.GetAsync($"http://127.0.0.1:{server.Port}/hooks");

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal("/elsewhere", response.Headers.Location?.OriginalString);
        Assert.Equal(1, server.Requests);
    }

    private static TargetGuard Guard(Action<WebhookOptions>? configure = null)
    {
        var options = new WebhookOptions();
        configure?.Invoke(options);
        return new TargetGuard(new FixedSettings(options));
    }

    /// <summary>Settings as a host would bind them from configuration; they do not change during a test.</summary>
    private sealed class FixedSettings(WebhookOptions value) : IOptionsMonitor<WebhookOptions>
    {
        public WebhookOptions CurrentValue => value;
        public WebhookOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<WebhookOptions, string?> listener) => null;
    }

    /// <summary>A minimal HTTP/1.1 server on 127.0.0.1 that reads each request's head, gives the same answer and closes.</summary>
    private sealed class AnsweringServer : IAsyncDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource stop = new();
        private readonly Task loop;
        private int requests;

        public AnsweringServer(string answer)
        {
            listener.Start();
            loop = AnswerAsync(Encoding.ASCII.GetBytes(answer));
        }

        public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

        /// <summary>Requests read so far; counted before the answer is written, so a client that has its answer sees its own request here.</summary>
        public int Requests => Volatile.Read(ref requests);

        private async Task AnswerAsync(byte[] answer)
        {
            try
            {
                while (true)
                {
                    using var connection = await listener.AcceptTcpClientAsync(stop.Token);
                    var stream = connection.GetStream();
                    try
                    {
                        if (!await ReadHeadAsync(stream, stop.Token)) continue;
                        Interlocked.Increment(ref requests);
                        await stream.WriteAsync(answer, stop.Token);
                    }
                    catch (IOException) { /* the client went away; wait for the next one */ }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        }

        /// <summary>Reads up to the blank line that ends a request's head; false if the client closed first.</summary>
        private static async Task<bool> ReadHeadAsync(NetworkStream stream, CancellationToken cancellationToken)
        {
            var buffer = new byte[1];
            var tail = 0u;
            while (tail != 0x0d0a0d0a)
            {
                if (await stream.ReadAsync(buffer, cancellationToken) == 0) return false;
                tail = (tail << 8) | buffer[0];
            }
            return true;
        }

        public async ValueTask DisposeAsync()
        {
            stop.Cancel();
            await loop;
            listener.Stop();
            listener.Dispose();
            stop.Dispose();
        }
    }
}
