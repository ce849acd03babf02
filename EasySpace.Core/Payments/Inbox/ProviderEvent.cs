namespace EasySpace.Core.Payments.Inbox;

/// <summary>How a provider event reached the box.</summary>
public enum EventSource { Webhook = 1, Reconciliation = 2 }

/// <summary>
/// One event a provider told us about, stored before anything acts on it. (Provider, EventId) is unique, so a
/// provider's retry or a reconciliation that finds it again adds nothing; processing is marked when it is done, and
/// what processing does is itself keyed by the provider's ids, so a run cut short and repeated records nothing twice.
/// </summary>
public sealed class ProviderEvent
{
    public const int MaxTries = 10;

    private ProviderEvent() { }

    public long Id { get; private set; }
    public PaymentProvider Provider { get; private set; }
    public string EventId { get; private set; } = "";
    public string Type { get; private set; } = "";
    /// <summary>The event as the provider sent it (verified before it was stored).</summary>
    public string Payload { get; private set; } = "";
    public EventSource Source { get; private set; }
    public DateTimeOffset ReceivedAt { get; private set; }
    public DateTimeOffset? ProcessedAt { get; private set; }
    /// <summary>What processing did, in a manager's words ("recorded a payment of 120.00 EUR on invoice 2026-0004").</summary>
    public string? Outcome { get; private set; }
    public int Tries { get; private set; }
    public string? LastError { get; private set; }

    public bool IsProcessed => ProcessedAt is not null;

    internal static ProviderEvent Receive(PaymentProvider provider, string eventId, string type, string payload, EventSource source, DateTimeOffset at) =>
        new() { Provider = provider, EventId = eventId, Type = type, Payload = payload, Source = source, ReceivedAt = at };

    internal void Processed(string outcome, DateTimeOffset at)
    {
        Tries++;
        Outcome = Clip(outcome, 1000);
        LastError = null;
        ProcessedAt = at;
    }

    internal void Failed(string error)
    {
        Tries++;
        LastError = Clip(error, 1000);
    }

    private static string Clip(string s, int max) => s.Length > max ? s[..max] : s;
}
