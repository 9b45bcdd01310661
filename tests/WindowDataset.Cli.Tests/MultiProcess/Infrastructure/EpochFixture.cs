using System.Globalization;
using WindowDataset.Cli.Tests.Infrastructure;

namespace WindowDataset.Cli.Tests.MultiProcess.Infrastructure;

/// <summary>
/// One small array (3000 rows x 2, window 8) and a loader config whose epoch (2400 windows, permutation, seed 5)
/// divides evenly among 1, 3, 4 and 6 ranks, with the single-process stream of epoch 0 taken in-process.
/// </summary>
public sealed class EpochFixture : IDisposable
{
    public const int Window = 8;
    public const int Cols = 2;
    public const int BatchSize = 16;
    public const int PerEpoch = 2400;

    private readonly TempDirectory _dir = new();

    public EpochFixture()
    {
        Data = _dir.File("data.npy");
        CliResult gen = Tool.Run("gen", Data, "--rows", "3000", "--cols", Cols.ToString(CultureInfo.InvariantCulture), "--seed", "3", "--quiet");
        Assert.True(gen.ExitCode == 0, gen.ToString());
        Config = _dir.File("loader.json");
        File.WriteAllText(Config, $$$"""{"loader": {"sampler": "permutation", "seed": 5, "windowsPerEpoch": {{{PerEpoch}}}, "window": {{{Window}}}, "batchSize": {{{BatchSize}}}, "workers": 1}}""");
        CliResult single = Tool.Run([.. TakeArgs(_dir.File("single.npy"), _dir.File("single.txt")), "--rank", "0", "--world-size", "1", "--quiet"]);
        Assert.True(single.ExitCode == 0, single.ToString());
        Starts = ReadStarts(_dir.File("single.txt"));
        Windows = NpyData.Read(_dir.File("single.npy")).Data;
        Assert.Equal(PerEpoch, Starts.Length);
    }

    public string Data { get; }

    public string Config { get; }

    /// <summary>The single-process stream of epoch 0: starts, and the windows' bytes in that order.</summary>
    public long[] Starts { get; }

    public byte[] Windows { get; }

    public static int WindowBytes => Window * Cols * sizeof(double);

    public string[] TakeArgs(string output, string startsOut) =>
        ["take", Data, "--config", Config, "--out", output, "--starts-out", startsOut];

    public static long[] ReadStarts(string path) =>
        [.. File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => long.Parse(l, CultureInfo.InvariantCulture))];

    public void Dispose() => _dir.Dispose();
}
