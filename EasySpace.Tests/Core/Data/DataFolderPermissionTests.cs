using System.Runtime.Versioning;
using EasySpace.Core.Data;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Core.Data;

/// <summary>The database holds personal data and the keys decrypt every secret: on Linux only their owner may read them.</summary>
[Trait("Store", "Named")]
public class DataFolderPermissionTests
{
    private const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task A_new_data_folder_its_database_and_its_keys_are_the_owners_alone()
    {
        if (OperatingSystem.IsWindows()) return; // Windows keeps the permissions the folder inherits
        await using var host = await CoreHost.StartAsync(migrateFromNothing: true, store: Store.Sqlite); // the start makes the database file, SQLite its -wal and -shm
        host.Get<SecretBox>().Protect("whsec_x"); // the first use writes the first key

        AssertPrivate(host);
    }

    [Fact]
    public async Task Files_an_older_version_left_readable_are_tightened_at_start()
    {
        if (OperatingSystem.IsWindows()) return;
        await using var host = await CoreHost.StartAsync(store: Store.Sqlite);
        host.Get<SecretBox>().Protect("whsec_x");
        var loose = UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        foreach (var folder in Folders(host)) System.IO.File.SetUnixFileMode(folder, Folder | loose | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        foreach (var file in Files(host)) System.IO.File.SetUnixFileMode(file, File | loose);

        await host.Services.MigrateDatabaseAsync(); // what every start does

        AssertPrivate(host);
    }

    [UnsupportedOSPlatform("windows")]
    private static void AssertPrivate(CoreHost host)
    {
        var files = Files(host).ToList();
        Assert.Contains(files, f => f.EndsWith(".xml")); // a key file is among them
        Assert.Contains(files, f => f.EndsWith("-wal"));
        foreach (var folder in Folders(host)) Assert.True(System.IO.File.GetUnixFileMode(folder) == Folder, $"{folder}: {System.IO.File.GetUnixFileMode(folder)}");
        foreach (var file in files) Assert.True(System.IO.File.GetUnixFileMode(file) == File, $"{file}: {System.IO.File.GetUnixFileMode(file)}");
    }

    private static string[] Folders(CoreHost host) => [Path.GetDirectoryName(host.DatabasePath)!, Path.Combine(Path.GetDirectoryName(host.DatabasePath)!, "keys")];

    private static IEnumerable<string> Files(CoreHost host) =>
        Folders(host).SelectMany(f => Directory.EnumerateFiles(f));
}
