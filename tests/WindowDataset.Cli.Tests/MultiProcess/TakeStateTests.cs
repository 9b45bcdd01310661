using WindowDataset.Cli.Tests.Infrastructure;
using WindowDataset.Cli.Tests.MultiProcess.Infrastructure;

namespace WindowDataset.Cli.Tests.MultiProcess;

/// <summary><c>take --rank/--world-size/--state-in/--state-out</c> in-process: one rank of a job, split, stopped and resumed.</summary>
public sealed class TakeStateTests : IClassFixture<EpochFixture>, IDisposable
{
    private readonly EpochFixture _epoch;
    private readonly TempDirectory _dir = new();

    public TakeStateTests(EpochFixture epoch) => _epoch = epoch;

    public void Dispose() => _dir.Dispose();

    private CliResult Take(string tag, params string[] more) =>
        Tool.Run([.. _epoch.TakeArgs(_dir.File(tag + ".npy"), _dir.File(tag + ".txt")), .. more]);

    private long[] Starts(string tag) => EpochFixture.ReadStarts(_dir.File(tag + ".txt"));

    [Fact]
    public void Take_CountOnOneRank_SameWindowsAsWithoutRankOptions()
    {
        CliResult classic = Tool.Run("take", Tool.Fixture("cli-source.npy"), "--window", "4", "--count", "20", "--seed", "11", "--batch", "3", "--out", _dir.File("c.npy"), "--starts-out", _dir.File("c.txt"));
        CliResult ranked = Tool.Run("take", Tool.Fixture("cli-source.npy"), "--window", "4", "--count", "20", "--seed", "11", "--batch", "3", "--out", _dir.File("r.npy"), "--starts-out", _dir.File("r.txt"), "--rank", "0", "--world-size", "1", "--state-out", _dir.File("s.json"));

        Assert.True(classic.ExitCode == 0, classic.ToString());
        Assert.True(ranked.ExitCode == 0, ranked.ToString());
        Assert.Equal(File.ReadAllBytes(_dir.File("c.npy")), File.ReadAllBytes(_dir.File("r.npy")));
        Assert.Equal(File.ReadAllText(_dir.File("c.txt")), File.ReadAllText(_dir.File("r.txt")));
        Assert.Equal("{\"epoch\":0,\"batch\":6,\"windowsConsumed\":20,\"worldSize\":1}\n", File.ReadAllText(_dir.File("s.json")));
        Assert.Contains("windowds take: rank 0 of 1 from options; 20 of the", ranked.Error);
    }

    [Fact]
    public void Take_StateOutThenStateIn_ContinuesAtTheNextWindowEvenInsideABatch()
    {
        Assert.Equal(0, Take("first", "--rank", "1", "--world-size", "2", "--count", "7", "--state-out", _dir.File("s.json")).ExitCode);
        Assert.Equal(0, Take("rest", "--rank", "1", "--world-size", "2", "--count", "30", "--state-in", _dir.File("s.json")).ExitCode);
        Assert.Equal(0, Take("all", "--rank", "1", "--world-size", "2", "--count", "37").ExitCode);

        Assert.Equal(Starts("all"), Starts("first").Concat(Starts("rest")).ToArray());
        Assert.Equal(Enumerable.Range(0, 37).Select(p => _epoch.Starts[(p * 2) + 1]), Starts("all"));
        NpyData all = NpyData.Read(_dir.File("all.npy"));
        Assert.Equal(all.Data, NpyData.Read(_dir.File("first.npy")).Data.Concat(NpyData.Read(_dir.File("rest.npy")).Data).ToArray());
    }

    [Fact]
    public void Take_CountPastTheEndOfTheEpoch_StopsThereAndSavesTheNextEpoch()
    {
        var result = Take("t", "--rank", "2", "--world-size", "3", "--count", "100000", "--state-out", _dir.File("s.json"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal([800L, EpochFixture.Window, EpochFixture.Cols], NpyData.Read(_dir.File("t.npy")).Shape);
        Assert.Equal("{\"epoch\":1,\"batch\":0,\"windowsConsumed\":0,\"worldSize\":3}\n", File.ReadAllText(_dir.File("s.json")));
        Assert.Equal(0, Take("empty", "--rank", "2", "--world-size", "3", "--state-in", _dir.File("s.json"), "--count", "5").ExitCode);
        Assert.Equal(5, Starts("empty").Length); // the next epoch
    }

    [Fact]
    public void Take_RankNotBelowWorldSize_OneLineUsageError()
    {
        CliResult result = Take("x", "--rank", "4", "--world-size", "4");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(["windowds take: option '--rank': expected 0..3 (world size 4); found 4."], result.ErrorLines);
    }

    [Theory]
    [InlineData("{\"epoch\": 0}", "expected both epoch and batch")]
    [InlineData("{\"epoch\": 0, \"batch\": -1}", "batch: expected an integer >= 0; found -1.")]
    [InlineData("{\"epoch\": 0, \"batch\": 1, \"step\": 3}", "found 'step'.")]
    [InlineData("[1, 2]", "expected an object")]
    [InlineData("{\"epoch\": ", "found invalid JSON")]
    public void Take_BadStateIn_OneLineNamingTheFileAndField(string json, string expected)
    {
        File.WriteAllText(_dir.File("bad.json"), json);

        CliResult result = Take("x", "--state-in", _dir.File("bad.json"));

        Assert.Equal(1, result.ExitCode);
        string line = Assert.Single(result.ErrorLines);
        Assert.StartsWith($"windowds take: {_dir.File("bad.json")}: --state-in: ", line);
        Assert.Contains(expected, line);
    }

    [Fact]
    public void Take_StateFromAnotherWorldSize_ReadsTheRestOfTheGlobalOrder()
    {
        File.WriteAllText(_dir.File("s.json"), "{\"Epoch\": 0, \"Batch\": 2, \"WindowsConsumed\": 128, \"WorldSize\": 4}");

        CliResult result = Take("r", "--rank", "0", "--world-size", "2", "--state-in", _dir.File("s.json"), "--count", "10");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Enumerable.Range(0, 10).Select(p => _epoch.Starts[128 + (p * 2)]), Starts("r"));
        Assert.Contains("10 of the 1136 windows left in epoch 0", result.Error);
    }
}
