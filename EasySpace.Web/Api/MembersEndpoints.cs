using System.Globalization;
using System.Security.Claims;
using EasySpace.Core.Identity;
using EasySpace.Core.Space.Members;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EasySpace.Web.Api;

/// <summary>
/// <c>/api/memberships</c>: the URLs in membership events. The owner and admins read every membership; anyone else
/// reads only the membership connected to their own account (others answer 404, as if they did not exist).
/// </summary>
internal static class MembersEndpoints
{
    public static RouteGroupBuilder MapMembers(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/memberships").RequireScope(ApiScopes.ReadMemberships).WithTags("Memberships");
        group.MapGet("", ListAsync).RequireAdmin()
            .WithName("ListMemberships").WithSummary("Every membership, oldest first (owner and admins)")
            .WithDescription(PageQuery.Description)
            .Produces<List<MembershipResource>>().Produces<ValidationProblem>(StatusCodes.Status400BadRequest);
        group.MapGet("/{id}", GetAsync)
            .WithName("GetMembership").WithSummary("One membership")
            .WithDescription("The URL in every membership event. A member's token reads only their own membership; other ids answer 404.");
        group.MapGet("/{id}/picture", GetPictureAsync)
            .WithName("GetMembershipPicture").WithSummary("A membership's picture (PNG or JPEG)")
            .WithDescription("The picture_url of a membership. 404 when it has none.")
            .Produces(StatusCodes.Status200OK, contentType: "image/png");
        return api;
    }

    private static async Task<Results<Ok<MembershipResource>, NotFound<ApiError>>> GetAsync(string id, ClaimsPrincipal user,
        MembershipDirectory directory, CancellationToken ct) =>
        ParseId(id) is { } key && await directory.GetResourceAsync(key, ct) is { } found && MayRead(user, found.UserId)
            ? TypedResults.Ok(found.Resource)
            : TypedResults.NotFound(ApiError.NotFound);

    private static async Task<IResult> GetPictureAsync(string id, ClaimsPrincipal user, MembershipDirectory directory, HttpResponse response, CancellationToken ct)
    {
        if (ParseId(id) is not { } key || await directory.PictureAsync(key, ct) is not { } picture || !MayRead(user, picture.UserId))
            return TypedResults.NotFound(ApiError.NotFound);
        response.Headers.CacheControl = "private, max-age=3600"; // the address changes with every new picture (?v=)
        return TypedResults.File(picture.Bytes, picture.ContentType);
    }

    private static async Task<IResult> ListAsync([AsParameters] PageQuery paging, MembershipDirectory directory, HttpResponse response, CancellationToken ct)
    {
        var errors = new EasySpace.Core.ValidationErrors();
        var page = paging.Read(errors);
        if (!errors.IsEmpty) return TypedResults.BadRequest(new ValidationProblem(errors.ByField));

        var result = await directory.ResourcesAsync(page.Skip, page.PerPage, ct);
        response.Headers["X-Total-Count"] = result.Total.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Ok(result.Items);
    }

    /// <summary>Ids are positive whole numbers; anything else is simply not found.</summary>
    private static long? ParseId(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var key) && key > 0 ? key : null;

    private static bool MayRead(ClaimsPrincipal user, string ownerUserId) =>
        user.IsInRole(Roles.Owner) || user.IsInRole(Roles.Admin) || user.FindFirstValue(ClaimTypes.NameIdentifier) == ownerUserId;
}
