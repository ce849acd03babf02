using EasySpace.Core.Events;

namespace EasySpace.Core.Webhooks;

public enum EndpointStatus
{
    /// <summary>Receives deliveries.</summary>
    Active = 0,
    /// <summary>Switched off by a manager.</summary>
    Disabled = 1,
    /// <summary>Switched off by EasySpace: the receiver answered 410 Gone or kept failing past the last retry.</summary>
    Deactivated = 2,
}

public enum EndpointOrigin
{
    SettingsUi = 0,
    Api = 1,
}

/// <summary>A custom HTTP header a manager adds to every request.</summary>
public sealed record CustomHeader(string Name, string Value);

/// <summary>Optional narrowing of which events of a subscribed type reach the endpoint.</summary>
public sealed class EndpointFilters
{
    /// <summary>Only bookings of this resource (room, desk).</summary>
    public string? ResourceId { get; set; }
    /// <summary>Only changes to these custom fields.</summary>
    public List<string>? Fields { get; set; }
    /// <summary>booking_will_begin this many minutes (0–60) before the start.</summary>
    public int? LeadTimeMinutes { get; set; }

    /// <summary>Whether an event about <paramref name="subject"/> passes these filters.</summary>
    public bool Admit(EventSubject subject) => Admit(subject.ResourceId, subject.ChangedFields, subject.LeadMinutes);

    /// <summary>Whether an event with these filter inputs (as its row holds them) passes these filters.</summary>
    public bool Admit(string? resourceId, IReadOnlyCollection<string>? changedFields, int? leadMinutes)
    {
        if (ResourceId is { } resource && resourceId != resource) return false;
        if (Fields is { Count: > 0 } fields && (changedFields is null || !changedFields.Any(fields.Contains))) return false;
        if (leadMinutes is { } lead && LeadMinutes != lead) return false;
        return true;
    }

    /// <summary>The lead time booking_will_begin is announced with for this endpoint: 0–60, 0 when unset.</summary>
    public int LeadMinutes => Math.Clamp(LeadTimeMinutes ?? 0, 0, 60);

    public bool IsEmpty => ResourceId is null && (Fields is null || Fields.Count == 0) && LeadTimeMinutes is null;
}

/// <summary>What a manager (or an API client) configures: where to send which events, and how.</summary>
public sealed class Endpoint
{
    private Endpoint() { }

