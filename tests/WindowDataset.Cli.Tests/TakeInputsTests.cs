using System.Buffers.Binary;
using System.Globalization;
using WindowDataset.Cli.Tests.Infrastructure;

namespace WindowDataset.Cli.Tests;

/// <summary><c>windowds take --config</c> with aligned inputs: input 0 to --out, input k to OUT.name.npy, each equal to numpy's windows.</summary>
public sealed class TakeInputsTests
{
    [Fact]
    public void Take_ConfigWithThreeInputs_WritesOneNpyPerInputEqualToNumpysWindows()
    {
        using var dir = new TempDirectory();
        string config = dir.File("take.json");
        string Fixture(string name) => Tool.Fixture(Path.Combine("inputs", name)).Replace("\\", "\\\\", StringComparison.Ordinal);
        File.WriteAllText(config, $$"""
            {"loader": {"window": 5, "batchSize": 4, "workers": 2, "inputs": [
              {"name": "x", "paths": ["{{Fixture("x_0.npy")}}", "{{Fixture("x_1.npy")}}"]},
              {"name": "cov", "paths": ["{{Fixture("cov_0.npy")}}", "{{Fixture("cov_1.npy")}}"]},
              {"name": "y", "paths": ["{{Fixture("y.zarr")}}"]} ] } }
            """);
        byte[] startsNpy = NpyData.Read(Tool.Fixture(Path.Combine("inputs", "starts_w5.npy"))).Data;
        string starts = dir.File("starts.txt");
        File.WriteAllLines(starts, Enumerable.Range(0, startsNpy.Length / 8).Select(i => BinaryPrimitives.ReadInt64LittleEndian(startsNpy.AsSpan(i * 8)).ToString(CultureInfo.InvariantCulture)));
        string output = dir.File("out.npy");

        CliResult result = Tool.Run("take", "--config", config, "--starts", starts, "--out", output);

        Assert.True(result.ExitCode == 0, result.ToString());
        (string File, string Expected, long[] Shape)[] outputs =
        [
            (output, "x_w5.npy", [36, 5, 4]),
            (dir.File("out.cov.npy"), "cov_w5.npy", [36, 5, 2, 3]),
            (dir.File("out.y.npy"), "y_w5.npy", [36, 5, 1]),
        ];
        foreach ((string file, string expected, long[] shape) in outputs)
        {
            NpyData actual = NpyData.Read(file);
            NpyData want = NpyData.Read(Tool.Fixture(Path.Combine("inputs", expected)));
            Assert.Equal(shape, actual.Shape);
            Assert.Equal(want.Type, actual.Type);
            Assert.Equal(want.Data, actual.Data);
        }
    }

    [Fact]
    public void Take_PathsAndConfigWithInputs_RefusedAsBothSourceAndInputs()
    {
        using var dir = new TempDirectory();
        string config = dir.File("take.json");
        string x = Tool.Fixture(Path.Combine("inputs", "x.npy")).Replace("\\", "\\\\", StringComparison.Ordinal);
        File.WriteAllText(config, $$"""{"inputs": [{"name": "x", "paths": ["{{x}}"]}]}""");

        CliResult result = Tool.Run("take", x, "--config", config, "--count", "3", "--window", "5", "--out", dir.File("out.npy"));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("inputs: expected either source or inputs; found both", result.ToString(), StringComparison.Ordinal);
    }
}
