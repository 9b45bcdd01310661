using System.Diagnostics;
using System.Globalization;
using WindowDataset.Cli.Tests.Infrastructure;
using WindowDataset.Cli.Tests.MultiProcess.Infrastructure;
using Xunit.Abstractions;

namespace WindowDataset.Cli.Tests.MultiProcess;

/// <summary>
/// Real OS processes, one per rank, each finding its rank in its own environment as under a launcher: together they
/// read the epoch exactly once, in the single-process order; stopped after k batches and resumed with another
/// number of processes they read exactly the rest.
/// </summary>
public sealed class MultiProcessTakeTests : IClassFixture<EpochFixture>, IDisposable
{
    private readonly EpochFixture _epoch;
    private readonly TempDirectory _dir = new();
    private readonly ITestOutputHelper _log;

    public MultiProcessTakeTests(EpochFixture epoch, ITestOutputHelper log)
    {
        _epoch = epoch;
        _log = log;
    }

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string> Launchers => ["torchrun", "slurm+ompi"];

    private static Dictionary<string, string> LauncherEnvironment(string launcher, int rank, int world)
    {
        string r = rank.ToString(CultureInfo.InvariantCulture), w = world.ToString(CultureInfo.InvariantCulture);
        return launcher switch
        {
            "torchrun" => new() { ["RANK"] = r, ["WORLD_SIZE"] = w, ["LOCAL_RANK"] = r },
            // srun starting Open MPI ranks: both pairs are set, agree, and Open MPI's (tried first) is reported.
            _ => new() { ["SLURM_PROCID"] = r, ["SLURM_NTASKS"] = w, ["OMPI_COMM_WORLD_RANK"] = r, ["OMPI_COMM_WORLD_SIZE"] = w },
        };
    }

    /// <summary>Starts <paramref name="world"/> take processes at once; returns their outputs and the states they saved.</summary>
    private async Task<(RankOutput[] Outputs, string[] States)> RunRanks(string tag, string launcher, int world, long? count, string? stateIn)
    {
        var clock = Stopwatch.StartNew();
        string[] states = [.. Enumerable.Range(0, world).Select(r => _dir.File($"{tag}-state-{r}.json"))];
        CliResult[] results = await ToolProcess.RunAllAsync(
            r =>
            {
                List<string> args = [.. _epoch.TakeArgs(_dir.File($"{tag}-{r}.npy"), _dir.File($"{tag}-{r}.txt")), "--state-out", states[r]];
                if (count is { } k)
                {
                    args.AddRange(["--count", k.ToString(CultureInfo.InvariantCulture)]);
                }

                if (stateIn is not null)
                {
                    args.AddRange(["--state-in", stateIn]);
                }

                return args;
            },
            [.. Enumerable.Range(0, world).Select(r => LauncherEnvironment(launcher, r, world))]);
        _log.WriteLine($"{tag}: {world} processes ({launcher}) in {clock.Elapsed.TotalSeconds:F2} s");
        string names = launcher == "torchrun" ? "RANK/WORLD_SIZE" : "OMPI_COMM_WORLD_RANK/OMPI_COMM_WORLD_SIZE";
        for (int r = 0; r < world; r++)
        {
            Assert.True(results[r].ExitCode == 0, $"rank {r}: {results[r]}");
            Assert.Contains($"rank {r} of {world} from {names}", results[r].Error);
        }

        return ([.. Enumerable.Range(0, world).Select(r => RankOutput.Read(_dir.File($"{tag}-{r}.npy"), _dir.File($"{tag}-{r}.txt")))], states);
    }

    [Theory]
    [MemberData(nameof(Launchers))]
    public async Task Take_FourProcessesRanksFromTheEnvironment_CoverTheEpochOnceInTheSingleProcessOrder(string launcher)
    {
        (RankOutput[] ranks, string[] states) = await RunRanks("a", launcher, 4, count: null, stateIn: null);

        List<long> positions = RankOutput.Place(_epoch, ranks, 0);
        Assert.Equal(Enumerable.Range(0, EpochFixture.PerEpoch).Select(q => (long)q), positions.Order());
        Assert.All(ranks, r => Assert.Equal(EpochFixture.PerEpoch / 4, r.Starts.Length));
        Assert.Equal(_epoch.Starts.Order(), ranks.SelectMany(r => r.Starts).Order());
        Assert.All(states, s => Assert.Equal("{\"epoch\":1,\"batch\":0,\"windowsConsumed\":0,\"worldSize\":4}\n", File.ReadAllText(s)));
    }

    [Theory]
    [InlineData("torchrun", 3)]
    [InlineData("torchrun", 6)]
    [InlineData("slurm+ompi", 3)]
    public async Task Take_StopFourAfterNineBatchesResumeWithOtherCount_EqualsTheUninterruptedEpoch(string launcher, int resumed)
    {
        const int batches = 9; // 9 * 16 * 4 = 576 windows read: the 1824 left divide among 3 and 6
        (RankOutput[] before, string[] saved) = await RunRanks("b-stop", launcher, 4, count: batches * EpochFixture.BatchSize, stateIn: null);
        string state = File.ReadAllText(saved[0]);
        Assert.Equal("{\"epoch\":0,\"batch\":9,\"windowsConsumed\":576,\"worldSize\":4}\n", state);
        Assert.All(saved, s => Assert.Equal(state, File.ReadAllText(s)));

        (RankOutput[] after, string[] end) = await RunRanks($"b-resume{resumed}", launcher, resumed, count: null, stateIn: saved[0]);

        List<long> positions = [.. RankOutput.Place(_epoch, before, 0), .. RankOutput.Place(_epoch, after, 576)];
        Assert.Equal(Enumerable.Range(0, EpochFixture.PerEpoch).Select(q => (long)q), positions.Order()); // none repeated, none skipped
        Assert.Equal(_epoch.Starts.Order(), before.Concat(after).SelectMany(r => r.Starts).Order());
        Assert.All(end, s => Assert.Contains("\"epoch\":1,\"batch\":0", File.ReadAllText(s), StringComparison.Ordinal));
    }
}
