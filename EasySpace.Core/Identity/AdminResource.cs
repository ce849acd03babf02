using System.Text.Json.Nodes;

namespace EasySpace.Core.Identity;

/// <summary>An admin as <c>GET /api/admins/{id}</c> returns it, and as created_admin / deleted_admin payloads carry it.</summary>
public static class AdminResource
{
    public const string Collection = "admins";

    public static JsonObject ToJson(AppUser user, string baseUrl) => new()
    {
        ["id"] = user.Id,
        ["name"] = user.DisplayName,
        ["email"] = user.Email,
        ["url"] = $"{baseUrl}/api/{Collection}/{user.Id}",
    };
}
