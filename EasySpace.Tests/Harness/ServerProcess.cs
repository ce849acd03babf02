using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace EasySpace.Tests.Harness;

/// <summary>The real server as a separate process (dotnet EasySpace.Web.dll), so a test can kill it with SIGKILL.</summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private const int OutputKept = 200;
    private readonly Process process;
    private readonly ConcurrentQueue<string> output;

    private ServerProcess(Process process, Uri url, ConcurrentQueue<string> output)
    {
        this.process = process;
        this.output = output;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>The last lines the server wrote (warnings and errors, at the harness's log levels), for a failing test's message.</summary>
    public string RecentOutput => string.Join(Environment.NewLine, output);

    /// <param name="postgresConnectionString">Runs the server on this PostgreSQL database instead of the data directory's SQLite file.</param>
    public static async Task<ServerProcess> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string>? settings = null, string? postgresConnectionString = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dataDirectory,
        };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        start.Environment["EasySpace__DataDirectory"] = dataDirectory;
        start.Environment["Urls"] = "http://127.0.0.1:0";
        start.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            start.Environment[key.Replace(":", "__")] = value;
        if (postgresConnectionString is not null)
            foreach (var (key, value) in PostgresServer.Settings(postgresConnectionString))
                start.Environment[key.Replace(":", "__")] = value;

        var process = Process.Start(start)!;
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new ConcurrentQueue<string>();
        void Keep(string line)
        {
            output.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");
            while (output.Count > OutputKept) output.TryDequeue(out _);
        }
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { } line) return;
            Keep(line);
            if (ListeningLine().Match(line) is { Success: true } m) listening.TrySetResult(new Uri(m.Groups[1].Value));
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line) Keep(line);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"The server exited with {process.ExitCode} before listening."));
        // A guard against a hang, not a promise about speed: in CI (load average 12–17) a node of ThreeNodeTests once did
        // not listen within 60 s.
        var url = await listening.Task.WaitAsync(TimeSpan.FromSeconds(180));
        return new ServerProcess(process, url, output);
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, like a power cut of the process.</summary>
    public async Task KillAsync()
    {
        if (process.HasExited) return;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
