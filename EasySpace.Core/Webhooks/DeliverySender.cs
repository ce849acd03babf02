using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using EasySpace.Core.Data;
using Microsoft.Extensions.Options;

namespace EasySpace.Core.Webhooks;

/// <summary>Where and how one endpoint is reached, with its secrets decrypted (kept in memory only).</summary>
public sealed record EndpointTarget(long Id, int Version, string Url, string Secret, string? PreviousSecret, IReadOnlyList<CustomHeader> Headers)
{
    private Uri? uri;

    /// <summary>The URL parsed once per target (the cache lives as long as the endpoint's version), not once per attempt.</summary>
    internal Uri? RequestUri => uri ??= string.IsNullOrEmpty(Url) ? null : new Uri(Url, UriKind.RelativeOrAbsolute);
}

/// <summary>The part of a delivery an attempt needs.</summary>
public readonly record struct Outgoing(string MessageId, string EventName, byte[] Body, int AttemptNumber);

/// <summary>One HTTP attempt and its outcome. Never throws for anything the receiver or the network does.</summary>
public sealed class DeliverySender(TargetGuard guard, IOptionsMonitor<WebhookOptions> options, TimeProvider clock)
{
    public const int ResponseBodyLimit = 4096;

    public static readonly string UserAgent =
        $"EasySpace-Webhooks/{typeof(DeliverySender).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "1.0"}";

    private static readonly MediaTypeHeaderValue Json = MediaTypeHeaderValue.Parse(SentHeaders.ContentType);

    // Each attempt's timeout comes from here and goes back unless it fired: a linked source and its timer per attempt
    // were a sizeable part of what a delivery allocated (docs/performance.md, session 13).
    private readonly ConcurrentQueue<CancellationTokenSource> timeouts = new();

    private readonly HttpClient http = new(guard.CreateDeliveryHandler(), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };

