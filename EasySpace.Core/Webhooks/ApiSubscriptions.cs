using EasySpace.Core.Data;
using EasySpace.Core.Events;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Webhooks;

/// <summary>What a Cobot-style subscription request carries.</summary>
public sealed record SubscriptionRequest(string? Event, string? CallbackUrl, EndpointFilters? Filters);

public enum SubscribeOutcome { Created, Renewed, Invalid, Duplicate, SwitchedOffByManager }

/// <summary>The subscription made or renewed; <see cref="Secret"/> only when it was made now.</summary>
public sealed record SubscribeResult(SubscribeOutcome Outcome, Endpoint? Endpoint, string? Secret, ValidationErrors Errors)
{
    public static SubscribeResult Invalid(ValidationErrors errors) => new(SubscribeOutcome.Invalid, null, null, errors);
}

/// <summary>
/// The REST API's view of endpoints: a subscription is an endpoint with one event, the thin (Cobot) payload, made by
/// an API client on behalf of its token's user, who sees only their own.
/// </summary>
public sealed class ApiSubscriptions(IDbContextFactory<AppDbContext> dbFactory, EndpointService endpoints)
{
    public async Task<SubscribeResult> SubscribeAsync(SubscriptionRequest request, Actor by, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(request.Event)) errors.Add("event", "can't be blank");
        if (string.IsNullOrWhiteSpace(request.CallbackUrl)) errors.Add("callback_url", "can't be blank");
        if (!errors.IsEmpty) return SubscribeResult.Invalid(errors);

        var draft = new EndpointDraft
        {
            Name = Name(request.Event!, request.CallbackUrl!),
            Url = request.CallbackUrl!.Trim(),
            Events = [request.Event!],
            Filters = request.Filters,
            Format = PayloadFormat.Thin,
        };
        var validation = endpoints.Validate(draft, creating: true);
        if (!validation.IsEmpty) return SubscribeResult.Invalid(ToApiFields(validation));

        switch (await FindSameAsync(request.Event!, draft.Url, by.UserId, ct))
        {
            // Cobot: a subscription deactivated after its retries "has to be renewed" by posting it again. It comes back
            // as it was (id, secret, filters), and what it held is sent with the webhook-ids it already had.
            case { Status: EndpointStatus.Deactivated } deactivated:
                var renewed = await endpoints.EnableAsync(deactivated.Id, releaseHeld: true, by, ct);
                return renewed.Succeeded
                    ? new(SubscribeOutcome.Renewed, renewed.Value, null, new())
                    : SubscribeResult.Invalid(ToApiFields(renewed.Errors));
            // A manager's "Disable" is a decision about the receiver; the client must not undo it.
            case { Status: EndpointStatus.Disabled } disabled:
                return new(SubscribeOutcome.SwitchedOffByManager, disabled, null, new());
            case { } active:
                return new(SubscribeOutcome.Duplicate, active, null, new());
        }

        var created = await endpoints.CreateAsync(draft, EndpointOrigin.Api, by, ct);
        return created.Succeeded
            ? new(SubscribeOutcome.Created, created.Value!.Endpoint, created.Value.Secret, new())
            : SubscribeResult.Invalid(ToApiFields(created.Errors));
    }

    /// <summary>The user's subscription of this event to the same receiver, in whatever state it is.</summary>
    private async Task<Endpoint?> FindSameAsync(string eventName, string callbackUrl, string userId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var theirs = await db.Endpoints.AsNoTracking()
            .Where(e => e.Origin == EndpointOrigin.Api && e.CreatedByUserId == userId).OrderBy(e => e.Id).ToListAsync(ct);
        var receiver = SameReceiverKey(callbackUrl);
        return theirs.FirstOrDefault(e => e.Events.Contains(eventName) && SameReceiverKey(e.Url) == receiver);
    }

    /// <summary>
    /// The callback URL as compared for duplicates: scheme and host are case-insensitive and a default port is the same
    /// as none (RFC 3986 §6.2.3), so "HTTPS://CRM.example.com:443/a" and "https://crm.example.com/a" are one receiver.
    /// The path and query stay as given: a receiver may tell them apart.
    /// </summary>
    internal static string SameReceiverKey(string callbackUrl) =>
        Uri.TryCreate(callbackUrl.Trim(), UriKind.Absolute, out var uri)
            ? $"{uri.Scheme}://{uri.IdnHost}{(uri.IsDefaultPort ? "" : ":" + uri.Port)}{uri.PathAndQuery}"
            : callbackUrl.Trim();

    public async Task<IReadOnlyList<Endpoint>> ListAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Endpoints.AsNoTracking().Where(e => e.Origin == EndpointOrigin.Api && e.CreatedByUserId == userId).OrderBy(e => e.Id).ToListAsync(ct);
    }

    /// <summary>The user's own subscription, or null (someone else's is as good as missing).</summary>
    public async Task<Endpoint?> FindAsync(long id, string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Endpoints.AsNoTracking().SingleOrDefaultAsync(e => e.Id == id && e.Origin == EndpointOrigin.Api && e.CreatedByUserId == userId, ct);
    }

    /// <summary>
    /// What <c>GET /api/subscriptions/{id}</c> shows: the user's own subscription, or, for a caller who may manage
    /// integrations, a webhook made in the settings UI (its test_webhook carries this url).
    /// </summary>
    public async Task<Endpoint?> ShowAsync(long id, string userId, bool managesIntegrations, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Endpoints.AsNoTracking().SingleOrDefaultAsync(e => e.Id == id
            && ((e.Origin == EndpointOrigin.Api && e.CreatedByUserId == userId) || (managesIntegrations && e.Origin == EndpointOrigin.SettingsUi)), ct);
    }

    public async Task<bool> UnsubscribeAsync(long id, Actor by, CancellationToken ct = default) =>
        await FindAsync(id, by.UserId, ct) is not null && await endpoints.DeleteAsync(id, by, ct);

    /// <summary>
    /// Made from the catalogue's name of the event, never the text the client sent: a bad event is then reported once,
    /// under <c>event</c>, and a problem with the name can only come from the callback URL's host.
    /// </summary>
    private static string Name(string eventName, string callbackUrl)
    {
        var host = Uri.TryCreate(callbackUrl.Trim(), UriKind.Absolute, out var uri) ? uri.Host : "callback";
        var name = $"API: {EventCatalogue.Find(eventName)?.Name ?? "unknown event"} → {host}";
        return name.Length > EndpointService.MaxNameLength ? name[..EndpointService.MaxNameLength] : name;
    }

    /// <summary>The form's field names, in the API's words.</summary>
    private static ValidationErrors ToApiFields(ValidationErrors errors)
    {
        var api = new ValidationErrors();
        foreach (var (field, messages) in errors.ByField)
        {
            var name = field switch
            {
                nameof(EndpointDraft.Url) => "callback_url",
                nameof(EndpointDraft.Events) => "event",
                nameof(EndpointDraft.Name) => "callback_url", // only the host varies, see Name()
                _ when field.StartsWith("Filters") => "filters",
                _ => field.ToLowerInvariant(),
            };
            foreach (var m in messages) api.Add(name, m);
        }
        return api;
    }
}
