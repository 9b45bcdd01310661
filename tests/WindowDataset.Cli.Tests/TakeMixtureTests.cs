using System.Globalization;
using System.Runtime.InteropServices;
using WindowDataset.Cli.Tests.Infrastructure;

namespace WindowDataset.Cli.Tests;

/// <summary><c>take --config</c> with a <c>mixture</c>: the windows come from each component in its exact share, row for row.</summary>
public sealed class TakeMixtureTests
{
    private static string WriteRows(string path, long firstValue, int rows)
    {
        using var writer = new NpyWriter(path, ElementType.Float64, [rows, 2]);
        for (int r = 0; r < rows; r++)
        {
            writer.Write<double>([firstValue + (r * 10), firstValue + (r * 10) + 1]);
        }

        writer.Complete();
        return path;
    }

    [Fact]
    public void Take_MixtureConfig_ExactSharesOfComponentRows()
    {
        using var dir = new TempDirectory();
        WriteRows(dir.File("a.npy"), 0, 80);
        WriteRows(dir.File("b.npy"), 100000, 30);
        string config = dir.File("mix.json");
        File.WriteAllText(config, """
            { "loader": { "window": 3, "seed": 4,
              "mixture": [ { "weight": 0.75, "source": { "paths": ["a.npy"] } }, { "weight": 0.25, "source": { "paths": ["b.npy"] } } ] } }
            """);
        string output = dir.File("out.npy");
        string startsOut = dir.File("starts.txt");

        CliResult result = Tool.Run("take", "--config", config, "--count", "40", "--out", output, "--starts-out", startsOut, "--batch", "6", "--workers", "2");

        Assert.True(result.ExitCode == 0, result.ToString());
        long[] starts = [.. File.ReadAllLines(startsOut).Select(l => long.Parse(l, CultureInfo.InvariantCulture))];
        Assert.Equal(40, starts.Length);
        Assert.Equal(30, starts.Count(s => s < 80));
        Assert.Equal(10, starts.Count(s => s >= 80));
        ReadOnlySpan<double> got = MemoryMarshal.Cast<byte, double>(NpyData.Read(output).Data);
        for (int k = 0; k < starts.Length; k++)
        {
            double first = starts[k] < 80 ? starts[k] * 10 : 100000 + ((starts[k] - 80) * 10);
            for (int r = 0; r < 3; r++)
            {
                Assert.Equal(first + (r * 10), got[(k * 6) + (r * 2)]);
                Assert.Equal(first + (r * 10) + 1, got[(k * 6) + (r * 2) + 1]);
            }
        }
    }

    [Fact]
    public void Take_MixtureConfigWithInputPaths_OneLineError()
    {
        using var dir = new TempDirectory();
        WriteRows(dir.File("a.npy"), 0, 20);
        string config = dir.File("mix.json");
        File.WriteAllText(config, """{ "loader": { "mixture": [ { "weight": 1, "source": { "paths": ["a.npy"] } } ] } }""");

        CliResult result = Tool.Run("take", dir.File("a.npy"), "--config", config, "--count", "3", "--out", dir.File("o.npy"));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("$.loader.source: source: expected no paths or glob with mixture", result.Error, StringComparison.Ordinal);
    }
}
