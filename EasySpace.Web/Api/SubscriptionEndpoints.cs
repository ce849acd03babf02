using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using EasySpace.Core;
using EasySpace.Core.Identity;
using EasySpace.Core.Space;
using EasySpace.Core.Webhooks;
using EasySpace.Web.Components.Account;
using Microsoft.AspNetCore.Authorization;
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

/// <summary>
/// <c>/api/subscriptions</c>, Cobot-compatible: 201 (made, or a deactivated one renewed), 422 with field errors, 409 for a
/// duplicate, 204, 404. Like Cobot (a Rails app), creation takes a JSON, form-encoded or multipart body.
/// </summary>
internal static class SubscriptionEndpoints
{
    public static RouteGroupBuilder MapSubscriptions(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/subscriptions").RequireManageIntegrations().WithTags("Subscriptions");
        group.MapPost("", CreateAsync).RequireScope(ApiScopes.WriteSubscriptions)
            .WithSummary("Subscribe to an event")
            .WithDescription("Body: {\"event\": \"created_booking\", \"callback_url\": \"https://...\", \"filters\": {\"resource_id\": \"...\"}} "
                + "as application/json, or the same fields (filters[resource_id]=...) as application/x-www-form-urlencoded or multipart/form-data. "
                + "Posting a deactivated subscription again renews it (201).")
            .Produces<SubscriptionDto>(StatusCodes.Status201Created).Produces<ValidationProblem>(StatusCodes.Status422UnprocessableEntity)
            .Produces<ApiError>(StatusCodes.Status409Conflict);
        group.MapGet("", ListAsync).RequireScope(ApiScopes.ReadSubscriptions).WithSummary("Your subscriptions");
        group.MapGet("/{id}", GetAsync).RequireScope(ApiScopes.ReadSubscriptions).WithSummary("One of your subscriptions, or a webhook made in the settings (the url of its test_webhook)");
        group.MapDelete("/{id}", DeleteAsync).RequireScope(ApiScopes.WriteSubscriptions).WithSummary("Delete a subscription");
        return api;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, ClaimsPrincipal user, ApiSubscriptions subscriptions, PublicUrls urls, CancellationToken ct)
    {
        JsonElement body;
        try
        {
            if (request.HasJsonContentType()) body = ParseJson(await ApiBodies.ReadAsync(request, ct));
            else if (request.HasFormContentType) body = FormAsJson(await ApiBodies.ReadFormAsync(request, ct));
            else return Error(StatusCodes.Status415UnsupportedMediaType, "Send the body as application/json, application/x-www-form-urlencoded or multipart/form-data.");
        }
        catch (BadHttpRequestException e) // Kestrel's: over the size limit, or a body that ended before its length
        {
            return e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? Error(StatusCodes.Status413PayloadTooLarge, ApiBodies.TooLargeMessage)
                : Error(StatusCodes.Status400BadRequest, "The body could not be read to its end.");
        }
        catch (JsonException)
        {
            return Error(StatusCodes.Status400BadRequest, "The body is not valid JSON: check its syntax, that it is UTF-8, and that no string holds half of a surrogate pair (\\ud800).");
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            // What the form readers throw for a broken multipart body or a field they refuse (a NUL, for one).
            return Error(StatusCodes.Status400BadRequest, "The body is not a valid form: check the multipart boundary and that no field holds a control character.");
        }
        if (body.ValueKind != JsonValueKind.Object) return Error(StatusCodes.Status400BadRequest, "The body must be a JSON object.");

        var errors = new EasySpace.Core.ValidationErrors();
        var eventName = StringField(body, "event", errors);
        var callbackUrl = StringField(body, "callback_url", errors);
        var filters = ReadFilters(body, errors);
        if (!errors.IsEmpty) return Invalid(errors);

        var result = await subscriptions.SubscribeAsync(new SubscriptionRequest(eventName, callbackUrl, filters), CurrentActor.Of(user), ct);
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

    /// <summary>
    /// Parses the body and reads every string in it once: invalid UTF-8 or a lone surrogate escape only shows when a
    /// string is read, and must be a 400 here rather than an exception wherever a field is read later.
    /// </summary>
    private static JsonElement ParseJson(byte[] bytes)
    {
        var root = JsonDocument.Parse(bytes).RootElement;
        try
        {
            ReadAllStrings(root);
        }
        catch (InvalidOperationException e)
        {
            throw new JsonException(e.Message, e);
        }
        return root;

        static void ReadAllStrings(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String: element.GetString(); break;
                case JsonValueKind.Array: foreach (var item in element.EnumerateArray()) ReadAllStrings(item); break;
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        _ = property.Name;
                        ReadAllStrings(property.Value);
                    }
                    break;
            }
        }
    }

    /// <summary>
    /// A form in the shape of the JSON body, the way Rails reads it, so both get the same validation and answers:
    /// <c>event</c>, <c>callback_url</c>, <c>filters[name]</c>, <c>filters[fields][]</c> for a list. A field given twice
    /// becomes a list (and is refused as not a string); <c>access_token</c> and other fields are left out.
    /// </summary>
    private static JsonElement FormAsJson(IFormCollection form)
    {
        var body = new JsonObject();
        var filters = new JsonObject();
        foreach (var (key, values) in form)
        {
            if (key is "event" or "callback_url") body[key] = Value(values, list: false);
            else if (key.StartsWith("filters[", StringComparison.Ordinal) && key.IndexOf(']') is var close and > 8)
                filters[key[8..close]] = Value(values, list: key.EndsWith("[]", StringComparison.Ordinal) && key.Length > close + 1);
        }
        if (filters.Count > 0) body["filters"] = filters;
        return JsonSerializer.SerializeToElement(body);

        static JsonNode? Value(Microsoft.Extensions.Primitives.StringValues values, bool list) =>
            list || values.Count > 1 ? new JsonArray(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()) : JsonValue.Create(values.ToString());
    }

    private static async Task<Ok<List<SubscriptionDto>>> ListAsync(ClaimsPrincipal user, ApiSubscriptions subscriptions, PublicUrls urls, CancellationToken ct)
    {
        var list = new List<SubscriptionDto>();
        foreach (var endpoint in await subscriptions.ListAsync(CurrentActor.Of(user).UserId, ct)) list.Add(await ToDtoAsync(endpoint, urls, ct));
        return TypedResults.Ok(list);
    }

    private static async Task<IResult> GetAsync(string id, ClaimsPrincipal user, ApiSubscriptions subscriptions, IAuthorizationService authorization,
        PublicUrls urls, CancellationToken ct) =>
        long.TryParse(id, out var key)
        && await subscriptions.ShowAsync(key, CurrentActor.Of(user).UserId, (await authorization.AuthorizeAsync(user, Policies.ManageIntegrations)).Succeeded, ct) is { } endpoint
            ? TypedResults.Ok(await ToDtoAsync(endpoint, urls, ct))
            : TypedResults.NotFound(ApiError.NotFound);

    private static async Task<IResult> DeleteAsync(string id, ClaimsPrincipal user, ApiSubscriptions subscriptions, CancellationToken ct) =>
        long.TryParse(id, out var key) && await subscriptions.UnsubscribeAsync(key, CurrentActor.Of(user), ct)
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
                case "lead_time" when Minutes(p.Value) is { } minutes:
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

    /// <summary>A whole number of minutes, as a JSON number or as the text of one (what a form sends).</summary>
    private static int? Minutes(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt32(out var n) => n,
        JsonValueKind.String when int.TryParse(value.GetString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };

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

    private static IResult Invalid(EasySpace.Core.ValidationErrors errors) =>
        TypedResults.UnprocessableEntity(new ValidationProblem(errors.ByField));

    private static IResult Error(int status, string message) => TypedResults.Json(new ApiError(message), statusCode: status);
}
