using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EasySpace.Core.Backup;

/// <summary>One file of a backup as it was written: where it is in the folder, its size and its SHA-256.</summary>
public sealed record BackupFile(string Path, long Bytes, string Sha256)
{
    public static BackupFile Of(string folder, string fullPath)
    {
        using var stream = File.OpenRead(fullPath);
        return new(System.IO.Path.GetRelativePath(folder, fullPath).Replace('\\', '/'), stream.Length, Convert.ToHexStringLower(SHA256.HashData(stream)));
    }
}

/// <summary>
/// <c>manifest.json</c>, written last into a backup folder: a folder without one is not a finished backup. Restore reads
/// the migration to refuse a copy from a newer version, and the checksums to refuse a damaged one.
/// </summary>
public sealed record BackupManifest(int Format, string AppVersion, string LastMigration, DateTimeOffset MadeAt, IReadOnlyList<BackupFile> Files)
{
    public const string FileName = "manifest.json";
    public const string DatabaseFile = "easyspace.db";
    public const string KeysFolder = "keys";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // "1.0.0+eab5173", not "\u002B"
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The manifest, or null when the text is not one (its fields missing or of the wrong kind).</summary>
    public static BackupManifest? Parse(string json)
    {
        try
        {
            var manifest = JsonSerializer.Deserialize<BackupManifest>(json, Json);
            return manifest is { AppVersion: not null, LastMigration: not null, Files: not null } && manifest.Files.All(f => f?.Path is not null && f.Sha256 is not null)
                ? manifest : null;
        }
        catch (JsonException) { return null; }
    }
}
