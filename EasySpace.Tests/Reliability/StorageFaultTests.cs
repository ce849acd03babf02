using System.Diagnostics;
using System.Net;
using EasySpace.Core.Data;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;

namespace EasySpace.Tests.Reliability;

/// <summary>
/// The data directory on a small tmpfs that the test fills up. (Making it read-only while running is not a real fault
/// for a root process: permissions do not bind root, and a filesystem with open files cannot be remounted read-only.)
/// </summary>
public sealed class FullDisk : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("easyspace-disk-").FullName;
    private string Filler => System.IO.Path.Combine(Path, "filler");

    public FullDisk() => Run("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", Path);

    public void Fill()
    {
        using var file = File.Create(Filler);
        var block = new byte[1 << 20];
        try { while (true) file.Write(block); }
        catch (IOException) { /* the disk is full */ }
    }

    public void Free() => File.Delete(Filler);

    public void Dispose()
    {
        Run("umount", "-l", Path);
        Directory.Delete(Path, recursive: true);
    }

    private static void Run(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{command} failed: {p.StandardError.ReadToEnd()}");
    }
}

[Trait("Store", "Named")]
public class StorageFaultTests : IAsyncLifetime
{
    private readonly FullDisk disk = new();
    private readonly AppHost app;
    private Receiver receiver = default!;

    public StorageFaultTests() => app = new AppHost(Store.Sqlite).With("Webhooks:TimeoutSeconds", "1").With("Webhooks:PumpIntervalSeconds", "1")
        .With("EasySpace:DataDirectory", disk.Path);

    public async Task InitializeAsync()
    {
        receiver = await Receiver.StartAsync();
        await app.SetUpSpaceAsync();
    }

    public async Task DisposeAsync()
    {
        await receiver.DisposeAsync();
        app.Dispose();
        disk.Dispose();
    }

    [Fact]
    public async Task A_full_disk_is_reported_loses_nothing_committed_and_recovers_when_space_returns()
    {
        var gate = new TaskCompletionSource();
        receiver.Respond = async (_, http) => { await gate.Task.WaitAsync(http.RequestAborted); await http.Response.WriteAsync("ok"); };
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, ["created_admin"])).Endpoint;
        var owner = await app.LoggedInClientAsync(AppHost.OwnerEmail);
        await app.AddAdminAsync();                       // committed; its delivery waits at the receiver's gate
        var first = await receiver.NextAsync();

        // An emptied WAL: otherwise SQLite may write into WAL space it already has, and a full disk is no fault (yet).
        TruncateWal();
        disk.Fill();
        gate.SetResult();                                // the answer comes, but recording it cannot be written

        var health = await app.NewClient().GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Contains("the disk is full", await health.Content.ReadAsStringAsync());
        Assert.Contains("EasySpace cannot write to its database: the disk is full", await owner.GetStringAsync("/"));
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => app.CreateEndpointAsync(receiver.Url, ["deleted_admin"], name: "while full"));
        Assert.NotNull(StorageHealth.Describe(refused));

        disk.Free();

        Assert.Equal(HttpStatusCode.OK, (await app.NewClient().GetAsync("/health")).StatusCode);
        Assert.DoesNotContain("cannot write to its database", await owner.GetStringAsync("/"));
        // The delivery whose result was lost is sent again when its lease expires, with the same webhook-id.
        var again = await receiver.NextAsync(seconds: 30);
        Assert.Equal(first.Header("webhook-id"), again.Header("webhook-id"));
        await app.PumpAsync();
        Assert.Equal(DeliveryStatus.Delivered, Assert.Single(await app.DeliveriesAsync(endpoint.Id)).Status);
    }

    private void TruncateWal()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(disk.Path, "easyspace.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        using var reader = command.ExecuteReader();
        reader.Read();
        Assert.Equal(0L, reader.GetInt64(0)); // not blocked by a reader or writer
    }
}
