namespace EasySpace.Core.Space.Members;

/// <summary>A member's picture, in its own table so member lists never load the bytes.</summary>
public sealed class MembershipPicture
{
    private MembershipPicture() { }

    public const int MaxBytes = 1024 * 1024;

    public long MembershipId { get; private set; }
    public byte[] Bytes { get; private set; } = [];
    /// <summary>image/png or image/jpeg, as read from the bytes themselves.</summary>
    public string ContentType { get; private set; } = "";
    public DateTimeOffset UpdatedAt { get; private set; }

    internal static MembershipPicture Of(long membershipId, byte[] bytes, string contentType, DateTimeOffset at) =>
        new() { MembershipId = membershipId, Bytes = bytes, ContentType = contentType, UpdatedAt = at };

    internal void Replace(byte[] bytes, string contentType, DateTimeOffset at)
    {
        Bytes = bytes;
        ContentType = contentType;
        UpdatedAt = at;
    }

    /// <summary>Which image type the bytes are (by their signature, not by what the browser claimed), or a problem for the form.</summary>
    public static (string? ContentType, string? Problem) Inspect(byte[]? bytes)
    {
        if (bytes is null || bytes.Length == 0) return (null, "Choose a picture file.");
        if (bytes.Length > MaxBytes) return (null, "The picture is larger than 1 MB; choose a smaller one.");
        ReadOnlySpan<byte> png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        if (bytes.AsSpan().StartsWith(png)) return ("image/png", null);
        if (bytes.Length > 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF) return ("image/jpeg", null);
        return (null, "Only PNG and JPEG pictures can be used.");
    }
}
