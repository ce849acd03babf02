using Microsoft.JSInterop;

namespace EasySpace.Web.Components.Pages.Integrations.Shared;

public static class Clipboard
{
    /// <summary>
    /// Puts <paramref name="text"/> on the clipboard through the browser, so a secret reaches the clipboard without
    /// ever being rendered into the page. False when the browser refuses (no permission, not a secure context).
    /// </summary>
    public static async Task<bool> CopyAsync(this IJSRuntime js, string text)
    {
        try
        {
            await js.InvokeVoidAsync("navigator.clipboard.writeText", text);
            return true;
        }
        catch (JSException)
        {
            return false;
        }
    }
}
