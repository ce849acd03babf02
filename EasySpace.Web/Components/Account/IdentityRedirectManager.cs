using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using EasySpace.Core.Identity;

namespace EasySpace.Web.Components.Account;

internal sealed class IdentityRedirectManager(NavigationManager navigationManager)
{
    public const string StatusCookieName = "Identity.StatusMessage";

    private static readonly CookieBuilder StatusCookieBuilder = new()
    {
        SameSite = SameSiteMode.Strict,
        HttpOnly = true,
        IsEssential = true,
        MaxAge = TimeSpan.FromSeconds(5),
    };

    /// <summary>Goes to a page of this app; anything else (another site, a script, a path a browser reads as another host) goes to the dashboard.</summary>
    public void RedirectTo(string? uri) => navigationManager.NavigateTo(LocalPath(uri, navigationManager.BaseUri));

    /// <summary>
    /// The app-relative path <paramref name="uri"/> names, or "" (the dashboard) when it leads off this app. Absolute
    /// addresses under <paramref name="baseUri"/> are kept: the login redirect carries the page's full address.
    /// </summary>
    internal static string LocalPath(string? uri, string baseUri)
    {
        if (string.IsNullOrEmpty(uri)) return "";
        if (uri.StartsWith(baseUri, StringComparison.OrdinalIgnoreCase)) uri = "/" + uri[baseUri.Length..];
        // Browsers drop tabs and newlines inside a URL and read "\" as "/": "/\evil" and "/\t/evil" are another host.
        if (uri.Any(c => char.IsControl(c) || c == '\\')) return "";
        // Only a path on this host: not "//evil" (another host), not "https:" or "javascript:" (a scheme), not "evil" (relative to the login page).
        if (uri[0] != '/' || uri.StartsWith("//", StringComparison.Ordinal)) return "";
        return uri.TrimStart('/');
    }

    public void RedirectToWithStatus(string uri, string message, HttpContext context)
    {
        context.Response.Cookies.Append(StatusCookieName, message, StatusCookieBuilder.Build(context));
        RedirectTo(uri);
    }

    private string CurrentPath => navigationManager.ToAbsoluteUri(navigationManager.Uri).GetLeftPart(UriPartial.Path);

    public void RedirectToCurrentPage() => RedirectTo(CurrentPath);

    public void RedirectToCurrentPageWithStatus(string message, HttpContext context)
        => RedirectToWithStatus(CurrentPath, message, context);

    public void RedirectToInvalidUser(UserManager<AppUser> userManager, HttpContext context)
        => RedirectToWithStatus("/Account/Login", "Error: Your account could not be found; log in again.", context);
}