    public async Task<AttemptResult> SendAsync(EndpointTarget target, Outgoing outgoing, CancellationToken ct)
    {
        var at = clock.GetUtcNow();
        var timestamp = at.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, target.RequestUri);
        var signature = Signer.SignatureHeader(target.Secret, target.PreviousSecret, outgoing.MessageId, timestamp, outgoing.Body);
        request.Content = new ByteArrayContent(outgoing.Body) { Headers = { ContentType = Json } };
        var headers = request.Headers;
        headers.TryAddWithoutValidation("User-Agent", UserAgent);
        headers.TryAddWithoutValidation("webhook-id", outgoing.MessageId);
        headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString());
        headers.TryAddWithoutValidation("webhook-signature", signature);
        headers.TryAddWithoutValidation("X-EasySpace-Event", outgoing.EventName);
        headers.TryAddWithoutValidation("X-EasySpace-Attempt", outgoing.AttemptNumber.ToString());
        foreach (var h in target.Headers) headers.TryAddWithoutValidation(h.Name, h.Value);
        var requestHeadersJson = SentHeaders.Record(UserAgent, outgoing.MessageId, outgoing.EventName, target.PreviousSecret is not null, target.Headers);

        var timeout = timeouts.TryDequeue(out var pooled) ? pooled : new CancellationTokenSource();
        timeout.CancelAfter(TimeSpan.FromSeconds(options.CurrentValue.TimeoutSeconds));
        var shutdown = ct.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var body = await ReadStartAsync(response, timeout.Token);
            var status = (int)response.StatusCode;
            var error = status switch
            {
                >= 200 and < 300 => AttemptError.None,
                >= 300 and < 400 => AttemptError.Redirect,
                _ => AttemptError.HttpStatus,
            };
            var message = error switch
            {
                AttemptError.None => null,
                AttemptError.Redirect => $"HTTP {status}: redirects are not followed{(response.Headers.Location is { } l ? $" (to {l})" : "")}.",
                _ => $"HTTP {status} {response.ReasonPhrase}".TrimEnd(),
            };
            return new AttemptResult(at, Elapsed(started), status, error, message, requestHeadersJson,
                ResponseHeadersJson(response), body, RetryAfter(response, at));
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException or SocketException)
        {
            if (ct.IsCancellationRequested && e is OperationCanceledException) throw; // shutting down: the lease brings it back
            var (kind, message) = Classify(e, target);
            return new AttemptResult(at, Elapsed(started), null, kind, message, requestHeadersJson, null, null, null);
        }
        finally
        {
            shutdown.Dispose(); // waits for a shutdown callback under way
            if (timeout.TryReset()) timeouts.Enqueue(timeout); else timeout.Dispose();
        }
    }

    private (AttemptError, string) Classify(Exception e, EndpointTarget target)
    {
        var host = Uri.TryCreate(target.Url, UriKind.Absolute, out var uri) ? uri.Host : target.Url;
        if (e is OperationCanceledException or TimeoutException)
            return (AttemptError.Timeout, $"No answer within {options.CurrentValue.TimeoutSeconds} s.");
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case BlockedAddressException blocked:
                    return (AttemptError.BlockedAddress, blocked.Message);
                case AuthenticationException:
                    return (AttemptError.Tls, $"The TLS handshake with {host} failed: {inner.Message}");
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return (AttemptError.ConnectionRefused, $"{host} refused the connection.");
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain }:
                    return (AttemptError.Dns, $"The name {host} could not be resolved.");
                case SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown }:
                    return (AttemptError.ConnectionReset, $"{host} closed the connection.");
                case SocketException { SocketErrorCode: SocketError.TimedOut }:
                    return (AttemptError.Timeout, $"Connecting to {host} timed out.");
            }
        }
        if (e is HttpRequestException { HttpRequestError: var kind })
        {
            return kind switch
            {
                HttpRequestError.NameResolutionError => (AttemptError.Dns, $"The name {host} could not be resolved."),
                HttpRequestError.SecureConnectionError => (AttemptError.Tls, $"The TLS handshake with {host} failed."),
                HttpRequestError.ResponseEnded or HttpRequestError.InvalidResponse => (AttemptError.ConnectionReset, $"{host} closed the connection before a full answer."),
                HttpRequestError.ConnectionError => (AttemptError.ConnectionRefused, $"Could not connect to {host}."),
                _ => (AttemptError.Other, e.Message),
            };
        }
        if (e is IOException) return (AttemptError.ConnectionReset, $"{host} closed the connection before a full answer.");
        return (AttemptError.Other, e.Message);
    }

    private static async Task<string?> ReadStartAsync(HttpResponseMessage response, CancellationToken ct)
    {
        // Most receivers answer with an empty body: nothing to read, nothing to allocate.
        if (response.Content.Headers.ContentLength == 0) return null;
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = ArrayPool<byte>.Shared.Rent(ResponseBodyLimit);
        try
        {
            var read = 0;
            while (read < ResponseBodyLimit)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(read, ResponseBodyLimit - read), ct);
                if (n == 0) break;
                read += n;
            }
            return read == 0 ? null : Encoding.UTF8.GetString(buffer, 0, read);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Retry-After on 429 and 503, in seconds or as an HTTP date.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        if (response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)) return null;
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date) return date > now ? date - now : TimeSpan.Zero;
        return null;
    }

    // Written straight from the headers: a dictionary and the serializer cost more than the attempt's HTTP request.
    private static string ResponseHeadersJson(HttpResponseMessage response)
    {
        var json = JsonScratch.Start(relaxedEscaping: false);
        json.WriteStartObject();
        foreach (var headers in (HttpHeaders[])[response.Headers, response.Content.Headers])
            foreach (var (name, values) in headers.NonValidated)
                json.WriteString(name, values.Count == 1 ? values.ToString() : string.Join(", ", values));
        json.WriteEndObject();
        return JsonScratch.ToText(json);
    }

    private static int Elapsed(long started) => (int)Math.Min(int.MaxValue, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
}
