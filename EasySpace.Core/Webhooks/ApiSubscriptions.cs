using EasySpace.Core.Data;
using EasySpace.Core.Events;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Webhooks;

/// <summary>What a Cobot-style subscription request carries.</summary>
public sealed record SubscriptionRequest(string? Event, string? CallbackUrl, EndpointFilters? Filters);

public enum SubscribeOutcome { Created, Invalid, Duplicate }

public sealed record SubscribeResult(SubscribeOutcome Outcome, CreatedEndpoint? Created, ValidationErrors Errors);

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
        if (!errors.IsEmpty) return new(SubscribeOutcome.Invalid, null, errors);

        var draft = new EndpointDraft
        {
            Name = Name(request.Event!, request.CallbackUrl!),
            Url = request.CallbackUrl!.Trim(),
            Events = [request.Event!],
            Filters = request.Filters,
            Format = PayloadFormat.Thin,
        };
        var validation = endpoints.Validate(draft, creating: true);
        if (!validation.IsEmpty) return new(SubscribeOutcome.Invalid, null, ToApiFields(validation));

        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var url = draft.Url;
            var exists = await db.Endpoints.AnyAsync(e => e.Origin == EndpointOrigin.Api && e.CreatedByUserId == by.UserId
                && e.Url == url && e.Events.Contains(request.Event!), ct);
            if (exists) return new(SubscribeOutcome.Duplicate, null, new ValidationErrors().Add("callback_url", "is already subscribed to this event"));
        }

        var created = await endpoints.CreateAsync(draft, EndpointOrigin.Api, by, ct);
        return created.Succeeded
            ? new(SubscribeOutcome.Created, created.Value, new())
            : new(SubscribeOutcome.Invalid, null, ToApiFields(created.Errors));
    }

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

    private static string Name(string eventName, string callbackUrl)
    {
        var host = Uri.TryCreate(callbackUrl.Trim(), UriKind.Absolute, out var uri) ? uri.Host : "callback";
        var name = $"API: {eventName} → {host}";
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
                nameof(EndpointDraft.Name) => "callback_url",
                _ when field.StartsWith("Filters") => "filters",
                _ => field.ToLowerInvariant(),
            };
            foreach (var m in messages) api.Add(name, m);
        }
        return api;
    }
}
