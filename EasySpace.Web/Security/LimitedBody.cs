namespace EasySpace.Web.Security;

/// <summary>Reading what an anonymous sender posts (a provider's webhook, a request to an inbox) without letting it fill the memory.</summary>
public static class LimitedBody
{
    /// <summary>The whole body, or null when it is larger than <paramref name="maxBytes"/> (read no further than that).</summary>
    public static async Task<byte[]?> ReadLimitedAsync(this HttpRequest request, int maxBytes, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
