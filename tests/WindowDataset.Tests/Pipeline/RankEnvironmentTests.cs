using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Pipeline;

/// <summary>Tests that set process environment variables: they run alone, so no other test sees RANK or WORLD_SIZE change.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class RankEnvironmentTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Options_RankFromEnvironment_UsedWhenNotSet()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 100, 1);
        string? oldRank = Environment.GetEnvironmentVariable("RANK");
        string? oldWorld = Environment.GetEnvironmentVariable("WORLD_SIZE");
        try
        {
            Environment.SetEnvironmentVariable("RANK", "1");
            Environment.SetEnvironmentVariable("WORLD_SIZE", "2");
            using var loader = new WindowLoader(TestArrays.Options(path));
            Assert.Equal(1, loader.Rank);
            Assert.Equal(2, loader.WorldSize);
            Environment.SetEnvironmentVariable("RANK", "two");
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new WindowLoader(TestArrays.Options(path)));
            Assert.Contains("RANK", ex.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable("RANK", oldRank);
            Environment.SetEnvironmentVariable("WORLD_SIZE", oldWorld);
        }
    }
}
