using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using EasySpace.Core.Events;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Webhooks;

/// <summary>Who is acting: shown in the activity log and on the endpoints they create.</summary>
public sealed record Actor(string UserId, string Email)
{
    public static readonly Actor System = new("", "system");
}

public sealed record CreatedEndpoint(Endpoint Endpoint, string Secret);

/// <summary>What the settings UI and the REST API may do to endpoints. Each call is one operation, one transaction.</summary>
public sealed class EndpointService(
    IDbContextFactory<AppDbContext> dbFactory,
    SecretBox secrets,
    TargetGuard guard,
    EndpointTargets targets,
    DeliverySender sender,
    DeliveryWriter writer,
    DeliverySignal signal,
    PublicUrls urls,
    TimeProvider clock) : IAccountRemoval
{
    public static readonly TimeSpan RotationGrace = TimeSpan.FromHours(24);
    public const int MaxNameLength = 100;

    public ValidationErrors Validate(EndpointDraft draft, bool creating)
    {
        var errors = new ValidationErrors();
        if (InputRules.RequiredText(draft.Name, "a name", MaxNameLength) is { } nameProblem) errors.Add(nameof(draft.Name), nameProblem);
        if (AddressProblem(draft.Url) is { } urlProblem) errors.Add(nameof(draft.Url), urlProblem);
        if (!string.IsNullOrEmpty(draft.Secret) && Signer.SecretProblem(draft.Secret) is { } secretProblem) errors.Add(nameof(draft.Secret), secretProblem);

        if (draft.Events is null || draft.Events.Count == 0) errors.Add(nameof(draft.Events), "Choose at least one event.");
        else
            foreach (var name in draft.Events.Distinct())
                if (EventCatalogue.Find(name) is not { } type || type.Name == EventCatalogue.TestWebhook)
                    errors.Add(nameof(draft.Events), LooksLikeEventName(name) ? $"'{name}' is not an event EasySpace sends." : "That is not an event EasySpace sends.");

        if (draft.Filters is { } f && errors.For(nameof(draft.Events)) is null)
        {
            var allowed = draft.Events!.SelectMany(e => EventCatalogue.Find(e)!.Filters).ToHashSet();
            if (f.ResourceId is not null)
            {
                if (!allowed.Contains(EventFilters.ResourceId)) errors.Add("Filters.resource_id", "Only booking events can be filtered by resource.");
                else if (f.ResourceId.Length is 0 or > 64 || f.ResourceId.Any(char.IsControl)) errors.Add("Filters.resource_id", "A resource id has 1 to 64 characters.");
            }
            if (f.Fields is { Count: > 0 })
            {
                if (!allowed.Contains(EventFilters.Fields)) errors.Add("Filters.fields", "Only updated_custom_field can be filtered by fields.");
                else if (f.Fields.Count > 50 || f.Fields.Any(x => string.IsNullOrWhiteSpace(x) || x.Length > 100 || x.Any(char.IsControl)))
                    errors.Add("Filters.fields", "Name up to 50 custom fields, each 1 to 100 characters.");
            }
            if (f.LeadTimeMinutes is { } lead)
            {
                if (!allowed.Contains(EventFilters.LeadTime)) errors.Add("Filters.lead_time", "Only booking_will_begin has a lead time.");
                else if (lead is < 0 or > 60) errors.Add("Filters.lead_time", "The lead time is 0 to 60 minutes.");
            }
        }

        foreach (var problem in HeaderRules.Problems((draft.Headers ?? []).Select(h => KeyValuePair.Create(h.Name, h.Value)).ToList()))
            errors.Add(nameof(draft.Headers), problem);
        return errors;
    }

    /// <summary>What is wrong with the address, or null. Its host may not hide characters, also not in punycode (xn--).</summary>
    private string? AddressProblem(string? address)
    {
        if (InputRules.HiddenCharacterProblem(address, "the address") is { } hidden) return hidden;
        var url = guard.CheckUrl(address);
        if (url.Error is not null) return url.Error;
        if (url.Uri!.HostNameType != UriHostNameType.Dns) return null; // an IP address has no letters to hide
        string host;
        try { host = new IdnMapping().GetUnicode(url.Uri.IdnHost); }
        catch (ArgumentException) { return "The host name is not a valid international domain name (xn--…); such a name can hide invisible characters. Check the address."; }
        return InputRules.HiddenCharacterProblem(host, "the address's host name");
    }

    public async Task<Result<CreatedEndpoint>> CreateAsync(EndpointDraft draft, EndpointOrigin origin, Actor by, CancellationToken ct = default)
    {
        var errors = Validate(draft, creating: true);
        if (!errors.IsEmpty) return errors;
        var secret = string.IsNullOrEmpty(draft.Secret) ? Signer.NewSecret() : draft.Secret;
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var endpoint = Endpoint.Create(draft, secrets.Protect(secret), secrets.ProtectHeaders(draft.Headers), origin, by.UserId, by.Email, now);
        db.Endpoints.Add(endpoint);
        db.ActivityLog.Add(ActivityEntry.Record(by.Email, ActivityKinds.WebhookCreated, endpoint.Name, now, Describe(endpoint)));
        await db.SaveChangesAsync(ct);
        return new CreatedEndpoint(endpoint, secret);
    }

    public async Task<Result<Endpoint>> UpdateAsync(long id, EndpointDraft draft, Actor by, CancellationToken ct = default)
    {
        var errors = Validate(draft, creating: false);
        if (!errors.IsEmpty) return errors;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Endpoints.FindAsync([id], ct) is not { } endpoint) return NotFound();
        var now = clock.GetUtcNow();
        var before = Settings(endpoint);
        endpoint.Update(draft, secrets.ProtectHeaders(draft.Headers), now);
        if (!string.IsNullOrEmpty(draft.Secret)) endpoint.RotateSecret(secrets.Protect(draft.Secret), TimeSpan.Zero, now);
        var changes = new ActivityDetails();
        foreach (var ((field, was), (_, value)) in before.Zip(Settings(endpoint))) changes.Change(field, was, value);
        if (!string.IsNullOrEmpty(draft.Secret)) changes.Note("Signing secret: replaced");
        db.ActivityLog.Add(ActivityEntry.Record(by.Email, ActivityKinds.WebhookUpdated, endpoint.Name, now, changes.Text));
        await db.SaveChangesAsync(ct);
        return endpoint;
    }

    public async Task<bool> DeleteAsync(long id, Actor by, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Endpoints.FindAsync([id], ct) is not { } endpoint) return false;
        db.Endpoints.Remove(endpoint); // its deliveries, attempts and stats go with it
        db.ActivityLog.Add(ActivityEntry.Record(by.Email, ActivityKinds.WebhookDeleted, endpoint.Name, clock.GetUtcNow(), Describe(endpoint)));
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>Switches the endpoint off; its undelivered deliveries are held, not dropped.</summary>
    public async Task<Result<Endpoint>> DisableAsync(long id, Actor by, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.Endpoints.FindAsync([id], ct) is not { } endpoint) return NotFound();
        var now = clock.GetUtcNow();
        endpoint.Disable(now);
        var held = await DeliveryStore.HoldPendingAsync(db, id, ct);
        db.ActivityLog.Add(ActivityEntry.Record(by.Email, ActivityKinds.WebhookDisabled, endpoint.Name, now, held > 0 ? $"{held} undelivered deliveries held" : null));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return endpoint;
    }

    /// <summary>
    /// A removed user's API webhooks stop with them: each is disabled with the reason, its undelivered deliveries held,
    /// in the caller's unit of work (the removal commits with them). The owner can take them over.
    /// </summary>
    async Task IAccountRemoval.AccountRemovedAsync(AppDbContext db, string userId, string email, string actor, DateTimeOffset now, CancellationToken ct)
    {
        var reason = $"its creator {email} was removed";
        foreach (var endpoint in await db.Endpoints.Where(e => e.Origin == EndpointOrigin.Api && e.CreatedByUserId == userId).ToListAsync(ct))
        {
            endpoint.Disable(now, reason);
            var held = await DeliveryStore.HoldPendingAsync(db, endpoint.Id, ct);
            db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.WebhookDisabled, endpoint.Name, now,
                reason + (held > 0 ? $"; {held} undelivered deliveries held" : "")));
        }
    }

    /// <summary>The acting user becomes the webhook's creator: how the owner adopts a removed admin's API webhook.</summary>
    public async Task<Result<Endpoint>> TakeOverAsync(long id, Actor by, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Endpoints.FindAsync([id], ct) is not { } endpoint) return NotFound();
        if (await CreatorExistsAsync(db, endpoint, ct)) return new ValidationErrors().Add("", $"{endpoint.CreatedByEmail} still answers for this webhook.");
        var now = clock.GetUtcNow();
        var before = endpoint.CreatedByEmail;
        endpoint.TakeOver(by.UserId, by.Email, now);
        db.ActivityLog.Add(ActivityEntry.Record(by.Email, ActivityKinds.WebhookTakenOver, endpoint.Name, now, $"created by {before}, who was removed"));
        await db.SaveChangesAsync(ct);
        return endpoint;
    }

    /// <summary>Whether the user who created an API webhook still exists (only then may it run).</summary>
    public async Task<bool> HasRemovedCreatorAsync(Endpoint endpoint, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return !await CreatorExistsAsync(db, endpoint, ct);
    }

    private static async Task<bool> CreatorExistsAsync(AppDbContext db, Endpoint endpoint, CancellationToken ct) =>
        endpoint.Origin != EndpointOrigin.Api || await db.Users.AnyAsync(u => u.Id == endpoint.CreatedByUserId, ct);

    /// <summary>Switches the endpoint on; with <paramref name="releaseHeld"/> its held deliveries are sent again from the start of the schedule.</summary>
    public async Task<Result<Endpoint>> EnableAsync(long id, bool releaseHeld, Actor by, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.Endpoints.FindAsync([id], ct) is not { } endpoint) return NotFound();
        // A token acts for its user: with the user gone, nobody would answer for what it sends.
        if (!await CreatorExistsAsync(db, endpoint, ct))
            return new ValidationErrors().Add("", $"Its creator {endpoint.CreatedByEmail} was removed: the owner takes it over first.");
        var now = clock.GetUtcNow();
        var reason = endpoint.DeactivationReason;
        endpoint.Enable(now);
        var released = releaseHeld ? await DeliveryStore.ReleaseAsync(db, d => d.EndpointId == id && d.Status == DeliveryStatus.Held, now, ct) : 0;
        db.ActivityLog.Add(ActivityEntry.Record(by.Email, ActivityKinds.WebhookEnabled, endpoint.Name, now,
            string.Join("; ", new[] { reason is null ? null : $"was deactivated: {reason}", releaseHeld ? $"{released} held deliveries released" : null }.Where(x => x is not null))));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (released > 0) signal.Wake();
        return endpoint;
    }

    public async Task<int> CountHeldAsync(long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Deliveries.CountAsync(d => d.EndpointId == id && d.Status == DeliveryStatus.Held, ct);
    }

    /// <summary>A new secret; the previous one keeps signing alongside it for 24 hours, so receivers can switch without losing events.</summary>
    public async Task<Result<string>> RotateSecretAsync(long id, string? newSecret, Actor by, CancellationToken ct = default)
    {
        if (!string.IsNullOrEmpty(newSecret) && Signer.SecretProblem(newSecret) is { } problem)
            return new ValidationErrors().Add("Secret", problem);
        var secret = string.IsNullOrEmpty(newSecret) ? Signer.NewSecret() : newSecret;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Endpoints.FindAsync([id], ct) is not { } endpoint) return NotFound();
        var now = clock.GetUtcNow();
        endpoint.RotateSecret(secrets.Protect(secret), RotationGrace, now);
        db.ActivityLog.Add(ActivityEntry.Record(by.Email, ActivityKinds.WebhookSecretRotated, endpoint.Name, now, "the previous secret signs too until " + (now + RotationGrace).ToString("u")));
        await db.SaveChangesAsync(ct);
        return secret;
    }

    /// <summary>The secret in the clear, for a manager who asked to see or copy it.</summary>
    public async Task<string?> RevealSecretAsync(long id, Actor by, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Endpoints.FindAsync([id], ct) is not { } endpoint) return null;
        db.ActivityLog.Add(ActivityEntry.Record(by.Email, ActivityKinds.WebhookSecretRevealed, endpoint.Name, clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        return secrets.Unprotect(endpoint.ProtectedSecret);
    }

    /// <summary>Sends a test event now, whatever the endpoint's status, and returns what happened. Never retried.</summary>
    public async Task<Result<Attempt>> SendTestAsync(long id, string? eventName, Actor by, CancellationToken ct = default)
    {
        var type = EventCatalogue.Find(eventName ?? EventCatalogue.TestWebhook);
        if (type is null) return new ValidationErrors().Add("Event", LooksLikeEventName(eventName) ? $"'{eventName}' is not an event EasySpace sends." : "That is not an event EasySpace sends.");
        var baseUrl = await urls.BaseUrlAsync(ct);
        var now = clock.GetUtcNow();
        long deliveryId;
        EndpointTarget target;
        Delivery delivery;
        EventRecord ev;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (await db.Endpoints.FindAsync([id], ct) is not { } endpoint) return NotFound();
            var (url, data) = type.Name == EventCatalogue.TestWebhook
                ? ($"{baseUrl}/api/subscriptions/{endpoint.Id}", new JsonObject
                {
                    ["message"] = "This is a test event from EasySpace.",
                    ["webhook"] = new JsonObject { ["id"] = endpoint.Id.ToString(), ["name"] = endpoint.Name },
                })
                : EventPayloads.ExampleOn(type, baseUrl);
            ev = EventRecord.Raise(type, new EventSubject(endpoint.Id.ToString(), "Test", data), url, now, fannedOut: true);
            delivery = Delivery.CreateTest(endpoint.Id, ev, endpoint.Format, now);
            db.Deliveries.Add(delivery);
            db.ActivityLog.Add(ActivityEntry.Record(by.Email, ActivityKinds.WebhookTested, endpoint.Name, now, type.Title)); // the log is read by managers: the title, not the code
            await db.SaveChangesAsync(ct);
            deliveryId = delivery.Id;
            target = targets.Load(endpoint, now);
        }
        var result = await sender.SendAsync(target, new Outgoing(ev.MessageId, delivery.EventName, ev.Body(delivery.Format), 1), ct);
        await writer.RecordAsync(deliveryId, result, moreComing: false, ct);
        await using var read = await dbFactory.CreateDbContextAsync(ct);
        return await read.Attempts.AsNoTracking().Where(a => a.DeliveryId == deliveryId).OrderByDescending(a => a.Id).FirstAsync(ct);
    }

    /// <summary>Sends one delivery again, with the same webhook-id and body, from the start of the retry schedule.</summary>
    public async Task<Result<Delivery>> RedeliverAsync(long deliveryId, Actor by, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Deliveries.Include(d => d.Event).SingleOrDefaultAsync(d => d.Id == deliveryId, ct) is not { IsTest: false } delivery) return NotFound("delivery");
        var endpoint = await db.Endpoints.SingleAsync(e => e.Id == delivery.EndpointId, ct);
        if (!endpoint.IsActive) return new ValidationErrors().Add("", "Switch the webhook on before sending deliveries again.");
        if (delivery.Status == DeliveryStatus.Pending && delivery.LeaseUntil > clock.GetUtcNow())
            return new ValidationErrors().Add("", "This delivery is being sent right now.");
        var now = clock.GetUtcNow();
        delivery.Release(now);
        db.ActivityLog.Add(ActivityEntry.Record(by.Email, ActivityKinds.WebhookRedelivered, endpoint.Name, now, $"{delivery.EventName} {delivery.MessageId}"));
        await db.SaveChangesAsync(ct);
        signal.Wake();
        return delivery;
    }

    /// <summary>Sends again every failed or held delivery of the endpoint created in [from, to). Returns how many.</summary>
    public async Task<Result<int>> ResendAsync(long endpointId, DateTimeOffset from, DateTimeOffset to, Actor by, CancellationToken ct = default)
    {
        if (to <= from) return new ValidationErrors().Add("", "The end of the range must come after its start.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.Endpoints.FindAsync([endpointId], ct) is not { } endpoint) return NotFound();
        if (!endpoint.IsActive) return new ValidationErrors().Add("", "Switch the webhook on before sending deliveries again.");
        var now = clock.GetUtcNow();
        var count = await DeliveryStore.ReleaseAsync(db, d => d.EndpointId == endpointId && !d.IsTest
            && (d.Status == DeliveryStatus.Failed || d.Status == DeliveryStatus.Held) && d.CreatedAt >= from && d.CreatedAt < to, now, ct);
        db.ActivityLog.Add(ActivityEntry.Record(by.Email, ActivityKinds.WebhookResent, endpoint.Name, now, $"{count} deliveries from {from:u} to {to:u}"));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (count > 0) signal.Wake();
        return count;
    }

    /// <summary>The endpoint's custom headers with their values readable, for the manager's form and summary.</summary>
    public IReadOnlyList<CustomHeader> HeadersOf(Endpoint endpoint) => secrets.UnprotectHeaders(endpoint.Headers);

    public async Task<Endpoint?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Endpoints.AsNoTracking().SingleOrDefaultAsync(e => e.Id == id, ct);
    }

    public async Task<IReadOnlyList<Endpoint>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Endpoints.AsNoTracking().OrderBy(e => e.Name).ThenBy(e => e.Id).ToListAsync(ct);
    }

    /// <summary>A webhook's settings in the form's words, for the activity log: never the secret, never header values.</summary>
    private static IReadOnlyList<(string Field, string Value)> Settings(Endpoint e) =>
    [
        ("Name", e.Name),
        ("Address", e.Url),
        ("Events", string.Join(", ", e.Events.Select(name => EventCatalogue.Find(name)?.Title ?? name))),
        ("Format", e.Format == PayloadFormat.Thin ? "Cobot-compatible" : "Full"),
        ("Custom headers", string.Join(", ", e.Headers.Select(h => h.Name))),
        ("Filters", Words(e.Filters)),
        ("Critical", e.IsCritical ? "yes: alert at the first failed delivery" : "no"),
        ("Status", e.Status.ToString()),
    ];

    private static string? Describe(Endpoint e) => Settings(e).Aggregate(new ActivityDetails(), (d, s) => d.Value(s.Field, s.Value)).Text;

    private static string Words(EndpointFilters f) => string.Join(", ", new[]
    {
        f.ResourceId is { } resource ? $"only room or desk {resource}" : null,
        f.Fields is { Count: > 0 } fields ? $"only the fields {string.Join(", ", fields)}" : null,
        f.LeadTimeMinutes is { } lead ? $"{lead} minutes ahead" : null,
    }.OfType<string>());

    private static ValidationErrors NotFound(string what = "webhook") => new ValidationErrors().Add("", $"That {what} does not exist (any more).");

    // Echo a mistyped name back to help, but never echo arbitrary input (markup, control characters) into a message.
    private static bool LooksLikeEventName(string? name) => name is { Length: > 0 and <= 64 } && name.All(c => c is (>= 'a' and <= 'z') or '_');
}
