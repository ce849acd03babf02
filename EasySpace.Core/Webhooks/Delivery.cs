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

/// <summary>
/// One event on its way to one endpoint, made by the engine's fan-out: it sends its event's body in the endpoint's format
/// (fixed when fanned out) under its event's webhook-id, the same bytes on every attempt.
/// </summary>
public sealed class Delivery
{
    private Delivery() { }

    public long Id { get; private set; }
    public long EndpointId { get; private set; }
    public long EventId { get; private set; }
    public Events.EventRecord? Event { get; private set; }
    public string EventName { get; private set; } = "";
    /// <summary>Which of its event's bodies it sends: the endpoint's format when the event was fanned out.</summary>
    public Events.PayloadFormat Format { get; private set; }

    /// <summary>The webhook-id header (its event's): msg_..., the receiver's key for de-duplication. Needs <see cref="Event"/> loaded.</summary>
    public string MessageId => Loaded.MessageId;

    /// <summary>The bytes every attempt sends. Needs <see cref="Event"/> loaded.</summary>
    public byte[] Body => Loaded.Body(Format);

    private Events.EventRecord Loaded => Event ?? throw new InvalidOperationException("Load the delivery with its event (Include(d => d.Event)).");
    public DeliveryStatus Status { get; private set; }
    /// <summary>Attempts made so far, over the delivery's whole life (X-EasySpace-Attempt counts on from it).</summary>
    public int AttemptCount { get; private set; }
    /// <summary>Failures since the last success or release: the position in the retry schedule.</summary>
    public int FailuresInRow { get; private set; }
    public DateTimeOffset NextAttemptAt { get; private set; }
    /// <summary>While a pump holds it; an expired lease makes it due again, so a crash loses nothing.</summary>
    public DateTimeOffset? LeaseUntil { get; private set; }
    /// <summary>The node that holds the lease (<see cref="DeliveryStore.Node"/>): which process is sending it now.</summary>
    public string? LeaseOwner { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? LastAttemptAt { get; private set; }
    public int? LastStatusCode { get; private set; }
    public string? LastError { get; private set; }
    public DateTimeOffset? DeliveredAt { get; private set; }
    /// <summary>Sent by "Test": never retried, never counted in the endpoint's stats.</summary>
    public bool IsTest { get; private set; }

    /// <summary>A "Test" delivery of its own event (one never fanned out): sent at once by the caller, never claimed by the pump, never retried.</summary>
    internal static Delivery CreateTest(long endpointId, Events.EventRecord ev, Events.PayloadFormat format, DateTimeOffset at) => new()
    {
        EndpointId = endpointId,
        Event = ev,
        EventName = ev.Name,
        Format = format,
        Status = DeliveryStatus.Pending,
        NextAttemptAt = DateTimeOffset.MaxValue,
        CreatedAt = at,
        IsTest = true,
    };

    /// <summary>A delivery as its row stands, read by the engine's writer without EF (<see cref="DeliveryStore"/>, docs/performance.md, session 12).</summary>
    internal static Delivery FromRow(long id, long endpointId, long eventId, string eventName, Events.PayloadFormat format, DeliveryStatus status,
        int attemptCount, int failuresInRow, DateTimeOffset nextAttemptAt, DateTimeOffset? leaseUntil, string? leaseOwner, DateTimeOffset createdAt,
        DateTimeOffset? lastAttemptAt, int? lastStatusCode, string? lastError, DateTimeOffset? deliveredAt, bool isTest) => new()
    {
        Id = id,
        EndpointId = endpointId,
        EventId = eventId,
        EventName = eventName,
        Format = format,
        Status = status,
        AttemptCount = attemptCount,
        FailuresInRow = failuresInRow,
        NextAttemptAt = nextAttemptAt,
        LeaseUntil = leaseUntil,
        LeaseOwner = leaseOwner,
        CreatedAt = createdAt,
        LastAttemptAt = lastAttemptAt,
        LastStatusCode = lastStatusCode,
        LastError = lastError,
        DeliveredAt = deliveredAt,
        IsTest = isTest,
    };

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
        LeaseOwner = null;
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
        LeaseOwner = null;
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
        LeaseOwner = null;
    }
}
