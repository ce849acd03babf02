using EasySpace.Core.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;

namespace EasySpace.Web.Api;

/// <summary>The token must carry <see cref="Scope"/> (or a scope that grants it, see <see cref="ApiScopes.Grants"/>).</summary>
public sealed class ScopeRequirement(string scope) : AuthorizationHandler<ScopeRequirement>, IAuthorizationRequirement
{
    public string Scope { get; } = scope;

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        if (ApiScopes.Grants(context.User.FindAll(ApiScopes.ClaimType).Select(c => c.Value), requirement.Scope))
            context.Succeed(requirement);
        return Task.CompletedTask;
    }

    public override string ToString() => $"Scope {Scope}";
}

/// <summary>The token's user is the owner or holds ManageIntegrations, as read for this request (see <see cref="ApiCaller"/>).</summary>
public sealed class ManageIntegrationsRequirement : AuthorizationHandler<ManageIntegrationsRequirement>, IAuthorizationRequirement
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ManageIntegrationsRequirement requirement)
    {
        if (Permissions.AllowsManagingIntegrations(context.User)) context.Succeed(requirement);
        return Task.CompletedTask;
    }

    public override string ToString() => "ManageIntegrations";
}

public static class ApiAuthorization
{
    /// <summary>Only a token with <paramref name="scope"/> may call these endpoints; others get 403 JSON naming the scope.</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder
    {
        if (!ApiScopes.Exists(scope)) throw new ArgumentException($"'{scope}' is not in ApiScopes.All.", nameof(scope));
        return builder.RequireAuthorization(new AuthorizationPolicyBuilder(ApiTokenDefaults.Scheme)
            .AddRequirements(new ScopeRequirement(scope)).Build());
    }

    /// <summary>Only a token whose user is the owner or an admin may call these endpoints (a member's token may not).</summary>
    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(new AuthorizationPolicyBuilder(ApiTokenDefaults.Scheme)
            .RequireRole(Roles.Owner, Roles.Admin).Build());

    /// <summary>Only a token whose user may manage integrations may call these endpoints (the subscriptions calls).</summary>
    public static TBuilder RequireManageIntegrations<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(new AuthorizationPolicyBuilder(ApiTokenDefaults.Scheme)
            .AddRequirements(new ManageIntegrationsRequirement()).Build());

    internal static string ForbiddenMessage(AuthorizationFailure? failure)
    {
        var failed = failure?.FailedRequirements.ToList() ?? [];
        if (failed.OfType<ScopeRequirement>().FirstOrDefault() is { } scope) return $"This token lacks the {scope.Scope} scope.";
        if (failed.OfType<RolesAuthorizationRequirement>().Any()) return "This call is for the owner and admins; this token's user is neither.";
        if (failed.OfType<ManageIntegrationsRequirement>().Any())
            return "This call needs the ManageIntegrations permission (or the owner); this token's user does not have it.";
        return "This token may not make this call.";
    }
}

/// <summary>API callers that are authenticated but not allowed get 403 JSON saying what is missing; everything else is handled as usual.</summary>
internal sealed class ApiAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler standard = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && ApiEndpoints.IsApiRequest(context.Request))
            return ApiError.WriteAsync(context, StatusCodes.Status403Forbidden, ApiAuthorization.ForbiddenMessage(authorizeResult.AuthorizationFailure));
        return standard.HandleAsync(next, context, policy, authorizeResult);
    }
}
