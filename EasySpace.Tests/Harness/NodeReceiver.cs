using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace EasySpace.Tests.Harness;

/// <summary>What the receiver concluded about one POST: did each third-party library accept its signature.</summary>
public sealed record ReceivedSignatureCheck(string? Id, string? Event, string? Attempt, bool StandardWebhooks, bool Svix, string? Error)
{
    public bool BothVerified => StandardWebhooks && Svix;
}

/// <summary>
/// <c>tools/webhook-receiver.mjs</c> as a child process: a subscriber on 127.0.0.1 (OS-chosen port) that
/// verifies every delivery with the <c>standardwebhooks</c> and <c>svix</c> npm packages.
/// It exits when its stdin closes, so even a crashed test run leaves no receiver behind.
/// </summary>
public sealed class NodeReceiver : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Process process;
    private readonly StringBuilder stderr;
    private readonly HttpClient client;

    private NodeReceiver(Process process, StringBuilder stderr, Uri url)
    {
        this.process = process;
        this.stderr = stderr;
        Url = url;
        client = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Where to POST deliveries, e.g. http://127.0.0.1:40961/.</summary>
    public Uri Url { get; }

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Starts a receiver that verifies with <paramref name="secret"/> and answers <paramref name="status"/> when both libraries agree.</summary>
    public static async Task<NodeReceiver> StartAsync(string secret, int status = 204)
    {
        var tools = Path.Combine(RepositoryRoot, "tools");
        if (!Directory.Exists(Path.Combine(tools, "node_modules")))
            throw new InvalidOperationException($"{tools}/node_modules is missing: run ./test.sh (it runs npm ci in tools/).");

        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = tools,
        };
        foreach (var arg in new[] { Path.Combine(tools, "webhook-receiver.mjs"), "--secret", secret, "--status", status.ToString() })
            start.ArgumentList.Add(arg);

        Process process;
        try { process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node."); }
        catch (System.ComponentModel.Win32Exception e) { throw new InvalidOperationException($"Could not start node ({e.Message}): install Node.js 20 or later.", e); }
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginErrorReadLine();

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token).AsTask().WaitAsync(timeout.Token);
            if (line is null || !line.StartsWith("listening ", StringComparison.Ordinal) || !int.TryParse(line.AsSpan("listening ".Length), out var port))
            {
                await process.WaitForExitAsync(timeout.Token);
                throw new InvalidOperationException($"The webhook receiver did not start (said '{line}', exit {process.ExitCode}): {Text(stderr)}");
            }
            // Nothing more is expected on stdout; drain it anyway so a chatty receiver never blocks on a full pipe.
            _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
            return new NodeReceiver(process, stderr, new Uri($"http://127.0.0.1:{port}/"));
        }
        catch (OperationCanceledException)
        {
            Stop(process);
            throw new TimeoutException($"The webhook receiver did not say 'listening <port>' within 30 seconds: {Text(stderr)}");
        }
        catch
        {
            Stop(process);
            throw;
        }
    }

    /// <summary>Every POST the receiver has verified so far, oldest first.</summary>
    public async Task<IReadOnlyList<ReceivedSignatureCheck>> ResultsAsync()
    {
        var results = await client.GetFromJsonAsync<List<ReceivedSignatureCheck>>("results", Json);
        return results ?? throw new InvalidOperationException($"The receiver answered no results: {Text(stderr)}");
    }

    public async ValueTask DisposeAsync()
    {
        client.Dispose();
        try { process.StandardInput.Close(); } catch (IOException) { /* already gone */ }
        Stop(process);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { /* killed; the OS reaps it */ }
        process.Dispose();
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { /* exited meanwhile */ }
    }

    private static string Text(StringBuilder stderr)
    {
        lock (stderr) return stderr.ToString().Trim();
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "EasySpace.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No EasySpace.sln above {AppContext.BaseDirectory}.");
    }
}
