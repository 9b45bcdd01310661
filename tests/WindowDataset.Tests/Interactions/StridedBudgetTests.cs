using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Interactions;

/// <summary>The smallest budget holds a strided view that converts its run.</summary>
public sealed class StridedBudgetTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void MinimumMemoryBudget_StridedConverted_IsEnough(bool strided, bool float32)
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 4000, 3);
        WindowLoaderOptions o = TestArrays.Options(path, 16, 32);
        o.Sampler = SamplerKind.Sequential;
        o.Stride = 15;
        o.StridedWindows = strided;
        o.Coalesce = true;
        o.Workers = 3;
        o.OutputType = float32 ? ElementType.Float32 : ElementType.Float64;
        long min;
        using (var loader = new WindowLoader(o))
        {
            min = loader.MinimumMemoryBudget;
        }

        o.MemoryBudget = min;
        using var again = new WindowLoader(o);
        foreach (WindowBatch b in again.Read(ReadRange.ForEpoch(0)))
        {
            _ = b.Count;
        }
    }
}
