using WindowDataset.Cli.Tests.Infrastructure;
using WindowDataset.Synthetic;

namespace WindowDataset.Cli.Tests;

public sealed class GenCommandTests
{
    [Theory]
    [InlineData("float64", "cli-zeros-20x3-f8.npy")]
    [InlineData("float32", "cli-zeros-20x3-f4.npy")]
    public void Gen_Shape_HeaderEqualsNumpys(string dtype, string numpyFile)
    {
        using var dir = new TempDirectory();
        string path = dir.File("g.npy");

        CliResult result = Tool.Run("gen", path, "--rows", "20", "--cols", "3", "--dtype", dtype, "--seed", "7");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(NpyData.Header(Tool.Fixture(numpyFile)), NpyData.Header(path));
        Assert.Equal(new FileInfo(Tool.Fixture(numpyFile)).Length, new FileInfo(path).Length);
    }

    [Theory]
    [InlineData("ar")]
    [InlineData("random")]
    public void Gen_SameSeed_SameBytesAsSyntheticData(string signal)
    {
        using var dir = new TempDirectory();
        string path = dir.File("g.npy");
        string reference = dir.File("r.npy");

        CliResult result = Tool.Run("gen", path, "--rows", "50", "--cols", "4", "--seed", "3", "--signal", signal, "--quiet");
        SyntheticData.WriteNpy(reference, 50, 4, ElementType.Float64, signal == "ar" ? SignalKind.Ar : SignalKind.Random, 3);

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Out);
        Assert.Equal(File.ReadAllBytes(reference), File.ReadAllBytes(path));
    }

    [Theory]
    [InlineData(null, "ar")]
    [InlineData("AR", "ar")]
    [InlineData("random", "random")]
    public void Gen_Summary_SpellsTheSignalAsTheOption(string? signal, string expected)
    {
        using var dir = new TempDirectory();
        string[] args = ["gen", dir.File("g.npy"), "--rows", "10", "--cols", "2"];

        CliResult result = Tool.Run(signal is null ? args : [.. args, "--signal", signal]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"(10, 2) float64 {expected}, ", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Gen_Random_ValuesInUnitRange()
    {
        using var dir = new TempDirectory();
        string path = dir.File("g.npy");

        Assert.Equal(0, Tool.Run("gen", path, "--rows", "100", "--cols", "5", "--signal", "random").ExitCode);

        double[] values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(NpyData.Read(path).Data).ToArray();
        Assert.Equal(500, values.Length);
        Assert.All(values, v => Assert.InRange(v, -1.0, 1.0));
        Assert.True(values.Distinct().Count() > 450);
    }

    [Fact]
    public void Gen_BadDtype_ExitsTwo()
    {
        using var dir = new TempDirectory();

        CliResult result = Tool.Run("gen", dir.File("g.npy"), "--rows", "10", "--cols", "2", "--dtype", "float128");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'--dtype'", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("g.npy")));
    }

    [Theory]
    [InlineData("--cols", "2")]
    [InlineData("--rows", "2")]
    public void Gen_MissingRequiredOption_ExitsTwo(string option, string value)
    {
        using var dir = new TempDirectory();

        CliResult result = Tool.Run("gen", dir.File("g.npy"), option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is required", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public void Gen_NonNumericRows_ExitsTwo()
    {
        using var dir = new TempDirectory();

        CliResult result = Tool.Run("gen", dir.File("g.npy"), "--rows", "lots", "--cols", "2");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'--rows'", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public void Gen_MissingFolder_ExitsOne()
    {
        CliResult result = Tool.Run("gen", "/nonexistent-dir/g.npy", "--rows", "10", "--cols", "2");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("/nonexistent-dir", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }
}
