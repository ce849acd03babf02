using MudBlazor;

namespace EasySpace.Web.Components.Layout;

/// <summary>The one palette of every layout: the app, setup and the account pages look alike.</summary>
public static class AppTheme
{
    public static readonly MudTheme Theme = new()
    {
        // Darker success, info and error than MudBlazor's: an alert's text (the darkened colour on its pale tint) then
        // reads at the 4.5:1 contrast WCAG asks for; the defaults (#00c853, #2196f3, #f44336) fall short.
        PaletteLight = new PaletteLight
        {
            Primary = "#1f6f5c", Secondary = "#d9822b", AppbarBackground = "#1f6f5c",
            Success = "#2e7d32", Info = "#0277bd", Error = "#c62828",
        },
        PaletteDark = new PaletteDark { Primary = "#4fb39a", Secondary = "#f0a35e" },
    };
}
