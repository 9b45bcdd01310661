using System.Text.Json;
using WindowDataset.Cli.Tests.Infrastructure;

namespace WindowDataset.Cli.Tests;

public sealed class NormalizeBenchTests
{
    [Fact]
    public void BenchNormalize_Json_PrintsBothRatesAndTheRatio()
    {
        using var dir = new TempDirectory();
        string data = dir.File("a.npy");
        Assert.Equal(0, Tool.Run("gen", data, "--rows", "2000", "--cols", "4", "--dtype", "float32", "-q").ExitCode);
        string stats = dir.File("a.stats.json");
        Assert.Equal(0, Tool.Run("stats", data, "--out", stats).ExitCode);

        CliResult result = Tool.Run("bench", data, "--normalize", stats, "--count", "200", "--window", "8", "--batch", "16", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument doc = JsonDocument.Parse(result.Out.Trim().Split('\n')[^1]);
        Assert.True(doc.RootElement.GetProperty("windows_per_s").GetDouble() > 0);
        Assert.True(doc.RootElement.GetProperty("normalize_windows_per_s").GetDouble() > 0);
        Assert.True(doc.RootElement.GetProperty("normalize_ratio").GetDouble() > 0);
    }
}
