using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Interactions;

/// <summary>Strided views stay strided when ranks split a sequential epoch.</summary>
public sealed class StridedRankTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Read_StridedWithRanks_StillStrided(int world)
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 2000, 3);
        WindowLoaderOptions o = TestArrays.Options(path, 16, 32);
        o.Sampler = SamplerKind.Sequential;
        o.Stride = 2;
        o.StridedWindows = true;
        o.Rank = 0;
        o.WorldSize = world;
        using var loader = new WindowLoader(o);
        int strided = 0, total = 0;
        foreach (WindowBatch b in loader.Read(ReadRange.ForEpoch(0)))
        {
            total++;
            strided += b.IsStrided ? 1 : 0;
        }

        Assert.True(strided >= total - 1, $"world {world}: {strided} of {total} batches strided");
    }
}
