namespace EasySpace.Core.Webhooks;

/// <summary>Why an attempt failed, in words a manager can act on.</summary>
public enum AttemptError
{
    None = 0,
    /// <summary>The receiver answered, but not with 2xx (and not with a redirect).</summary>
    HttpStatus = 1,
    /// <summary>3xx: redirects are never followed.</summary>
    Redirect = 2,
    Timeout = 3,
    ConnectionRefused = 4,
    /// <summary>The connection was reset or closed before a full answer.</summary>
    ConnectionReset = 5,
    Dns = 6,
    Tls = 7,
    /// <summary>The address is private or local and such targets are not allowed.</summary>
    BlockedAddress = 8,
    Other = 9,
}

/// <summary>One try of one delivery: what we sent and what came back.</summary>
public sealed class Attempt
{
    private Attempt() { }

    public long Id { get; private set; }
    public long DeliveryId { get; private set; }
    public long EndpointId { get; private set; }
    /// <summary>1 for the first attempt; the X-EasySpace-Attempt header.</summary>
    public int Number { get; private set; }
    public DateTimeOffset At { get; private set; }
    public int DurationMs { get; private set; }
    public int? StatusCode { get; private set; }
    public AttemptError Error { get; private set; }
    public string? ErrorMessage { get; private set; }
    /// <summary>
    /// What <see cref="RequestHeaders"/> cannot work out from the attempt itself: the user agent, the webhook-id, the
    /// event, a second signature during a rotation and the custom headers' names (values redacted). Rows written
    /// before session 9 hold every header.
    /// </summary>
    public string RequestHeadersJson { get; private set; } = "{}";
    public string? ResponseHeadersJson { get; private set; }
    /// <summary>The first 4 KB of the answer.</summary>
    public string? ResponseBody { get; private set; }

    public bool Succeeded => Error == AttemptError.None;

    /// <summary>Every header the attempt sent, in the order sent, secrets redacted. The body is the delivery's, the same bytes on every attempt.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> RequestHeaders => SentHeaders.Read(RequestHeadersJson, At, Number);

    /// <summary>A short line for lists: "HTTP 500", "Connection refused".</summary>
    public string Summary => AttemptResult.Describe(Error, StatusCode, ErrorMessage);

    internal static Attempt Record(long deliveryId, long endpointId, int number, AttemptResult result) => new()
    {
        DeliveryId = deliveryId,
        EndpointId = endpointId,
        Number = number,
        At = result.At,
        DurationMs = result.DurationMs,
        StatusCode = result.StatusCode,
        Error = result.Error,
        ErrorMessage = result.ErrorMessage,
        RequestHeadersJson = result.RequestHeadersJson,
        ResponseHeadersJson = result.ResponseHeadersJson,
        ResponseBody = result.ResponseBody,
    };
}

/// <summary>What <see cref="DeliverySender"/> observed for one HTTP attempt.</summary>
public sealed record AttemptResult(
    DateTimeOffset At,
    int DurationMs,
    int? StatusCode,
    AttemptError Error,
    string? ErrorMessage,
    string RequestHeadersJson,
    string? ResponseHeadersJson,
    string? ResponseBody,
    TimeSpan? RetryAfter)
{
    public bool Succeeded => Error == AttemptError.None;
    public bool IsGone => StatusCode == 410;

    /// <summary>A short line for the delivery list and the deactivation reason.</summary>
    public string Summary => Describe(Error, StatusCode, ErrorMessage);

    internal static string Describe(AttemptError error, int? statusCode, string? message) => error switch
    {
        AttemptError.None or AttemptError.HttpStatus or AttemptError.Redirect => $"HTTP {statusCode}",
        _ => message ?? error.ToString(),
    };
}
