using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace EasySpace.Core.Data;

/// <summary>
/// On Linux and macOS the data folder is its owner's alone: folders 0700, files 0600. The database holds members'
/// personal data and the keys decrypt every stored secret. Windows keeps the permissions the folder inherits.
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates the folder 0700, or tightens it when it exists.</summary>
    public static void CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows()) { Directory.CreateDirectory(path); return; }
        Directory.CreateDirectory(path, OwnerOnlyFolder);
        File.SetUnixFileMode(path, OwnerOnlyFolder);
    }

    /// <summary>Creates the file empty and 0600 when it is missing, or tightens it.</summary>
    public static void CreateFile(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        using (new FileStream(path, new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, UnixCreateMode = OwnerOnlyFile })) { }
        File.SetUnixFileMode(path, OwnerOnlyFile);
    }

    /// <summary>Makes the file 0600 if it exists.</summary>
    public static void Tighten(string path)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(path)) return;
        File.SetUnixFileMode(path, OwnerOnlyFile);
    }

    /// <summary>Makes every file in the folder 0600.</summary>
    public static void TightenAll(string folder)
    {
        if (OperatingSystem.IsWindows() || !Directory.Exists(folder)) return;
        foreach (var file in Directory.EnumerateFiles(folder)) File.SetUnixFileMode(file, OwnerOnlyFile);
    }
}

/// <summary>Data Protection's key folder, where each new key file (one every 90 days) is made 0600 as soon as it is written.</summary>
public sealed class PrivateKeyFolder(IXmlRepository files, string folder) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements() => files.GetAllElements();

    public void StoreElement(XElement element, string friendlyName)
    {
        files.StoreElement(element, friendlyName);
        PrivateFiles.TightenAll(folder);
    }
}
