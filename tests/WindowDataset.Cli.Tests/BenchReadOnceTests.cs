using System.Text.Json;
using WindowDataset.Cli.Tests.Infrastructure;
using WindowDataset.Synthetic;

namespace WindowDataset.Cli.Tests;

/// <summary>The bench's sampler, stride and coalescing options, its ceilings and its bytes read against bytes delivered.</summary>
public sealed class BenchReadOnceTests
{
    private static readonly string[] s_keys =
    [
        "sampler", "stride", "coalesce", "strided_windows", "storage_bytes_read", "bytes_delivered", "loader_bytes_read", "loader_read_per_delivered",
        "storage_read_per_delivered", "ceiling_memcpy_gb_per_second", "ceiling_sequential_read_gb_per_second", "ceiling_random_read_gb_per_second",
        "windows_per_second", "gb_per_second", "data_wait_share", "runs",
    ];

    [Fact]
    public void Bench_SequentialCompareUniformCoalesceBoth_ConfigurationsThenComparisons()
    {
        using var dir = new TempDirectory();
        string path = dir.File("a.npy");
        SyntheticData.WriteNpy(path, 3000, 8, signal: SignalKind.Random);

        CliResult result = Tool.Run("bench", path, "--window", "8", "--batch", "32", "--workers", "2", "--count", "600", "--sampler", "sequential", "--stride", "2",
            "--compare", "uniform", "--coalesce", "both", "--baselines", "none", "--json", "--memory-budget", "8MiB");

        Assert.True(result.ExitCode == 0, result.ToString());
        string[] lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4 + 3, lines.Length);
        var seen = new List<(string, bool)>();
        for (int i = 0; i < 4; i++)
        {
            using JsonDocument doc = JsonDocument.Parse(lines[i]);
            JsonElement o = doc.RootElement;
            foreach (string key in s_keys)
            {
                Assert.True(o.TryGetProperty(key, out _), $"missing {key} in {lines[i]}");
            }

            string sampler = o.GetProperty("sampler").GetString()!;
            bool coalesce = o.GetProperty("coalesce").GetBoolean();
            seen.Add((sampler, coalesce));
            long delivered = o.GetProperty("bytes_delivered").GetInt64();
            long read = o.GetProperty("loader_bytes_read").GetInt64();
            Assert.Equal(600L * 8 * 8 * sizeof(double), delivered);
            Assert.Equal(2, o.GetProperty("stride").GetInt64());
            Assert.True(o.GetProperty("ceiling_memcpy_gb_per_second").GetDouble() > 0);
            if (sampler == "sequential" && coalesce)
            {
                // 18 batches of 32 windows read as runs of 31 x 2 + 8 = 70 rows, and the last 24 as 23 x 2 + 8 = 54 rows.
                Assert.Equal(((18 * 70) + 54) * 8L * sizeof(double), read);
            }
            else if (!coalesce)
            {
                Assert.Equal(delivered, read);
            }
        }

        Assert.Equal([("sequential", true), ("sequential", false), ("uniform", true), ("uniform", false)], seen);
        string[] comparisons = new string[3];
        for (int i = 0; i < 3; i++)
        {
            using JsonDocument doc = JsonDocument.Parse(lines[4 + i]);
            JsonElement o = doc.RootElement;
            comparisons[i] = o.GetProperty("comparison").GetString()!;
            Assert.True(o.GetProperty("gb_per_second_ratio").GetDouble() > 0);
            Assert.True(o.TryGetProperty("a_storage_read_per_delivered", out _));
        }

        Assert.Equal(["sampler", "coalesce", "coalesce"], comparisons);
    }

    [Fact]
    public void Bench_NoCeilingsStridedWindows_NullCeilingsAndStridedReported()
    {
        using var dir = new TempDirectory();
        string path = dir.File("a.npy");
        SyntheticData.WriteNpy(path, 2000, 4, signal: SignalKind.Random);

        CliResult result = Tool.Run("bench", path, "--window", "16", "--batch", "16", "--workers", "2", "--count", "300", "--sampler", "sequential",
            "--strided-windows", "--no-ceilings", "--baselines", "none", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        string line = Assert.Single(result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using JsonDocument doc = JsonDocument.Parse(line);
        JsonElement o = doc.RootElement;
        Assert.True(o.GetProperty("strided_windows").GetBoolean());
        Assert.Equal(JsonValueKind.Null, o.GetProperty("ceiling_memcpy_gb_per_second").ValueKind);
        Assert.True(o.GetProperty("loader_read_per_delivered").GetDouble() < 0.15);
    }
}
