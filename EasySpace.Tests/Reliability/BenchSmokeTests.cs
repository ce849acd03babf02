using System.Diagnostics;
using System.Text.Json.Nodes;
using EasySpace.Tests.Harness;
using Xunit.Abstractions;

namespace EasySpace.Tests.Reliability;

/// <summary>
/// The benchmark is the product's performance record (docs/performance.md): this keeps it runnable. It asserts what
/// must hold on any machine (nothing lost, every field reported), never a speed.
/// </summary>
public class BenchSmokeTests(ITestOutputHelper output)
{
    private static readonly string[] DesignFields = ["deliveries_per_s", "raw_posts_per_s", "ratio", "p50_ms", "p99_ms", "peak_rss_mb", "lost"];

    [Fact]
    public async Task A_quick_benchmark_run_delivers_everything_and_reports_every_field()
    {
        using var data = new TempDirectory();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(BenchAssembly());
        foreach (var a in new[] { "--quick", "--data-root", data.Path }) start.ArgumentList.Add(a);

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        var lines = (await stdout).TrimEnd().Split('\n');
        output.WriteLine(lines[^1]);

        Assert.True(process.ExitCode == 0, await stderr);
        var json = JsonNode.Parse(lines[^1])!.AsObject();
        Assert.All(DesignFields, f => Assert.True(json.ContainsKey(f), $"the JSON lacks {f}"));
        Assert.Equal(0, json["lost"]!.GetValue<int>());
        Assert.Equal(0, json["extra"]!.GetValue<int>());
        Assert.True(json["deliveries_per_s"]!.GetValue<double>() > 0);
        Assert.True(json["raw_posts_per_s"]!.GetValue<double>() > 0);
    }

    /// <summary>The bench's build output beside this one: same configuration, same framework.</summary>
    private static string BenchAssembly()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (here.Name, here.Parent!.Name);
        var root = here;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "EasySpace.sln"))) root = root.Parent;
        Assert.NotNull(root);
        var path = Path.Combine(root.FullName, "bench", "EasySpace.Bench", "bin", configuration, framework, "EasySpace.Bench.dll");
        Assert.True(File.Exists(path), $"{path} is not built");
        return path;
    }
}
