using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace EasySpace.Core.Webhooks;

/// <summary>The outcome of checking a webhook address: the parsed <see cref="Uri"/>, or the <see cref="Error"/> a user reads.</summary>
public sealed record UrlCheck(Uri? Uri, string? Error, string? Warning)
{
    public bool IsValid => Error is null;
}

/// <summary>Thrown from the connect step when every address a host resolves to is private or local and not allowed.</summary>
public sealed class BlockedAddressException(string host, IPAddress address)
    : Exception(TargetGuard.BlockedMessage(host, address))
{
    public string Host { get; } = host;
    public IPAddress Address { get; } = address;
}

/// <summary>
/// Keeps webhooks away from the network EasySpace runs in. Addresses are checked when a user saves them
/// (<see cref="CheckUrl"/>) and again on the address actually dialled (<see cref="CreateHandler"/>),
/// so a name that later resolves somewhere private (DNS rebinding) is still refused. The one exception is this box's own
/// request inbox (<see cref="IBuiltInReceiver"/>): its exact addresses are accepted and answered in-process, never dialled.
/// </summary>
public sealed partial class TargetGuard(IOptionsMonitor<WebhookOptions> options, IBuiltInReceiver? builtIn = null)
{
    public const int MaxUrlLength = 2048;
    public const string PrivateAddressError = "EasySpace does not send webhooks to private or local network addresses.";
    public const string HttpWarning = "This address is not encrypted (http). Use https unless the receiver is on your own network.";

