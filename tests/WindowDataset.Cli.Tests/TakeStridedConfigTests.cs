using WindowDataset.Cli.Tests.Infrastructure;

namespace WindowDataset.Cli.Tests;

/// <summary><c>windowds take</c> with a config asking for strided views writes the usual (K, W, *row) windows.</summary>
public sealed class TakeStridedConfigTests
{
    [Fact]
    public void Take_ConfigWithStridedWindows_WritesTheSameWindowsAsWithout()
    {
        using var dir = new TempDirectory();
        string x = Tool.Fixture(Path.Combine("inputs", "x.npy")).Replace("\\", "\\\\", StringComparison.Ordinal);
        string[] outputs = new string[2];
        for (int k = 0; k < 2; k++)
        {
            string config = dir.File($"take{k}.json");
            File.WriteAllText(config, $$"""
                {"loader": {"source": {"paths": ["{{x}}"]}, "window": 5, "batchSize": 4, "workers": 1, "sampler": "sequential", "stride": 1, "stridedWindows": {{(k == 0 ? "true" : "false")}} } }
                """);
            outputs[k] = dir.File($"out{k}.npy");
            CliResult result = Tool.Run("take", "--config", config, "--count", "12", "--out", outputs[k]);
            Assert.True(result.ExitCode == 0, result.ToString());
        }

        Assert.Equal(File.ReadAllBytes(outputs[1]), File.ReadAllBytes(outputs[0]));
    }
}
