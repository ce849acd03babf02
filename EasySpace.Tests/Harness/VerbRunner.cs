using System.Diagnostics;

namespace EasySpace.Tests.Harness;

public sealed record VerbResult(int ExitCode, string Stdout, string Stderr);

/// <summary>Runs the real executable with a management verb, as a self-hoster's script would.</summary>
public sealed class VerbRunner(string dataDirectory)
{
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
        start.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new VerbResult(process.ExitCode, (await stdout).Trim(), (await stderr).Trim());
    }
}
