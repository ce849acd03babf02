using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
namespace EasySpace.Core.Events;

/// <summary>How an endpoint wants its bodies.</summary>
public enum PayloadFormat
{
    /// <summary>Cobot-compatible: {"url": ...}; deleted_* events add the last state.</summary>
    Thin = 0,
    /// <summary>{"id", "type", "timestamp", "url", "data"}.</summary>
    Full = 1,
}

/// <summary>An event's body in one format, built once when the event is raised: every delivery and every attempt sends these bytes.</summary>
public static class PayloadBuilder
{
    // Bodies are JSON for machines, never inlined into HTML: "+" and "é" go as themselves, not as \u002B.
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Build(PayloadFormat format, EventType type, string messageId, string url, JsonObject data, DateTimeOffset at)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            if (format == PayloadFormat.Thin && type.LastState == LastState.AtTopLevel)
            {
                // Cobot's deleted_invoice is the invoice itself: its fields beside its url, no wrapper.
                data.WriteTo(json);
            }
            else
            {
                json.WriteStartObject();
                if (format == PayloadFormat.Full)
                {
                    json.WriteString("id", messageId);
                    json.WriteString("type", type.Name);
                    json.WriteString("timestamp", at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"));
                    json.WriteString("url", url);
                    json.WritePropertyName("data");
                    data.WriteTo(json);
                }
                else
                {
                    json.WriteString("url", url);
                    // Cobot: a deleted object can't be loaded any more, so its last state travels with the URL.
                    if (type.LastState == LastState.UnderItsName)
                    {
                        json.WritePropertyName(type.SnapshotName);
                        data.WriteTo(json);
                    }
                }
                json.WriteEndObject();
            }
        }
        return buffer.WrittenSpan.ToArray();
    }
}
