using System.Diagnostics;

namespace EasySpace.Tests.Harness;

public sealed record VerbResult(int ExitCode, string Stdout, string Stderr);

/// <summary>
/// Runs the real executable with a management verb, as a self-hoster's script would; <paramref name="settings"/> go in as
/// environment variables (e.g. <see cref="PostgresServer.Settings"/>).
/// </summary>
public sealed class VerbRunner(string dataDirectory, IReadOnlyDictionary<string, string?>? settings = null)
{
    /// <summary>
    /// How long a verb may take before the test calls it hung. Not a promise about speed: in CI (load average 12–17) a
    /// restore of a 1.9 MB space once took over 60 s of wall time, and passed in 49 s alone on the same loaded box.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(180);

    public async Task<VerbResult> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dataDirectory,
        };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["EasySpace__DataDirectory"] = dataDirectory;
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) start.Environment[key.Replace(":", "__")] = value;
        start.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);   // not left running after the test
            throw new TimeoutException($"{string.Join(' ', args)} did not finish within {Timeout.TotalSeconds:0} s. {await stderr}");
        }
        return new VerbResult(process.ExitCode, (await stdout).Trim(), (await stderr).Trim());
    }
}
