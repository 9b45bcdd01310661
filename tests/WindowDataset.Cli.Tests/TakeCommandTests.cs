using System.Globalization;
using System.Runtime.InteropServices;
using WindowDataset.Cli.Tests.Infrastructure;

namespace WindowDataset.Cli.Tests;

public sealed class TakeCommandTests
{
    [Theory]
    [InlineData(null, "cli-take-expected-f8.npy", "pread")]
    [InlineData("float32", "cli-take-expected-f4.npy", "pread")]
    [InlineData(null, "cli-take-expected-f8.npy", "mmap")]
    [InlineData("float32", "cli-take-expected-f4.npy", "mmap")]
    public void Take_StartsFile_EqualsNumpyWindows(string? dtype, string expectedFile, string io)
    {
        using var dir = new TempDirectory();
        string output = dir.File("out.npy");
        List<string> args = ["take", Tool.Fixture("cli-source.npy"), "--window", "5", "--starts", Tool.Fixture("cli-starts.txt"), "--out", output, "--io", io, "--batch", "4", "--workers", "2"];
        if (dtype is not null)
        {
            args.AddRange(["--dtype", dtype]);
        }

        CliResult result = Tool.Run([.. args]);

        Assert.True(result.ExitCode == 0, result.ToString());
        NpyData expected = NpyData.Read(Tool.Fixture(expectedFile));
        NpyData actual = NpyData.Read(output);
        Assert.Equal(expected.Type, actual.Type);
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.Data, actual.Data);
        Assert.Equal(NpyData.Header(Tool.Fixture(expectedFile)), NpyData.Header(output));
    }

    [Fact]
    public void Take_Count_OutputEqualsSourceWindowsAtStartsOut()
    {
        using var dir = new TempDirectory();
        string output = dir.File("out.npy");
        string startsOut = dir.File("starts.txt");

        CliResult result = Tool.Run("take", Tool.Fixture("cli-source.npy"), "--window", "4", "--count", "20", "--seed", "11", "--out", output, "--starts-out", startsOut, "--batch", "3");

        Assert.True(result.ExitCode == 0, result.ToString());
        long[] starts = [.. File.ReadAllLines(startsOut).Select(l => long.Parse(l, CultureInfo.InvariantCulture))];
        Assert.Equal(20, starts.Length);
        Assert.Equal(20, starts.Distinct().Count());
        NpyData source = NpyData.Read(Tool.Fixture("cli-source.npy"));
        NpyData actual = NpyData.Read(output);
        Assert.Equal([20L, 4L, 3L], actual.Shape);
        ReadOnlySpan<double> src = MemoryMarshal.Cast<byte, double>(source.Data);
        ReadOnlySpan<double> got = MemoryMarshal.Cast<byte, double>(actual.Data);
        for (int k = 0; k < starts.Length; k++)
        {
            Assert.True(src.Slice((int)starts[k] * 3, 12).SequenceEqual(got.Slice(k * 12, 12)), $"window {k} (start {starts[k]})");
        }
    }

    [Fact]
    public void Take_SameSeed_SameStarts()
    {
        using var dir = new TempDirectory();

        Assert.Equal(0, Tool.Run("take", Tool.Fixture("cli-source.npy"), "--window", "4", "--count", "10", "--seed", "5", "--out", dir.File("a.npy"), "--starts-out", dir.File("a.txt")).ExitCode);
        Assert.Equal(0, Tool.Run("take", Tool.Fixture("cli-source.npy"), "--window", "4", "--count", "10", "--seed", "5", "--out", dir.File("b.npy"), "--starts-out", dir.File("b.txt"), "--workers", "1").ExitCode);

        Assert.Equal(File.ReadAllText(dir.File("a.txt")), File.ReadAllText(dir.File("b.txt")));
        Assert.Equal(File.ReadAllBytes(dir.File("a.npy")), File.ReadAllBytes(dir.File("b.npy")));
    }

    [Fact]
    public void Take_Shards_WindowsNeverCrossShards()
    {
        using var dir = new TempDirectory();
        string output = dir.File("out.npy");
        string startsOut = dir.File("starts.txt");

        CliResult result = Tool.Run("take", Tool.Fixture("cli-part-0.npy"), Tool.Fixture("cli-part-1.npy"), "--window", "4", "--count", "19", "--out", output, "--starts-out", startsOut);

        Assert.True(result.ExitCode == 0, result.ToString());
        long[] starts = [.. File.ReadAllLines(startsOut).Select(l => long.Parse(l, CultureInfo.InvariantCulture))];
        Assert.All(starts, s => Assert.True(s + 4 <= 10 || s >= 10, $"start {s} crosses the shard boundary"));
        ReadOnlySpan<float> got = MemoryMarshal.Cast<byte, float>(NpyData.Read(output).Data);
        for (int k = 0; k < starts.Length; k++)
        {
            for (int r = 0; r < 4; r++)
            {
                // The fixtures hold value(row, col) = row * 1000 + col + 0.25 with global rows.
                Assert.Equal((float)(((starts[k] + r) * 1000) + 0.25), got[(k * 12) + (r * 3)]);
            }
        }
    }

    [Fact]
    public void Take_Config_ExplicitOptionsOverride()
    {
        using var dir = new TempDirectory();
        string config = dir.File("take.json");
        File.WriteAllText(config, """
            {
              // a take config: loader options; the command line's paths and options win
              "loader": { "window": 9, "batchSize": 2, "memoryBudget": "1MiB", "outputType": "float32" }
            }
            """);
        string output = dir.File("out.npy");

        CliResult result = Tool.Run("take", Tool.Fixture("cli-source.npy"), "--config", config, "--window", "5", "--starts", Tool.Fixture("cli-starts.txt"), "--out", output);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(NpyData.Read(Tool.Fixture("cli-take-expected-f4.npy")).Data, NpyData.Read(output).Data);
    }

    [Fact]
    public void Take_ConfigUnknownKey_ExitsOneNamingKey()
    {
        using var dir = new TempDirectory();
        string config = dir.File("take.json");
        File.WriteAllText(config, """{ "loader": { "windw": 9 } }""");

        CliResult result = Tool.Run("take", Tool.Fixture("cli-source.npy"), "--config", config, "--count", "3", "--out", dir.File("o.npy"));

        Assert.Equal(1, result.ExitCode);
        string line = Assert.Single(result.ErrorLines);
        Assert.Contains("take.json", line, StringComparison.Ordinal);
        Assert.Contains("windw", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Take_WindowLargerThanRows_ExitsOne()
    {
        using var dir = new TempDirectory();

        CliResult result = Tool.Run("take", Tool.Fixture("cli-source.npy"), "--window", "41", "--count", "1", "--out", dir.File("o.npy"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("window", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("o.npy")));
    }

    [Fact]
    public void Take_CountAboveValidStarts_ExitsOne()
    {
        using var dir = new TempDirectory();

        CliResult result = Tool.Run("take", Tool.Fixture("cli-source.npy"), "--window", "5", "--count", "37", "--out", dir.File("o.npy"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("36", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public void Take_MissingFile_ExitsOne()
    {
        using var dir = new TempDirectory();

        CliResult result = Tool.Run("take", dir.File("missing.npy"), "--count", "3", "--out", dir.File("o.npy"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("missing.npy", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public void Take_CountAndStarts_ExitsTwo()
    {
        using var dir = new TempDirectory();

        CliResult result = Tool.Run("take", Tool.Fixture("cli-source.npy"), "--count", "3", "--starts", Tool.Fixture("cli-starts.txt"), "--out", dir.File("o.npy"));

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.ErrorLines);
    }

    [Fact]
    public void Take_NeitherCountNorStarts_ExitsTwo()
    {
        using var dir = new TempDirectory();

        CliResult result = Tool.Run("take", Tool.Fixture("cli-source.npy"), "--out", dir.File("o.npy"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--count", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public void Take_BadStartsFile_ExitsOneNamingLine()
    {
        using var dir = new TempDirectory();
        string starts = dir.File("starts.txt");
        File.WriteAllLines(starts, ["3", "x7"]);

        CliResult result = Tool.Run("take", Tool.Fixture("cli-source.npy"), "--window", "5", "--starts", starts, "--out", dir.File("o.npy"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("starts.txt:2", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public void Take_StartOutOfRange_ExitsOne()
    {
        using var dir = new TempDirectory();
        string starts = dir.File("starts.txt");
        File.WriteAllLines(starts, ["3", "36"]);

        CliResult result = Tool.Run("take", Tool.Fixture("cli-source.npy"), "--window", "5", "--starts", starts, "--out", dir.File("o.npy"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("starts[1]", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public void Take_BadDtype_ExitsTwo()
    {
        using var dir = new TempDirectory();

        CliResult result = Tool.Run("take", Tool.Fixture("cli-source.npy"), "--count", "3", "--dtype", "complex64", "--out", dir.File("o.npy"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--dtype", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public void Take_UnsupportedConversion_ExitsOne()
    {
        using var dir = new TempDirectory();

        CliResult result = Tool.Run("take", Tool.Fixture("cli-source.npy"), "--count", "3", "--window", "2", "--dtype", "int8", "--out", dir.File("o.npy"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("outputType", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public void Take_BudgetTooSmall_ExitsOne()
    {
        using var dir = new TempDirectory();

        CliResult result = Tool.Run("take", Tool.Fixture("cli-source.npy"), "--count", "3", "--window", "2", "--memory-budget", "100", "--out", dir.File("o.npy"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("memoryBudget", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }
}
