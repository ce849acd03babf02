using MudBlazor;

namespace EasySpace.Web.Components.Layout;

/// <summary>
/// The one palette of the app, light and dark. Every colour reads at 4.5:1 or better (WCAG AA) both as text on the page
/// and under the text MudBlazor puts on it (filled buttons, chips and alerts); docs/ui.md lists the ratios.
/// Pages use Color.Success, Color.Warning and so on, never colours of their own.
/// </summary>
public static class SpaceTheme
{
    /// <summary>The cookie that remembers a chosen theme ("dark" or "light"); without it the browser's preference applies.</summary>
    public const string Cookie = "easyspace-theme";

    public static MudTheme Theme { get; } = new()
    {
        // Deep colours with white text: MudBlazor's defaults (#00c853 success, #ff9800 warning, #2196f3 info) are too
        // light for white text and for text on white.
        PaletteLight = new PaletteLight
        {
            Primary = "#1f6f5c", Secondary = "#a3501a", Tertiary = "#6a4c93",
            Info = "#0767a6", Success = "#2e7d32", Warning = "#9a5b00", Error = "#c62828",
            AppbarBackground = "#1f6f5c",
            // MudBlazor's greys for secondary text (0.54) fall just under 4.5:1 on grey surfaces.
            TextSecondary = "rgba(0,0,0,0.62)",
        },
        // Light colours with near-black text on them, light enough to read on a hovered or selected dark surface
        // (#44454e) too. Alerts write their text in the "darken" shade, which on a dark page must be the lighter one,
        // so each is set rather than computed.
        PaletteDark = new PaletteDark
        {
            Primary = "#6acdb2", PrimaryDarken = "#8edac5", PrimaryContrastText = DarkText,
            Secondary = "#f3b06f", SecondaryDarken = "#f7c597", SecondaryContrastText = DarkText,
            Tertiary = "#cbb3f2", TertiaryDarken = "#dccbf6", TertiaryContrastText = DarkText,
            Info = "#74bdf7", InfoDarken = "#9dd0fa", InfoContrastText = DarkText,
            Success = "#7dc981", SuccessDarken = "#9dd8a0", SuccessContrastText = DarkText,
            Warning = "#ffb74d", WarningDarken = "#ffcc80", WarningContrastText = DarkText,
            Error = "#f6a1a1", ErrorDarken = "#f9bfbf", ErrorContrastText = DarkText,
            TextPrimary = "rgba(255,255,255,0.87)",
            TextSecondary = "rgba(255,255,255,0.66)",
            DrawerText = "rgba(255,255,255,0.87)",
            AppbarText = "rgba(255,255,255,0.87)",
        },
    };

    private const string DarkText = "#121212";
}
