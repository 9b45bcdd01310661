using WindowDataset.Distributed;
using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Sampling;

/// <summary>Rank resolution from injected launcher variables (never the process environment, so these run in parallel).</summary>
public sealed class LaunchEnvironmentTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Func<string, string?> Env(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return name => map.GetValueOrDefault(name);
    }

    [Theory]
    [InlineData("RANK", "WORLD_SIZE")]
    [InlineData("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE")]
    [InlineData("PMI_RANK", "PMI_SIZE")]
    [InlineData("SLURM_PROCID", "SLURM_NTASKS")]
    public void Resolve_OneLauncherPair_UsesItAndNamesIt(string rankName, string worldName)
    {
        RankAssignment a = LaunchEnvironment.Resolve(null, null, Env((rankName, "2"), (worldName, "4")));

        Assert.Equal(new RankAssignment(2, 4, $"rank 2 of 4 from {rankName}/{worldName}"), a);
    }

    [Fact]
    public void Resolve_ExplicitOptions_WinOverTheEnvironment()
    {
        RankAssignment a = LaunchEnvironment.Resolve(1, 3, Env(("RANK", "2"), ("WORLD_SIZE", "4"), ("SLURM_PROCID", "0"), ("SLURM_NTASKS", "9")));

        Assert.Equal(new RankAssignment(1, 3, "rank 1 of 3 from options"), a);
    }

    [Fact]
    public void Resolve_OneOptionSet_TakesTheOtherFromThePair()
    {
        Assert.Equal(new RankAssignment(3, 8, "rank 3 from options, world size 8 from SLURM_NTASKS"), LaunchEnvironment.Resolve(3, null, Env(("SLURM_PROCID", "1"), ("SLURM_NTASKS", "8"))));
        Assert.Equal(new RankAssignment(1, 2, "rank 1 from SLURM_PROCID, world size 2 from options"), LaunchEnvironment.Resolve(null, 2, Env(("SLURM_PROCID", "1"), ("SLURM_NTASKS", "8"))));
    }

    [Fact]
    public void Resolve_IncompletePairBeforeACompleteOne_SkipsTheIncompleteOne()
    {
        RankAssignment a = LaunchEnvironment.Resolve(null, null, Env(("RANK", "5"), ("PMI_RANK", "1"), ("PMI_SIZE", "2")));

        Assert.Equal(new RankAssignment(1, 2, "rank 1 of 2 from PMI_RANK/PMI_SIZE"), a);
    }

    [Fact]
    public void Resolve_TwoPairsThatAgree_UsesTheFirst()
    {
        RankAssignment a = LaunchEnvironment.Resolve(null, null, Env(("OMPI_COMM_WORLD_RANK", "3"), ("OMPI_COMM_WORLD_SIZE", "4"), ("SLURM_PROCID", "3"), ("SLURM_NTASKS", "4")));

        Assert.Equal("rank 3 of 4 from OMPI_COMM_WORLD_RANK/OMPI_COMM_WORLD_SIZE", a.Source);
    }

    [Fact]
    public void Resolve_TwoPairsThatDisagree_ThrowsNamingBoth()
    {
        var ex = Assert.Throws<ArgumentException>(() => LaunchEnvironment.Resolve(null, null, Env(("RANK", "3"), ("WORLD_SIZE", "8"), ("SLURM_PROCID", "1"), ("SLURM_NTASKS", "2"))));

        Assert.Contains("rank 3 of 8 from RANK/WORLD_SIZE", ex.Message);
        Assert.Contains("rank 1 of 2 from SLURM_PROCID/SLURM_NTASKS", ex.Message);
        Assert.Equal("rank", ex.ParamName);
    }

    [Fact]
    public void Resolve_CompletionIndexWithWorldSizeOption_UsesTheIndex()
    {
        RankAssignment a = LaunchEnvironment.Resolve(null, 6, Env(("JOB_COMPLETION_INDEX", "5")));

        Assert.Equal(new RankAssignment(5, 6, "rank 5 from JOB_COMPLETION_INDEX, world size 6 from options"), a);
    }

    [Fact]
    public void Resolve_CompletionIndexWithoutWorldSize_ThrowsAskingForIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => LaunchEnvironment.Resolve(null, null, Env(("JOB_COMPLETION_INDEX", "2"))));

        Assert.Equal("worldSize", ex.ParamName);
        Assert.Contains("JOB_COMPLETION_INDEX", ex.Message);
        Assert.Contains("found none", ex.Message);
    }

    [Fact]
    public void Resolve_PairBeforeCompletionIndex_UsesThePair()
    {
        RankAssignment a = LaunchEnvironment.Resolve(null, null, Env(("JOB_COMPLETION_INDEX", "1"), ("RANK", "6"), ("WORLD_SIZE", "8")));

        Assert.Equal(new RankAssignment(6, 8, "rank 6 of 8 from RANK/WORLD_SIZE"), a);
    }

    [Fact]
    public void Resolve_Nothing_IsRankZeroOfOne()
    {
        Assert.Equal(new RankAssignment(0, 1, "rank 0 of 1 (no launcher variables)"), LaunchEnvironment.Resolve(null, null, Env()));
    }

    [Theory]
    [InlineData("SLURM_PROCID", "two", "SLURM_NTASKS", "4", "SLURM_PROCID")]
    [InlineData("RANK", "1", "WORLD_SIZE", "0", "WORLD_SIZE")]
    [InlineData("PMI_RANK", "-1", "PMI_SIZE", "4", "PMI_RANK")]
    public void Resolve_BadVariable_ThrowsNamingIt(string rankName, string rankValue, string worldName, string worldValue, string named)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => LaunchEnvironment.Resolve(null, null, Env((rankName, rankValue), (worldName, worldValue))));

        Assert.Equal(named, ex.ParamName);
        Assert.StartsWith($"environment variable {named}: expected an integer", ex.Message);
    }

    [Fact]
    public void Resolve_RankNotBelowWorldSize_ThrowsNamingTheSource()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => LaunchEnvironment.Resolve(null, null, Env(("SLURM_PROCID", "4"), ("SLURM_NTASKS", "4"))));

        Assert.Contains("rank: expected 0..3 for worldSize 4 (from SLURM_PROCID/SLURM_NTASKS); found 4.", ex.Message);
    }

    [Fact]
    public void Loader_RanksFromInjectedVariables_ReportsRankAndSource()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 200, 1);
        WindowLoaderOptions options = TestArrays.Options(path);
        options.LaunchVariables = Env(("SLURM_PROCID", "2"), ("SLURM_NTASKS", "4"));

        using var loader = new WindowLoader(options);

        Assert.Equal(2, loader.Rank);
        Assert.Equal(4, loader.WorldSize);
        Assert.Equal("rank 2 of 4 from SLURM_PROCID/SLURM_NTASKS", loader.RankSource);
        Assert.Equal((200 - 4 + 1) / 4, loader.WindowsPerEpoch);
    }
}
