using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace EasySpace.Web.Components.Pages.Integrations.Webhooks.Components;

/// <summary>Reading what was sent and received, for people: indented JSON, header lists.</summary>
public static class Json
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The body indented when it is JSON, as text otherwise.</summary>
    public static string Pretty(byte[] body) => Pretty(Encoding.UTF8.GetString(body));

    public static string Pretty(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        try
        {
            using var doc = JsonDocument.Parse(text);
            // The text is shown in a <pre> by Razor, which encodes it; relaxed escaping only keeps it readable.
            return JsonSerializer.Serialize(doc.RootElement, Indented);
        }
        catch (JsonException)
        {
            return text;
        }
    }

    /// <summary>A recorded header object ({"name": "value"}) as pairs, in recorded order.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Headers(string? json)
    {
        if (string.IsNullOrEmpty(json)) return [];
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(json)?.ToList() ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
