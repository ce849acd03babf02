using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace EasySpace.Core.Data;

/// <summary>
/// A JSON writer and its buffer kept per thread for the delivery engine's small documents (a row batch, an attempt's
/// header records): a new writer and buffer for each was a large part of what a delivery allocated
/// (docs/performance.md, session 12). Start, write, then take the text with no await in between: the next Start on the
/// thread reuses both.
/// </summary>
internal static class JsonScratch
{
    // Larger buffers are dropped after use, so a thread keeps no more than this for good.
    private const int KeptBytes = 64 * 1024;

    /// <summary>Non-ASCII text as it is; no validation (our writers are well formed).</summary>
    public static readonly JsonWriterOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    [ThreadStatic] private static ArrayBufferWriter<byte>? buffer;
    [ThreadStatic] private static Utf8JsonWriter? relaxed;
    [ThreadStatic] private static Utf8JsonWriter? standard;

    /// <summary>This thread's writer, empty. <paramref name="relaxedEscaping"/>: <see cref="Relaxed"/>; otherwise the default options.</summary>
    public static Utf8JsonWriter Start(bool relaxedEscaping)
    {
        var b = buffer ??= new ArrayBufferWriter<byte>(1024);
        b.ResetWrittenCount();
        var writer = relaxedEscaping ? relaxed ??= new Utf8JsonWriter(b, Relaxed) : standard ??= new Utf8JsonWriter(b);
        writer.Reset(b);
        return writer;
    }

    /// <summary>What <paramref name="writer"/> (from <see cref="Start"/>) wrote, as a string.</summary>
    public static string ToText(Utf8JsonWriter writer)
    {
        writer.Flush();
        var text = Encoding.UTF8.GetString(buffer!.WrittenSpan);
        Done();
        return text;
    }

    /// <summary>What <paramref name="writer"/> (from <see cref="Start"/>) wrote, as UTF-8 bytes.</summary>
    public static byte[] ToUtf8(Utf8JsonWriter writer)
    {
        writer.Flush();
        var bytes = buffer!.WrittenSpan.ToArray();
        Done();
        return bytes;
    }

    private static void Done()
    {
        if (buffer!.Capacity <= KeptBytes) return;
        buffer = null;
        relaxed = null;
        standard = null;
    }
}
