using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using EasySpace.Core.Identity;
using EasySpace.Core.Space;
using EasySpace.Core.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;
using Endpoint = EasySpace.Core.Webhooks.Endpoint;

namespace EasySpace.Web.Api;

/// <summary>A subscription as the Cobot API shows it; <c>secret</c> only in the answer to its creation.</summary>
public sealed record SubscriptionDto(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("active")] bool Active,
    [property: JsonPropertyName("callback_url")] string CallbackUrl,
    [property: JsonPropertyName("filters")] Dictionary<string, object>? Filters,
    [property: JsonPropertyName("secret"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Secret = null);

public sealed record ValidationProblem([property: JsonPropertyName("errors")] IReadOnlyDictionary<string, string[]> Errors);

/// <summary><c>/api/subscriptions</c>, Cobot-compatible: 201 (made, or a deactivated one renewed), 422 with field errors, 409 for a duplicate, 204, 404.</summary>
internal static class SubscriptionEndpoints
{
    /// <summary>A subscription request is a few hundred bytes; anything much larger is refused before it is read.</summary>
    private const int MaxBodyBytes = 16 * 1024;

    public static RouteGroupBuilder MapSubscriptions(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/subscriptions").RequireAdmin().WithTags("Subscriptions");
        group.MapPost("", CreateAsync).RequireScope(ApiScopes.WriteSubscriptions)
            .WithSummary("Subscribe to an event")
            .WithDescription("Body: {\"event\": \"created_booking\", \"callback_url\": \"https://...\", \"filters\": {\"resource_id\": \"...\"}} as application/json. "
                + "Posting a deactivated subscription again renews it (201).")
            .Produces<SubscriptionDto>(StatusCodes.Status201Created).Produces<ValidationProblem>(StatusCodes.Status422UnprocessableEntity)
            .Produces<ApiError>(StatusCodes.Status409Conflict);
        group.MapGet("", ListAsync).RequireScope(ApiScopes.ReadSubscriptions).WithSummary("Your subscriptions");
        group.MapGet("/{id}", GetAsync).RequireScope(ApiScopes.ReadSubscriptions).WithSummary("One of your subscriptions");
        group.MapDelete("/{id}", DeleteAsync).RequireScope(ApiScopes.WriteSubscriptions).WithSummary("Delete a subscription");
        return api;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, ClaimsPrincipal user, ApiSubscriptions subscriptions, PublicUrls urls, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes)
            return Error(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {MaxBodyBytes / 1024} KB.");
        if (!request.HasJsonContentType())
            return Error(StatusCodes.Status415UnsupportedMediaType, "Send the body as application/json.");

        JsonElement body;
        try
        {
            using var limited = new MemoryStream();
            var buffer = new byte[8192];
            int read;
            while ((read = await request.Body.ReadAsync(buffer, ct)) > 0)
            {
                if (limited.Length + read > MaxBodyBytes) return Error(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {MaxBodyBytes / 1024} KB.");
                limited.Write(buffer, 0, read);
            }
            body = JsonDocument.Parse(limited.ToArray()).RootElement;
        }
        catch (JsonException)
        {
            return Error(StatusCodes.Status400BadRequest, "The body is not valid JSON.");
        }
        if (body.ValueKind != JsonValueKind.Object) return Error(StatusCodes.Status400BadRequest, "The body must be a JSON object.");

        var errors = new EasySpace.Core.ValidationErrors();
        var eventName = StringField(body, "event", errors);
        var callbackUrl = StringField(body, "callback_url", errors);
        var filters = ReadFilters(body, errors);
        if (!errors.IsEmpty) return Invalid(errors);

        var result = await subscriptions.SubscribeAsync(new SubscriptionRequest(eventName, callbackUrl, filters), Caller(user), ct);
        switch (result.Outcome)
        {
            case SubscribeOutcome.Created or SubscribeOutcome.Renewed:
                var dto = await ToDtoAsync(result.Endpoint!, urls, ct) with { Secret = result.Secret };
                return TypedResults.Created(dto.Url, dto);
            case SubscribeOutcome.Duplicate:
                return Error(StatusCodes.Status409Conflict, $"You already subscribed this callback_url to this event: {await urls.ApiUrlAsync("subscriptions", result.Endpoint!.Id.ToString(), ct)}");
            case SubscribeOutcome.SwitchedOffByManager:
                return Error(StatusCodes.Status409Conflict, "You already subscribed this callback_url to this event, and a manager of the space switched it off; ask them to switch it on again.");
            default:
                return Invalid(result.Errors);
        }
    }

    private static async Task<Ok<List<SubscriptionDto>>> ListAsync(ClaimsPrincipal user, ApiSubscriptions subscriptions, PublicUrls urls, CancellationToken ct)
    {
        var list = new List<SubscriptionDto>();
        foreach (var endpoint in await subscriptions.ListAsync(Caller(user).UserId, ct)) list.Add(await ToDtoAsync(endpoint, urls, ct));
        return TypedResults.Ok(list);
    }

    private static async Task<IResult> GetAsync(string id, ClaimsPrincipal user, ApiSubscriptions subscriptions, PublicUrls urls, CancellationToken ct) =>
        long.TryParse(id, out var key) && await subscriptions.FindAsync(key, Caller(user).UserId, ct) is { } endpoint
            ? TypedResults.Ok(await ToDtoAsync(endpoint, urls, ct))
            : TypedResults.NotFound(ApiError.NotFound);

    private static async Task<IResult> DeleteAsync(string id, ClaimsPrincipal user, ApiSubscriptions subscriptions, CancellationToken ct) =>
        long.TryParse(id, out var key) && await subscriptions.UnsubscribeAsync(key, Caller(user), ct)
            ? TypedResults.NoContent()
            : TypedResults.NotFound(ApiError.NotFound);

    private static string? StringField(JsonElement body, string name, EasySpace.Core.ValidationErrors errors)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String) { errors.Add(name, "must be a string"); return null; }
        return value.GetString();
    }

    private static EndpointFilters? ReadFilters(JsonElement body, EasySpace.Core.ValidationErrors errors)
    {
        if (!body.TryGetProperty("filters", out var f) || f.ValueKind == JsonValueKind.Null) return null;
        if (f.ValueKind != JsonValueKind.Object) { errors.Add("filters", "must be an object"); return null; }
        var filters = new EndpointFilters();
        foreach (var p in f.EnumerateObject())
        {
            switch (p.Name)
            {
                case "resource_id" when p.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number:
                    filters.ResourceId = p.Value.ToString();
                    break;
                case "fields" when p.Value.ValueKind == JsonValueKind.Array && p.Value.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String):
                    filters.Fields = p.Value.EnumerateArray().Select(x => x.GetString()!).ToList();
                    break;
                case "lead_time" when p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt32(out var minutes):
                    filters.LeadTimeMinutes = minutes;
                    break;
                case "resource_id" or "fields" or "lead_time":
                    errors.Add("filters", $"{p.Name} has the wrong type");
                    break;
                default:
                    errors.Add("filters", $"unknown filter '{(p.Name.Length > 40 ? p.Name[..40] : p.Name)}'");
                    break;
            }
        }
        return filters;
    }

    private static async Task<SubscriptionDto> ToDtoAsync(Endpoint e, PublicUrls urls, CancellationToken ct) => new(
        e.Id.ToString(),
        e.Events.FirstOrDefault() ?? "",
        await urls.ApiUrlAsync("subscriptions", e.Id.ToString(), ct),
        e.IsActive,
        e.Url,
        FiltersJson(e.Filters));

    private static Dictionary<string, object>? FiltersJson(EndpointFilters f)
    {
        if (f.IsEmpty) return null;
        var json = new Dictionary<string, object>();
        if (f.ResourceId is { } r) json["resource_id"] = r;
        if (f.Fields is { Count: > 0 } fields) json["fields"] = fields;
        if (f.LeadTimeMinutes is { } lead) json["lead_time"] = lead;
        return json;
    }

    private static Actor Caller(ClaimsPrincipal user) =>
        new(user.FindFirstValue(ClaimTypes.NameIdentifier)!, user.FindFirstValue(ClaimTypes.Name) ?? "api");

    private static IResult Invalid(EasySpace.Core.ValidationErrors errors) =>
        TypedResults.UnprocessableEntity(new ValidationProblem(errors.ByField));

    private static IResult Error(int status, string message) => TypedResults.Json(new ApiError(message), statusCode: status);
}
