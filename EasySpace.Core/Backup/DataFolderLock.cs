using EasySpace.Core.Data;

namespace EasySpace.Core.Backup;

/// <summary>
/// The running server's hold on its data folder: <c>easyspace.lock</c> opened with no sharing, which .NET turns into an
/// exclusive <c>flock</c> on Linux and macOS (a sharing lock on Windows). The operating system lets go of it when the
/// process ends, however it ends (a crash, SIGKILL, a power cut), so a stale lock cannot block a restore the way a
/// left-over PID file would. A restore takes the same lock: it refuses while a server holds it, and a server cannot
/// start on a folder being restored.
/// </summary>
public sealed class DataFolderLock : IDisposable
{
    public const string FileName = "easyspace.lock";

    private readonly FileStream file;

    private DataFolderLock(FileStream file) => this.file = file;

    /// <summary>The lock, or null when another process (a server or a restore) holds it.</summary>
    public static DataFolderLock? TryTake(EasySpaceOptions options)
    {
        PrivateFiles.CreateFolder(options.DataDirectoryFullPath);
        var path = Path.Combine(options.DataDirectoryFullPath, FileName);
        try
        {
            PrivateFiles.CreateFile(path);
            return new DataFolderLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException) { return null; }
    }

    /// <summary>What a server that cannot take the lock says before it exits.</summary>
    public static string InUse(EasySpaceOptions options) =>
        $"The data folder {options.DataDirectoryFullPath} is in use by another EasySpace server or a restore ({FileName} is locked). " +
        "Stop the other process first, or set EasySpace:DataDirectory to another folder.";

    public void Dispose() => file.Dispose();
}
