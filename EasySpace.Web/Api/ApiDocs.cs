using EasySpace.Core.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace EasySpace.Web.Api;

/// <summary>The OpenAPI document at <c>/openapi/v1.json</c> and the browsable reference at <c>/api/docs</c>.</summary>
internal static class ApiDocs
{
    public const string DocumentPath = "/openapi/{documentName}.json";
    public const string DocsPath = "/api/docs";
    private const string SecurityScheme = "Bearer";

    public static IServiceCollection AddEasySpaceApiDocs(this IServiceCollection services) =>
        services.AddOpenApi("v1", o =>
        {
            // Only the REST API: the pages' form posts are no one's integration surface.
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "EasySpace API";
                document.Info.Description = "Cobot-compatible REST API of this EasySpace. Authenticate with `Authorization: Bearer <token>`; "
                    + "create tokens in Settings > Integrations > API access or with the `create-token` command. "
                    + "Errors are JSON: `{\"error\": \"...\"}`. Requests are rate limited per token (429 with `Retry-After`).";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[SecurityScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "es_ + 43 characters",
                    Description = "An API token. Scopes: " + string.Join("; ", ApiScopes.All.Select(s => $"{s.Name}: {s.Description}")),
                };
                return Task.CompletedTask;
            });
            o.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                var scopes = metadata.OfType<AuthorizationPolicy>().SelectMany(p => p.Requirements).OfType<ScopeRequirement>()
                    .Select(r => r.Scope).Distinct().ToList();
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement
                {
                    [new OpenApiSecuritySchemeReference(SecurityScheme, context.Document)] = scopes,
                });
                if (scopes.Count > 0)
                {
                    var grantedByRead = scopes.All(s => s.StartsWith("read_", StringComparison.Ordinal)) ? " (or `read`)" : "";
                    operation.Description = $"{operation.Description} Needs the scope {string.Join(", ", scopes.Select(s => $"`{s}`"))}{grantedByRead}.".Trim();
                }
                operation.Responses ??= new OpenApiResponses();
                operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No token, or an unknown or revoked one." });
                // A route without a scope (the event catalogue) lets every valid token in: it has no 403.
                if (scopes.Count > 0)
                    operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The token lacks the scope (or the call is for admins)." });
                operation.Responses.TryAdd("429", new OpenApiResponse { Description = "Too many requests for this token; see Retry-After." });
                return Task.CompletedTask;
            });
        });

    public static void MapEasySpaceApiDocs(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi(DocumentPath).AllowAnonymous();
        // Scalar serves its script from the package itself; fonts, telemetry and its hosted extras are off so the page works offline.
        app.MapScalarApiReference(DocsPath, (o, http) =>
            {
                o.WithNonce(Security.SecuritySetup.Nonce(http)); // its inline start-up script runs under the page's CSP
                o.ShowDeveloperTools = DeveloperToolsVisibility.Never; // its toolbar links to Scalar's hosted services
                o.WithTitle("EasySpace API")
                    .WithOpenApiRoutePattern(DocumentPath)
                    .DisableDefaultFonts()
                    .DisableTelemetry()
                    .DisableAgent()
                    .DisableMcp()
                    .AddPreferredSecuritySchemes(SecurityScheme);
            })
            .AllowAnonymous();
    }
}
