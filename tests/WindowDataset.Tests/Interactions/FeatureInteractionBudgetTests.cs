using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Interactions;

/// <summary>The smallest budget and the bytes-read counter account for aligned inputs and dilated reads.</summary>
public sealed class FeatureInteractionBudgetTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void MinimumMemoryBudget_ChunkedExtraInput_IsEnough()
    {
        WindowLoaderOptions o = WindowDataset.Tests.Inputs.Infrastructure.InputFixtures.Options();
        o.Workers = 4;
        long min;
        using (var loader = new WindowLoader(o))
        {
            min = loader.MinimumMemoryBudget;
        }

        o.MemoryBudget = min;
        using var again = new WindowLoader(o);
        Assert.True(again.BufferCount >= 2);
    }

    [Fact]
    public void GetStatistics_Dilation_BytesReadMatchesRowsRead()
    {
        const int cols = 3;
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 400, cols);
        WindowLoaderOptions o = TestArrays.Options(path, 5, 16);
        o.Dilation = 3;
        o.Sampler = SamplerKind.Sequential;
        o.Stride = 20;
        using var loader = new WindowLoader(o);
        long windows = 0;
        foreach (WindowBatch b in loader.Read(ReadRange.ForEpoch(0)))
        {
            windows += b.Count;
        }

        LoaderStatistics stats = loader.GetStatistics();
        // each window spans 13 rows and ReadDilated reads them whole (13 * 24 bytes < 4096)
        Assert.Equal(windows * 13 * cols * 8, stats.BytesRead);
    }
}
