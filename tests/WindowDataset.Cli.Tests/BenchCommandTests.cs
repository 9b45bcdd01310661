using System.Text.Json;
using WindowDataset.Cli.Tests.Infrastructure;
using WindowDataset.Synthetic;

namespace WindowDataset.Cli.Tests;

public sealed class BenchCommandTests
{
    private static readonly string[] s_requiredKeys =
    [
        "io", "cache", "dtype", "windows_per_second", "gb_per_second", "pread_baseline_gb_per_second", "memcpy_baseline_gb_per_second",
        "pread_mt_baseline_gb_per_second", "madvise_baseline_gb_per_second", "ratio_to_pread", "ratio_to_best", "best_baseline",
        "data_wait_share", "peak_rss_bytes", "peak_private_bytes", "memory_budget_bytes", "first_batch_ms", "page_cache_growth_bytes", "runs",
    ];

    [Fact]
    public void Bench_Json_OneObjectPerConfigurationWithEveryField()
    {
        using var dir = new TempDirectory();
        string path = dir.File("a.npy");
        SyntheticData.WriteNpy(path, 400, 8, signal: SignalKind.Random);

        CliResult result = Tool.Run("bench", path, "--window", "8", "--batch", "16", "--workers", "2", "--count", "100", "--io", "both", "--json", "--repeat", "2", "--memory-budget", "4MiB");

        Assert.True(result.ExitCode == 0, result.ToString());
        string[] lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        string[] ios = new string[2];
        for (int i = 0; i < lines.Length; i++)
        {
            using JsonDocument doc = JsonDocument.Parse(lines[i]);
            JsonElement o = doc.RootElement;
            foreach (string key in s_requiredKeys)
            {
                Assert.True(o.TryGetProperty(key, out _), $"missing {key} in {lines[i]}");
            }

            ios[i] = o.GetProperty("io").GetString()!;
            Assert.Equal("warm", o.GetProperty("cache").GetString());
            Assert.Equal("float64", o.GetProperty("dtype").GetString());
            Assert.Equal(100, o.GetProperty("windows").GetInt64());
            Assert.Equal(4L << 20, o.GetProperty("memory_budget_bytes").GetInt64());
            Assert.Equal(2, o.GetProperty("runs").GetArrayLength());
            Assert.True(o.GetProperty("windows_per_second").GetDouble() > 0);
            Assert.True(o.GetProperty("pread_baseline_gb_per_second").GetDouble() > 0);
            Assert.True(o.GetProperty("peak_rss_bytes").GetInt64() > 0);
            Assert.InRange(o.GetProperty("data_wait_share").GetDouble(), 0, 1);
        }

        Assert.Equal(["pread", "mmap"], ios);
    }