    public UrlCheck CheckUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url)) return Refuse("Enter the address EasySpace should send webhooks to.");
        url = url.Trim();
        if (url.Length > MaxUrlLength) return Refuse("The address has at most 2,048 characters.");
        if (url.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))) return Refuse("The address cannot contain spaces or control characters.");

        var scheme = SchemePattern().Match(url);
        if (!scheme.Success) return Refuse(NotAbsolute);
        var schemeName = scheme.Groups["scheme"].Value.ToLowerInvariant();
        if (schemeName is not ("http" or "https"))
            return Refuse($"Use an http:// or https:// address; EasySpace cannot send webhooks to {schemeName}: addresses.");
        if (!url.AsSpan(scheme.Length).StartsWith("//")) return Refuse(NotAbsolute);

        var rest = url[(scheme.Length + 2)..];
        var authority = rest[..(rest.IndexOfAny(['/', '?', '#', '\\']) is var end and >= 0 ? end : rest.Length)];
        if (authority.Contains('@')) return Refuse("The address cannot contain a user name or password.");
        if (authority.Length == 0 || authority.StartsWith(':')) return Refuse(NoHost);

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return Refuse(NotAbsolute);
        if (!string.IsNullOrEmpty(uri.UserInfo)) return Refuse("The address cannot contain a user name or password.");
        if (string.IsNullOrEmpty(uri.IdnHost)) return Refuse(NoHost);
        // Never dialled (see CreateDeliveryHandler), so neither the private-address rule nor https concerns it.
        if (builtIn?.Accepts(uri) == true) return new UrlCheck(uri, null, null);

        var current = options.CurrentValue;
        string? warning = null;
        if (uri.Scheme == Uri.UriSchemeHttp)
        {
            if (current.RequireHttps) return Refuse("EasySpace is set to send webhooks only over https. Use an https:// address.");
            warning = HttpWarning;
        }

        var host = NormaliseHost(uri.IdnHost);
        var local = uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
            ? IPAddress.TryParse(host, out var literal) && IsBlocked(literal)
            : IsLocalName(host);
        if (local && !current.AllowPrivateNetworks && !IsAllowedHost(host, current)) return Refuse(PrivateAddressError);

        return new UrlCheck(uri, null, warning);
    }

    /// <summary>
    /// True for addresses that are not on the public internet: private, loopback, link-local (and so cloud metadata),
    /// CGNAT, documentation, benchmarking, multicast, reserved and unspecified; IPv4 inside IPv6 is judged by its IPv4 part.
    /// </summary>
    public static bool IsBlocked(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> v4 = stackalloc byte[4];
            address.TryWriteBytes(v4, out _);
            return IsBlockedV4(v4);
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return true;

        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        if (!b[..12].ContainsAnyExcept((byte)0)) return true;                                  // ::/96: ::, ::1 and IPv4-compatible
        if (!b[..10].ContainsAnyExcept((byte)0) && b[10] == 0xff && b[11] == 0xff) return IsBlockedV4(b[12..]); // ::ffff:0:0/96
        if (b[..12].SequenceEqual(Nat64Prefix)) return IsBlockedV4(b[12..]);                 // 64:ff9b::/96
        if (b[..6].SequenceEqual(LocalNat64Prefix)) return true;                              // 64:ff9b:1::/48
        if (b[0] == 0xff) return true;                                                        // ff00::/8 multicast
        if (b[0] == 0xfe && (b[1] & 0x80) == 0x80) return true;                               // fe80::/10 link-local, fec0::/10 site-local
        if ((b[0] & 0xfe) == 0xfc) return true;                                               // fc00::/7 unique local
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return true;        // 2001:db8::/32 documentation
        if (b[0] == 0x20 && b[1] == 0x02) return IsBlockedV4(b[2..6]);                        // 2002::/16 6to4
        return false;
    }

    /// <summary>Whether EasySpace may connect to <paramref name="address"/> for <paramref name="host"/> under the current settings.</summary>
    public bool IsAllowed(string host, IPAddress address)
    {
        var current = options.CurrentValue;
        return !IsBlocked(address) || current.AllowPrivateNetworks || IsAllowedHost(NormaliseHost(host), current);
    }

    /// <summary>
    /// The handler every webhook delivery goes through: no redirects, cookies or proxy, and a connect step that
    /// resolves the host itself and dials only addresses <see cref="IsAllowed"/> accepts.
    /// </summary>
    public SocketsHttpHandler CreateHandler()
    {
        var current = options.CurrentValue;
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            MaxConnectionsPerServer = Math.Max(1, current.MaxConcurrencyPerEndpoint),
            ConnectTimeout = TimeSpan.FromSeconds(Math.Max(1, current.TimeoutSeconds)),
            ConnectCallback = ConnectAsync,
        };
    }

    /// <summary>
    /// What deliveries go through: the request inbox's own addresses are answered in-process; every other request goes to
    /// <see cref="CreateHandler"/> unchanged.
    /// </summary>
    public HttpMessageHandler CreateDeliveryHandler() =>
        builtIn is null ? CreateHandler() : new BuiltInReceiverHandler(builtIn) { InnerHandler = CreateHandler() };

    private sealed class BuiltInReceiverHandler(IBuiltInReceiver receiver) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            await receiver.AnswerAsync(request, cancellationToken) ?? await base.SendAsync(request, cancellationToken);
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var port = context.DnsEndPoint.Port;
        var addresses = IPAddress.TryParse(StripBrackets(host), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);

        var allowed = new List<IPAddress>(addresses.Length);
        IPAddress? firstBlocked = null;
        foreach (var address in addresses)
        {
            if (IsAllowed(host, address)) allowed.Add(address);
            else firstBlocked ??= address;
        }
        if (allowed.Count == 0)
        {
            if (firstBlocked is not null) throw new BlockedAddressException(host, firstBlocked);
            throw new SocketException((int)SocketError.HostNotFound);
        }

        SocketException? lastFailure = null;
        foreach (var address in allowed)
        {
            var dial = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
            Socket? socket = null;
            try
            {
                socket = new Socket(dial.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(new IPEndPoint(dial, port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket?.Dispose();
                lastFailure = e;
            }
            catch
            {
                socket?.Dispose();
                throw;
            }
        }
        throw lastFailure!;
    }

    internal static string BlockedMessage(string host, IPAddress address)
    {
        var what = StripBrackets(host).Equals(address.ToString(), StringComparison.OrdinalIgnoreCase)
            ? $"EasySpace did not connect to {host} because it is a private or local network address."
            : $"EasySpace did not connect to {host} because it resolves to {address}, a private or local network address.";
        return what + $" To allow it, set {WebhookOptions.Section}:AllowPrivateNetworks or add the host to {WebhookOptions.Section}:AllowedHosts.";
    }

    private const string NotAbsolute = "Enter a full address starting with https://, e.g. https://example.com/webhooks.";
    private const string NoHost = "The address needs a host name, e.g. https://example.com/webhooks.";

    private static readonly byte[] Nat64Prefix = [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];
    private static readonly byte[] LocalNat64Prefix = [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01];

    private static UrlCheck Refuse(string error) => new(null, error, null);

    private static bool IsBlockedV4(ReadOnlySpan<byte> b) => b[0] switch
    {
        0 or 10 or 127 => true,                                            // this network, private, loopback
        100 => (b[1] & 0xc0) == 64,                                        // 100.64.0.0/10 CGNAT
        169 => b[1] == 254,                                                // 169.254.0.0/16 link-local, cloud metadata
        172 => (b[1] & 0xf0) == 16,                                        // 172.16.0.0/12
        192 => b[1] == 168 || (b[1] == 0 && b[2] is 0 or 2),               // 192.168/16, 192.0.0/24, 192.0.2/24
        198 => (b[1] & 0xfe) == 18 || (b[1] == 51 && b[2] == 100),         // 198.18/15 benchmarking, 198.51.100/24
        203 => b[1] == 0 && b[2] == 113,                                   // 203.0.113/24
        >= 224 => true,                                                    // 224/4 multicast, 240/4 reserved, broadcast
        _ => false,
    };

    internal static bool IsLocalName(string host) =>
        host == "localhost"
        || host.EndsWith(".localhost", StringComparison.Ordinal)
        || host.EndsWith(".local", StringComparison.Ordinal)
        || host.EndsWith(".internal", StringComparison.Ordinal);

    private static bool IsAllowedHost(string normalisedHost, WebhookOptions current)
    {
        foreach (var entry in current.AllowedHosts ?? [])
        {
            if (string.IsNullOrWhiteSpace(entry)) continue;
            var allowed = NormaliseHost(entry);
            if (allowed == normalisedHost) return true;
            if (IPAddress.TryParse(allowed, out var a) && IPAddress.TryParse(normalisedHost, out var h) && a.Equals(h)) return true;
        }
        return false;
    }

    private static string NormaliseHost(string host) => StripBrackets(host.Trim()).TrimEnd('.').ToLowerInvariant();

    private static string StripBrackets(string host) =>
        host.Length > 1 && host[0] == '[' && host[^1] == ']' ? host[1..^1] : host;

    [GeneratedRegex("^(?<scheme>[A-Za-z][A-Za-z0-9+.-]*):")]
    private static partial Regex SchemePattern();
}
