namespace EasySpace.Core.RequestInbox;

/// <summary>What the signature check found, in the words the page shows.</summary>
public enum SignatureVerdict
{
    Valid = 0,
    /// <summary>No webhook's address is this inbox, so there is no secret to check against.</summary>
    NoWebhook = 1,
    /// <summary>webhook-id, webhook-timestamp or webhook-signature is missing.</summary>
    MissingHeaders = 2,
    /// <summary>webhook-timestamp is more than the tolerance away from when the request arrived.</summary>
    TimestampTooOld = 3,
    /// <summary>No signature in the header matches the secret of a webhook pointing here.</summary>
    Mismatch = 4,
}

/// <summary>One request an inbox received, as it arrived (the body cut at <see cref="MaxBodyBytes"/>).</summary>
public sealed class InboxRequest
{
    private InboxRequest() { }

    /// <summary>How much of a body is kept; the rest is dropped and the page says so.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public long Id { get; private set; }
    public long InboxId { get; private set; }
    public DateTimeOffset ReceivedAt { get; private set; }
    public string Method { get; private set; } = "";
    /// <summary>The headers as a JSON object of name to value (repeated headers joined with ", ").</summary>
    public string HeadersJson { get; private set; } = "{}";
    public string Body { get; private set; } = "";
    /// <summary>The size of the whole body as it arrived, in bytes.</summary>
    public int BodyBytes { get; private set; }
    public bool BodyCut { get; private set; }
    public SignatureVerdict Signature { get; private set; }
    /// <summary>The webhook whose secret signed it (when valid), or the one checked against.</summary>
    public string? WebhookName { get; private set; }

    internal static InboxRequest Record(long inboxId, string method, string headersJson, ReadOnlySpan<byte> body,
        SignatureVerdict signature, string? webhookName, DateTimeOffset at)
    {
        var kept = body.Length > MaxBodyBytes ? body[..MaxBodyBytes] : body;
        return new InboxRequest
        {
            InboxId = inboxId,
            ReceivedAt = at,
            Method = method,
            HeadersJson = headersJson,
            // A cut may split a UTF-8 character; the decoder shows it as one replacement character.
            Body = System.Text.Encoding.UTF8.GetString(kept),
            BodyBytes = body.Length,
            BodyCut = body.Length > MaxBodyBytes,
            Signature = signature,
            WebhookName = webhookName,
        };
    }
}
