namespace EasySpace.Tests.Harness;

/// <summary>The repository the tests were built from, for tests that read its docs and sources.</summary>
public static class SourceTree
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir.FullName, "EasySpace.sln"))) dir = dir.Parent ?? throw new InvalidOperationException("No EasySpace.sln above the tests.");
        return dir.FullName;
    }
}