    public long Id { get; private set; }
    public string Name { get; private set; } = "";
    public string Url { get; private set; } = "";
    /// <summary>The signing secret, encrypted with Data Protection (see <see cref="SecretBox"/>).</summary>
    public string ProtectedSecret { get; private set; } = "";
    /// <summary>During a rotation the previous secret still signs, until <see cref="PreviousSecretExpiresAt"/>.</summary>
    public string? ProtectedPreviousSecret { get; private set; }
    public DateTimeOffset? PreviousSecretExpiresAt { get; private set; }
    public List<string> Events { get; private set; } = [];
    public EndpointFilters Filters { get; private set; } = new();
    /// <summary>Custom headers, values encrypted like the secret (they often hold API keys; see <see cref="SecretBox.ProtectHeaders"/>).</summary>
    public List<CustomHeader> Headers { get; private set; } = [];
    public PayloadFormat Format { get; private set; }
    /// <summary>Critical: its "failing" alert goes out at its first failed delivery, not when most fail (see Alerts).</summary>
    public bool IsCritical { get; private set; }
    public EndpointStatus Status { get; private set; }
    public string? DeactivationReason { get; private set; }
    public DateTimeOffset? DeactivatedAt { get; private set; }
    public EndpointOrigin Origin { get; private set; }
    /// <summary>Identity user id of whoever created it.</summary>
    public string CreatedByUserId { get; private set; } = "";
    public string CreatedByEmail { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    /// <summary>Bumped on every change, so caches of the decrypted secret know when to reload.</summary>
    public int Version { get; private set; }

    public bool IsActive => Status == EndpointStatus.Active;

    internal static Endpoint Create(EndpointDraft draft, string protectedSecret, List<CustomHeader> protectedHeaders, EndpointOrigin origin, string userId, string email, DateTimeOffset at) => new()
    {
        Name = draft.Name.Trim(),
        Url = draft.Url.Trim(),
        ProtectedSecret = protectedSecret,
        Events = draft.Events.Distinct().ToList(),
        Filters = draft.Filters ?? new(),
        Headers = protectedHeaders,
        Format = draft.Format,
        IsCritical = draft.Critical,
        Status = EndpointStatus.Active,
        Origin = origin,
        CreatedByUserId = userId,
        CreatedByEmail = email,
        CreatedAt = at,
        UpdatedAt = at,
        Version = 1,
    };

    internal void Update(EndpointDraft draft, List<CustomHeader> protectedHeaders, DateTimeOffset at)
    {
        Name = draft.Name.Trim();
        Url = draft.Url.Trim();
        Events = draft.Events.Distinct().ToList();
        Filters = draft.Filters ?? new();
        Headers = protectedHeaders;
        Format = draft.Format;
        IsCritical = draft.Critical;
        Touch(at);
    }

    /// <summary>Replaces the secret; the old one keeps signing alongside for <paramref name="grace"/> (zero: at once).</summary>
    internal void RotateSecret(string newProtectedSecret, TimeSpan grace, DateTimeOffset at)
    {
        if (grace > TimeSpan.Zero)
        {
            ProtectedPreviousSecret = ProtectedSecret;
            PreviousSecretExpiresAt = at + grace;
        }
        else
        {
            ProtectedPreviousSecret = null;
            PreviousSecretExpiresAt = null;
        }
        ProtectedSecret = newProtectedSecret;
        Touch(at);
    }

    /// <summary>The start-up upgrade's step: header values a version before encryption stored in clear, now encrypted.</summary>
    internal void ReplaceClearHeaders(List<CustomHeader> protectedHeaders) => Headers = protectedHeaders;

    public bool PreviousSecretValidAt(DateTimeOffset at) => ProtectedPreviousSecret is not null && PreviousSecretExpiresAt > at;

    /// <summary>Switched off by a manager (no reason), or by EasySpace with a reason, e.g. its creator was removed.</summary>
    public void Disable(DateTimeOffset at, string? reason = null)
    {
        Status = EndpointStatus.Disabled;
        DeactivationReason = reason;
        DeactivatedAt = reason is null ? null : at;
        Touch(at);
    }

    /// <summary>Someone else answers for it from now on (the owner takes over a removed admin's webhook).</summary>
    internal void TakeOver(string userId, string email, DateTimeOffset at)
    {
        CreatedByUserId = userId;
        CreatedByEmail = email;
        Touch(at);
    }

    /// <summary>EasySpace switches the endpoint off; the reason is kept and shown to the manager.</summary>
    public void Deactivate(string reason, DateTimeOffset at)
    {
        Status = EndpointStatus.Deactivated;
        DeactivationReason = reason;
        DeactivatedAt = at;
        Touch(at);
    }

    public void Enable(DateTimeOffset at)
    {
        Status = EndpointStatus.Active;
        DeactivationReason = null;
        DeactivatedAt = null;
        Touch(at);
    }

    /// <summary>Whether an event of this type, about this subject, goes to this endpoint.</summary>
    private void Touch(DateTimeOffset at)
    {
        UpdatedAt = at;
        Version++;
    }
}

/// <summary>What the form or the API hands in to create or change an endpoint.</summary>
public sealed class EndpointDraft
{
    public string Name { get; set; } = "";
    public string Url { get; set; } = "";
    /// <summary>A typed secret; empty to generate one (on create) or keep the current one (on update).</summary>
    public string? Secret { get; set; }
    public List<string> Events { get; set; } = [];
    public EndpointFilters? Filters { get; set; }
    public List<CustomHeader> Headers { get; set; } = [];
    public PayloadFormat Format { get; set; } = PayloadFormat.Full;
    /// <summary>Alert at its first failed delivery (<see cref="Endpoint.IsCritical"/>).</summary>
    public bool Critical { get; set; }
}
