using System.Globalization;
using EasySpace.Core;
using Microsoft.AspNetCore.Mvc;

namespace EasySpace.Web.Api;

/// <summary>
/// <c>?page=1&amp;per_page=50</c> as every list route takes it (<c>[AsParameters] PageQuery paging</c>), read by one rule
/// with one set of messages. A mistake is a field error, never a silent default: the caller asked for something else.
/// </summary>
public readonly record struct PageQuery(
    [FromQuery(Name = "page")] string? Page,
    [FromQuery(Name = "per_page")] string? PerPage)
{
    public const int DefaultPerPage = 50;
    public const int MaxPerPage = 200;
    // A million pages of 200 is more than any space holds and keeps the row offset well inside an int.
    public const int MaxPage = 1_000_000;

    public static readonly string PageMessage = $"must be a whole number from 1 to {MaxPage.ToString("N0", CultureInfo.InvariantCulture)}";
    public static readonly string PerPageMessage = $"must be a whole number from 1 to {MaxPerPage}";

    /// <summary>For the routes' OpenAPI descriptions.</summary>
    public const string Description = "page (from 1) and per_page (1–200, default 50) page the list; X-Total-Count gives the total.";

    /// <summary>The page asked for; a mistake is added to <paramref name="errors"/> and the first page is returned.</summary>
    public Paging Read(ValidationErrors errors)
    {
        var page = Number(Page, 1, MaxPage);
        var perPage = Number(PerPage, DefaultPerPage, MaxPerPage);
        if (page is null) errors.Add("page", PageMessage);
        if (perPage is null) errors.Add("per_page", PerPageMessage);
        return new Paging(page ?? 1, perPage ?? DefaultPerPage);
    }

    // Digits only: no sign, no spaces, no "1e2" or "1.5" that a lenient parser would round into some other page.
    private static int? Number(string? text, int absent, int max) =>
        text is null ? absent
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= max ? n
        : null;
}

/// <summary>One page of a list: the page number from 1 and its size.</summary>
public readonly record struct Paging(int Page, int PerPage)
{
    /// <summary>Rows before this page (at most 199,999,800, so it fits an int).</summary>
    public int Skip => (Page - 1) * PerPage;
}
