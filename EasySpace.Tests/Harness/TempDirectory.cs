namespace EasySpace.Tests.Harness;

/// <summary>A data directory of its own for each app a test starts; removed afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("easyspace-test-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* a SQLite handle may linger for a moment; the OS cleans tmp */ }
        catch (UnauthorizedAccessException) { }
    }
}
