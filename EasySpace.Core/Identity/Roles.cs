using System.Security.Claims;

namespace EasySpace.Core.Identity;

public static class Roles
{
    /// <summary>The first account; has every right.</summary>
    public const string Owner = "Owner";
    /// <summary>Runs the space; manages integrations only with <see cref="Permissions.ManageIntegrations"/>.</summary>
    public const string Admin = "Admin";
    /// <summary>Uses the member portal.</summary>
    public const string Member = "Member";

    public static readonly string[] All = [Owner, Admin, Member];
}

public static class Permissions
{
    /// <summary>The claim type of a permission granted to one user.</summary>
    public const string ClaimType = "easyspace:permission";
    public const string ManageIntegrations = "ManageIntegrations";

    /// <summary>What the integrations pages and the API's subscription routes need: the owner, or an admin granted it.</summary>
    public static bool AllowsManagingIntegrations(ClaimsPrincipal user) =>
        user.IsInRole(Roles.Owner) || user.HasClaim(ClaimType, ManageIntegrations);
}

/// <summary>Authorization policy names; the Web project registers them.</summary>
public static class Policies
{
    /// <summary>Owner or Admin.</summary>
    public const string Staff = "Staff";
    /// <summary>Owner, or an admin granted <see cref="Permissions.ManageIntegrations"/>.</summary>
    public const string ManageIntegrations = "ManageIntegrations";
}
