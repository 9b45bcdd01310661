namespace WindowDataset.ML.Tests.Infrastructure;

/// <summary>Small view options over a test array.</summary>
public static class ViewOptions
{
    public static WindowDataViewOptions Create(string path, SamplerKind sampler = SamplerKind.Sequential, int window = 4, int batchSize = 16, bool nextTarget = true, int? labelIndex = 2) => new()
    {
        Loader = new WindowLoaderOptions
        {
            Source = SourceOptions.FromPaths(path),
            Window = window,
            BatchSize = batchSize,
            Sampler = sampler,
            Seed = 11,
            Workers = 2,
            Rank = 0,
            WorldSize = 1,
            MemoryBudget = 16L << 20,
            Target = nextTarget ? new TargetOptions { Kind = TargetKind.Next, Horizon = 1 } : new TargetOptions(),
        },
        LabelIndex = nextTarget ? labelIndex : null,
    };
}
