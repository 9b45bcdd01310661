using System.Diagnostics;
using System.Globalization;
using WindowDataset.Cli.Tests.Infrastructure;
using WindowDataset.Cli.Tests.MultiProcess.Infrastructure;
using Xunit.Abstractions;

namespace WindowDataset.Cli.Tests.MultiProcess;

/// <summary>The multi-process checks under Open MPI's own launcher: <c>mpirun -np 4</c> sets OMPI_COMM_WORLD_RANK/SIZE in each process.</summary>
public sealed class MpirunTakeTests : IClassFixture<EpochFixture>, IDisposable
{
    private readonly EpochFixture _epoch;
    private readonly TempDirectory _dir = new();
    private readonly ITestOutputHelper _log;

    public MpirunTakeTests(EpochFixture epoch, ITestOutputHelper log)
    {
        _epoch = epoch;
        _log = log;
    }

    public void Dispose() => _dir.Dispose();

    /// <summary><c>mpirun -np N sh -c '... take ... --out tag-$OMPI_COMM_WORLD_RANK.npy'</c>: every rank writes its own files.</summary>
    private async Task<RankOutput[]> Mpirun(string tag, int world, long? count, string? stateIn)
    {
        string prefix = Path.Combine(_dir.Path, tag);
        string script = $"exec \"$0\" \"$@\" --out \"{prefix}-$OMPI_COMM_WORLD_RANK.npy\" --starts-out \"{prefix}-$OMPI_COMM_WORLD_RANK.txt\" --state-out \"{prefix}-state-$OMPI_COMM_WORLD_RANK.json\"";
        List<string> args = ["--allow-run-as-root", "--oversubscribe", "-np", world.ToString(CultureInfo.InvariantCulture), "sh", "-c", script, ToolProcess.Dotnet, ToolProcess.ToolDll, "take", _epoch.Data, "--config", _epoch.Config];
        if (count is { } k)
        {
            args.AddRange(["--count", k.ToString(CultureInfo.InvariantCulture)]);
        }

        if (stateIn is not null)
        {
            args.AddRange(["--state-in", stateIn]);
        }

        var clock = Stopwatch.StartNew();
        CliResult result = await ToolProcess.RunAsync(OpenMpi.Mpirun!, args, new Dictionary<string, string>());
        _log.WriteLine($"{tag}: mpirun -np {world} in {clock.Elapsed.TotalSeconds:F2} s");
        Assert.True(result.ExitCode == 0, result.ToString());
        for (int r = 0; r < world; r++)
        {
            Assert.Contains($"rank {r} of {world} from OMPI_COMM_WORLD_RANK/OMPI_COMM_WORLD_SIZE", result.Error);
        }

        return [.. Enumerable.Range(0, world).Select(r => RankOutput.Read($"{prefix}-{r}.npy", $"{prefix}-{r}.txt"))];
    }

    [MpiFact]
    public async Task Take_MpirunFourRanks_CoverTheEpochOnceAndResumeUnderThreeRanksExactly()
    {
        RankOutput[] whole = await Mpirun("whole", 4, count: null, stateIn: null);
        Assert.Equal(Enumerable.Range(0, EpochFixture.PerEpoch).Select(q => (long)q), RankOutput.Place(_epoch, whole, 0).Order());

        RankOutput[] before = await Mpirun("stop", 4, count: 9 * EpochFixture.BatchSize, stateIn: null);
        string state = Path.Combine(_dir.Path, "stop-state-0.json");
        Assert.Equal("{\"epoch\":0,\"batch\":9,\"windowsConsumed\":576,\"worldSize\":4}\n", File.ReadAllText(state));
        for (int r = 1; r < 4; r++)
        {
            Assert.Equal(File.ReadAllText(state), File.ReadAllText(Path.Combine(_dir.Path, $"stop-state-{r}.json")));
        }

        RankOutput[] after = await Mpirun("resume", 3, count: null, stateIn: state);

        List<long> positions = [.. RankOutput.Place(_epoch, before, 0), .. RankOutput.Place(_epoch, after, 576)];
        Assert.Equal(Enumerable.Range(0, EpochFixture.PerEpoch).Select(q => (long)q), positions.Order());
        Assert.Equal(_epoch.Starts.Order(), before.Concat(after).SelectMany(r => r.Starts).Order());
    }
}
