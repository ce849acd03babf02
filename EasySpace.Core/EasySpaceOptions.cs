namespace EasySpace.Core;

/// <summary>The <c>EasySpace</c> section of appsettings.json.</summary>
public sealed class EasySpaceOptions
{
    public const string Section = "EasySpace";

    /// <summary>Where the database and the Data Protection keys live; relative paths start at the working directory.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Overrides the base URL chosen at setup (used to build absolute URLs in payloads).</summary>
    public string? PublicBaseUrl { get; set; }

    public string DataDirectoryFullPath => Path.GetFullPath(DataDirectory);
    public string DatabasePath => Path.Combine(DataDirectoryFullPath, "easyspace.db");
    public string KeysDirectory => Path.Combine(DataDirectoryFullPath, "keys");
}
