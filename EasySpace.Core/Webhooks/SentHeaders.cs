using System.Globalization;
using System.Text.Json;
using EasySpace.Core.Data;

namespace EasySpace.Core.Webhooks;

/// <summary>
/// The record of an attempt's request headers. Half of it was the same on every attempt or stored elsewhere on the
/// row (the timestamp is the attempt's start, the attempt number its number): 280 of a delivery's 748 bytes
/// (docs/performance.md, session 9). Only the rest is stored; <see cref="Read"/> puts the whole list back together.
/// </summary>
public static class SentHeaders
{
    public const string ContentType = "application/json; charset=utf-8";
    public const string OneSignature = "v1,<redacted>";
    public const string TwoSignatures = "v1,<redacted> v1,<redacted>";
    public const string Redacted = "<redacted>";

    /// <summary>The stored part: what the attempt's row does not say. Custom header values are kept encrypted (often API keys): never written here.</summary>
    internal static string Record(string userAgent, string messageId, string eventName, bool twoSignatures, IReadOnlyList<CustomHeader> custom)
    {
        var json = JsonScratch.Start(relaxedEscaping: true);
        json.WriteStartObject();
        json.WriteString("User-Agent", userAgent);
        json.WriteString("webhook-id", messageId);
        if (twoSignatures) json.WriteString("webhook-signature", TwoSignatures);
        json.WriteString("X-EasySpace-Event", eventName);
        foreach (var h in custom) json.WriteString(h.Name, Redacted);
        json.WriteEndObject();
        return JsonScratch.ToText(json);
    }

    /// <summary>Every header sent, in the order sent: the standard ones, then the custom ones.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Read(string? recorded, DateTimeOffset at, int attemptNumber)
    {
        var stored = Parse(recorded);
        var headers = new List<KeyValuePair<string, string>>();
        void Add(string name, string? derived)
        {
            if (stored.Remove(name, out var value)) headers.Add(new(name, value));
            else if (derived is not null) headers.Add(new(name, derived));
        }
        Add("Content-Type", ContentType);
        Add("User-Agent", null);
        Add("webhook-id", null);
        Add("webhook-timestamp", at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        Add("webhook-signature", OneSignature);
        Add("X-EasySpace-Event", null);
        Add("X-EasySpace-Attempt", attemptNumber.ToString(CultureInfo.InvariantCulture));
        headers.AddRange(stored);
        return headers;
    }

    // Insertion-ordered: the custom headers come back in the order they were sent.
    private static OrderedDictionary<string, string> Parse(string? json)
    {
        var result = new OrderedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrEmpty(json)) return result;
        try
        {
            using var doc = JsonDocument.Parse(json);
            foreach (var p in doc.RootElement.EnumerateObject())
                if (p.Value.ValueKind == JsonValueKind.String) result[p.Name] = p.Value.GetString()!;
        }
        catch (JsonException)
        {
            // A damaged record shows what can be worked out.
        }
        return result;
    }
}