    [Fact]
    public void Bench_ColdFloat32Step_ReportsEvictionAndDtype()
    {
        using var dir = new TempDirectory();
        string path = dir.File("a.npy");
        SyntheticData.WriteNpy(path, 300, 16, signal: SignalKind.Random);

        CliResult result = Tool.Run("bench", path, "--window", "4", "--batch", "8", "--count", "40", "--cache", "cold", "--dtype", "float32", "--step-ms", "1", "--page-cache", "drop", "--baselines", "pread,memcpy", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument doc = JsonDocument.Parse(result.Out);
        JsonElement o = doc.RootElement;
        Assert.Equal("cold", o.GetProperty("cache").GetString());
        Assert.Equal("float32", o.GetProperty("dtype").GetString());
        Assert.Equal("float64", o.GetProperty("file_dtype").GetString());
        Assert.Equal("drop", o.GetProperty("page_cache").GetString());
        Assert.Equal(4 * 16 * 4, o.GetProperty("window_bytes").GetInt64());
        Assert.Equal(JsonValueKind.Number, o.GetProperty("cold_resident_fraction").ValueKind);
        Assert.Equal(JsonValueKind.Null, o.GetProperty("madvise_baseline_gb_per_second").ValueKind);
        Assert.Equal(JsonValueKind.Number, o.GetProperty("memcpy_baseline_gb_per_second").ValueKind);
    }

    [Fact]
    public void Bench_StartsOut_WritesTheWindowsEveryMethodReads()
    {
        using var dir = new TempDirectory();
        string path = dir.File("a.npy");
        SyntheticData.WriteNpy(path, 300, 4, signal: SignalKind.Random);
        string starts = dir.File("starts.txt");

        CliResult result = Tool.Run("bench", path, "--window", "8", "--batch", "16", "--count", "50", "--seed", "3", "--baselines", "none", "--starts-out", starts, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        long[] written = [.. File.ReadAllLines(starts).Where(l => l.Length > 0).Select(long.Parse)];
        using var loader = new WindowLoader(new WindowLoaderOptions
        {
            Source = SourceOptions.FromPaths(path),
            Window = 8,
            BatchSize = 16,
            WindowsPerEpoch = 50,
            Seed = 3,
        });
        long[] expected = [.. Enumerable.Range(0, (int)loader.BatchesPerEpoch).SelectMany(b => loader.GetStarts(0, b))];
        Assert.Equal(expected, written);
    }

    [Fact]
    public void Bench_Human_PrintsTable()
    {
        using var dir = new TempDirectory();
        string path = dir.File("a.npy");
        SyntheticData.WriteNpy(path, 200, 4, signal: SignalKind.Random);

        CliResult result = Tool.Run("bench", path, "--window", "4", "--batch", "8", "--count", "32");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("io=pread cache=warm", result.Out, StringComparison.Ordinal);
        Assert.Contains("pread, 1 thread", result.Out, StringComparison.Ordinal);
        Assert.Contains("memcpy (ceiling)", result.Out, StringComparison.Ordinal);
        Assert.Contains("peak private", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Bench_ConfigSections_AreApplied()
    {
        using var dir = new TempDirectory();
        string path = dir.File("a.npy");
        SyntheticData.WriteNpy(path, 200, 4, signal: SignalKind.Random);
        string config = dir.File("bench.json");
        File.WriteAllText(config, """
            {
              "loader": { "window": 6, "batchSize": 5, "memoryBudget": "2MiB" },
              "bench": { "count": 25, "io": "mmap", "baselines": ["pread"] }
            }
            """);

        CliResult result = Tool.Run("bench", path, "--config", config, "--json", "--window", "3");

        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument doc = JsonDocument.Parse(result.Out);
        JsonElement o = doc.RootElement;
        Assert.Equal("mmap", o.GetProperty("io").GetString());
        Assert.Equal(3, o.GetProperty("window").GetInt32());
        Assert.Equal(5, o.GetProperty("batch").GetInt32());
        Assert.Equal(25, o.GetProperty("windows").GetInt64());
        Assert.Equal(JsonValueKind.Null, o.GetProperty("memcpy_baseline_gb_per_second").ValueKind);
    }

    [Fact]
    public void Bench_ConfigBadBenchKey_ExitsOne()
    {
        using var dir = new TempDirectory();
        string path = dir.File("a.npy");
        SyntheticData.WriteNpy(path, 50, 2);
        string config = dir.File("bench.json");
        File.WriteAllText(config, """{ "bench": { "cache": "tepid" } }""");

        CliResult result = Tool.Run("bench", path, "--config", config);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("$.bench.cache", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--io", "aio")]
    [InlineData("--cache", "hot")]
    [InlineData("--baselines", "pread,fast")]
    [InlineData("--repeat", "0")]
    [InlineData("--memory-budget", "lots")]
    public void Bench_BadOptionValue_ExitsTwo(string option, string value)
    {
        CliResult result = Tool.Run("bench", Tool.Fixture("cli-source.npy"), option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(option, Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public void Bench_WindowLargerThanRows_ExitsOne()
    {
        CliResult result = Tool.Run("bench", Tool.Fixture("cli-source.npy"), "--window", "100");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("window", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }
}
