using System.Text.Json;
using WindowDataset.Cli.Tests.Infrastructure;

namespace WindowDataset.Cli.Tests;

public sealed class StatsCommandTests
{
    [Fact]
    public void Stats_NpyWithRowsJson_WritesTheLibraryStatistics()
    {
        using var dir = new TempDirectory();
        string data = WriteData(dir.File("a.npy"));
        string output = dir.File("a.stats.json");

        CliResult result = Tool.Run("stats", data, "--rows", "2:30", "--out", output, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument doc = JsonDocument.Parse(result.Out);
        JsonElement o = doc.RootElement;
        Assert.Equal(28, o.GetProperty("rows").GetInt64());
        Assert.Equal(2, o.GetProperty("row_start").GetInt64());
        Assert.Equal(28 * 3 * 8, o.GetProperty("bytes").GetInt64());
        Assert.True(o.GetProperty("gb_per_s").GetDouble() >= 0);
        ArrayStatistics written = ArrayStatistics.Load(output);
        ArrayStatistics library = ArrayStatistics.Compute(SourceOptions.FromPaths(data), 2, 30);
        Assert.Equal(library.Mean, written.Mean);
        Assert.Equal(library.Std, written.Std);
        Assert.Equal(library.Min, written.Min);
        Assert.Equal(library.Max, written.Max);
        Assert.Equal([28L, 27L, 0L], written.Count);
        Assert.Equal([0L, 1L, 28L], written.NanCount);
        Assert.Equal(2.0, written.Min[0]);
        Assert.Equal(29.0, written.Max[0]);
        Assert.Equal(15.5, written.Mean[0]);
    }

    [Fact]
    public void Stats_Human_PrintsRowsBytesSecondsAndGBps()
    {
        using var dir = new TempDirectory();
        string data = WriteData(dir.File("a.npy"));

        CliResult result = Tool.Run("stats", data, "--out", dir.File("a.stats.json"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("rows 0..40 (40 rows of 3 elements), 960 bytes in ", result.Out, StringComparison.Ordinal);
        Assert.Contains(" GB/s; 41 NaN/inf values.", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Stats_MissingInput_OneLineErrorNamingTheFile()
    {
        using var dir = new TempDirectory();
        string missing = dir.File("nope.npy");

        CliResult result = Tool.Run("stats", missing, "--out", dir.File("x.json"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(missing + ": file not found.", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    [Fact]
    public void Stats_RowsPastTheEnd_OneLineErrorNamingTheFile()
    {
        using var dir = new TempDirectory();
        string data = WriteData(dir.File("a.npy"));

        CliResult result = Tool.Run("stats", data, "--rows", "10:41", "--out", dir.File("x.json"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(data + ": rows: expected start:end with 0 <= start < end <= 40 (the row count); found 10:41.", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10")]
    [InlineData("a:b")]
    [InlineData("-1:4")]
    public void Stats_BadRowsText_UsageError(string rows)
    {
        using var dir = new TempDirectory();
        string data = WriteData(dir.File("a.npy"));

        CliResult result = Tool.Run("stats", data, "--rows", rows, "--out", dir.File("x.json"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("stats: option '--rows': expected S:E", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Stats_OpenEndedRows_CountsToTheEnd()
    {
        using var dir = new TempDirectory();
        string data = WriteData(dir.File("a.npy"));
        string output = dir.File("a.stats.json");

        CliResult result = Tool.Run("stats", data, "--rows", "35:", "--out", output);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(5, ArrayStatistics.Load(output).Rows);
    }

    /// <summary>40 rows of 3 float64: column 0 = row, column 1 = row with a NaN at row 7, column 2 all +inf.</summary>
    private static string WriteData(string path)
    {
        double[] values = new double[40 * 3];
        for (int r = 0; r < 40; r++)
        {
            values[r * 3] = r;
            values[(r * 3) + 1] = r == 7 ? double.NaN : r * 0.5;
            values[(r * 3) + 2] = double.PositiveInfinity;
        }

        using var writer = new NpyWriter(path, ElementType.Float64, [40, 3]);
        writer.Write<double>(values);
        writer.Complete();
        return path;
    }
}
