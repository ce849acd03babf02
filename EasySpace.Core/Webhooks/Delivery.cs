namespace EasySpace.Core.Webhooks;

public enum DeliveryStatus
{
    /// <summary>Waiting for its next attempt at <see cref="Delivery.NextAttemptAt"/>.</summary>
    Pending = 0,
    Delivered = 1,
    /// <summary>Gave up: the last retry failed, or the receiver answered 410 Gone.</summary>
    Failed = 2,
    /// <summary>Kept, not sent: its endpoint was switched off. Re-enabling can release it.</summary>
    Held = 3,
}

/// <summary>One event on its way to one endpoint: the same webhook-id and the same body bytes on every attempt.</summary>
public sealed class Delivery
{
    private Delivery() { }

    public long Id { get; private set; }
    public long EndpointId { get; private set; }
    public long? EventId { get; private set; }
    public Events.EventRecord? Event { get; private set; }
    public string EventName { get; private set; } = "";
    /// <summary>The webhook-id header: msg_..., the receiver's key for de-duplication.</summary>
    public string MessageId { get; private set; } = "";
    public byte[] Body { get; private set; } = [];
    public DeliveryStatus Status { get; private set; }
    /// <summary>Attempts made so far, over the delivery's whole life (X-EasySpace-Attempt counts on from it).</summary>
    public int AttemptCount { get; private set; }
    /// <summary>Failures since the last success or release: the position in the retry schedule.</summary>
    public int FailuresInRow { get; private set; }
    public DateTimeOffset NextAttemptAt { get; private set; }
    /// <summary>While a pump holds it; an expired lease makes it due again, so a crash loses nothing.</summary>
    public DateTimeOffset? LeaseUntil { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? LastAttemptAt { get; private set; }
    public int? LastStatusCode { get; private set; }
    public string? LastError { get; private set; }
    public DateTimeOffset? DeliveredAt { get; private set; }
    /// <summary>Sent by "Test": never retried, never counted in the endpoint's stats.</summary>
    public bool IsTest { get; private set; }

    internal static Delivery Create(long endpointId, Events.EventRecord? ev, string eventName, string messageId, byte[] body, DateTimeOffset at, bool isTest = false) => new()
    {
        EndpointId = endpointId,
        Event = ev,
        EventName = eventName,
        MessageId = messageId,
        Body = body,
        Status = DeliveryStatus.Pending,
        NextAttemptAt = at,
        CreatedAt = at,
        IsTest = isTest,
    };

    /// <summary>A "Test" delivery: sent at once by the caller, never claimed by the pump, never retried.</summary>
    internal static Delivery CreateTest(long endpointId, string eventName, string messageId, byte[] body, DateTimeOffset at)
    {
        var delivery = Create(endpointId, null, eventName, messageId, body, at, isTest: true);
        delivery.NextAttemptAt = DateTimeOffset.MaxValue;
        return delivery;
    }

    public void RecordSuccess(int statusCode, DateTimeOffset at)
    {
        AttemptCount++;
        FailuresInRow = 0;
        Status = DeliveryStatus.Delivered;
        LastAttemptAt = at;
        LastStatusCode = statusCode;
        LastError = null;
        DeliveredAt = at;
        LeaseUntil = null;
    }

    /// <summary>A failed attempt; <paramref name="retryAt"/> null means no retry is left.</summary>
    public void RecordFailure(int? statusCode, string error, DateTimeOffset at, DateTimeOffset? retryAt)
    {
        AttemptCount++;
        FailuresInRow++;
        LastAttemptAt = at;
        LastStatusCode = statusCode;
        LastError = error;
        LeaseUntil = null;
        if (retryAt is { } next)
        {
            Status = DeliveryStatus.Pending;
            NextAttemptAt = next;
        }
        else
        {
            Status = DeliveryStatus.Failed;
        }
    }

    public void Hold()
    {
        if (Status == DeliveryStatus.Pending) Status = DeliveryStatus.Held;
    }

    /// <summary>Send again from the start of the retry schedule (a held delivery released, or a manual redelivery).</summary>
    public void Release(DateTimeOffset at)
    {
        Status = DeliveryStatus.Pending;
        FailuresInRow = 0;
        NextAttemptAt = at;
        LeaseUntil = null;
    }
}
