using System.Diagnostics;
using System.Text.Json.Nodes;
using EasySpace.Tests.Harness;
using Xunit.Abstractions;

namespace EasySpace.Tests.Reliability;

/// <summary>
/// The benchmark is the product's performance record (docs/performance.md): this keeps it runnable. It asserts what
/// must hold on any machine (nothing lost, every field reported), never a speed.
/// </summary>
public class BenchSmokeTests(BenchSmokeTests.QuickRun run, ITestOutputHelper output) : IClassFixture<BenchSmokeTests.QuickRun>
{
    private static readonly string[] DesignFields = ["deliveries_per_s", "raw_posts_per_s", "ratio", "p50_ms", "p99_ms", "peak_rss_mb", "lost"];

    [Fact]
    public void A_quick_benchmark_run_delivers_everything_and_reports_every_field()
    {
        var json = run.Summary(output);
        Assert.All(DesignFields, f => Assert.True(json.ContainsKey(f), $"the JSON lacks {f}"));
        Assert.Equal(0, json["lost"]!.GetValue<int>());
        Assert.Equal(0, json["extra"]!.GetValue<int>());
        Assert.True(json["deliveries_per_s"]!.GetValue<double>() > 0);
        Assert.True(json["raw_posts_per_s"]!.GetValue<double>() > 0);
    }

    [Fact]
    public void A_quick_run_reports_the_drain_ratio_the_commit_cost_by_fan_out_and_both_peers()
    {
        var json = run.Summary(output);

        Assert.True(json.ContainsKey("drain_ratio"), "the JSON lacks drain_ratio");
        // Issue 15's per-delivery targets (CPU, allocation) are the drain's, where the engine runs alone.
        Assert.True(json["drain_cpu_us_per_delivery"]!.GetValue<double>() > 0, "the JSON lacks drain_cpu_us_per_delivery");
        Assert.True(json["drain_alloc_kb_per_delivery"]!.GetValue<double>() > 0, "the JSON lacks drain_alloc_kb_per_delivery");
        // The end-to-end ceiling is every core busy at the enqueue and drain phases' CPU costs, as docs/performance.md says.
        var perDelivery = json["cpu_us_per_enqueued_event"]!.GetValue<double>() / 10 + json["drain_cpu_us_per_delivery"]!.GetValue<double>();
        var ceiling = Environment.ProcessorCount * 1e6 / perDelivery / json["raw_posts_per_s"]!.GetValue<double>();
        Assert.InRange(json["ratio_ceiling"]!.GetValue<double>(), ceiling - 0.002, ceiling + 0.002);
        foreach (var fanOut in new[] { "fanout_0", "fanout_10", "fanout_100" })
        {
            var cost = json["commit_cost"]?[fanOut]?.AsObject();
            Assert.True(cost is not null, $"the JSON lacks commit_cost.{fanOut}");
            Assert.True(cost["p50_ms"]!.GetValue<double>() > 0 && cost["p99_ms"]!.GetValue<double>() >= cost["p50_ms"]!.GetValue<double>(), cost.ToJsonString());
        }
        foreach (var peer in new[] { "hangfire_sqlite", "quartz_ado_sqlite" })
        {
            var figures = json["peers"]?[peer]?.AsObject();
            Assert.True(figures is not null, $"the JSON lacks peers.{peer}");
            Assert.False(figures.ContainsKey("not_run"), $"{peer} did not run: {figures["not_run"]}");
            foreach (var key in new[] { "deliveries_per_s", "drain_deliveries_per_s", "enqueue_events_per_s" })
                Assert.True(figures[key]!.GetValue<double>() > 0, $"peers.{peer}.{key}: {figures.ToJsonString()}");
            Assert.Equal(0, figures["lost"]!.GetValue<int>());
        }
    }

    /// <summary>One <c>--quick</c> run of the bench (peers and commit cost included), shared by the tests of this class.</summary>
    public sealed class QuickRun : IAsyncLifetime
    {
        private readonly TempDirectory data = new();
        private int exitCode;
        private string stdout = "", stderr = "";

        public async Task InitializeAsync()
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(BenchAssembly());
            foreach (var a in new[] { "--quick", "--data-root", data.Path }) start.ArgumentList.Add(a);

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            // A quick run takes 30–60 s on a quiet box, over 2 min while other builds load the shared one.
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await process.WaitForExitAsync(timeout.Token);
            (stdout, stderr, exitCode) = (await output, await errors, process.ExitCode);
        }

        /// <summary>The JSON line the run printed last; fails the test if the run did not exit 0.</summary>
        public JsonObject Summary(ITestOutputHelper output)
        {
            var lines = stdout.TrimEnd().Split('\n');
            output.WriteLine(lines[^1]);
            Assert.True(exitCode == 0, stderr);
            return JsonNode.Parse(lines[^1])!.AsObject();
        }

        public Task DisposeAsync()
        {
            data.Dispose();
            return Task.CompletedTask;
        }
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
