namespace WindowDataset.Cli.Benchmarks;

/// <summary>One loader setting a bench invocation compares: the sampler (with its stride) and whether reads are coalesced.</summary>
internal readonly record struct BenchVariant(SamplerKind Sampler, long Stride, bool Coalesce, bool StridedWindows = false)
{
    public void Apply(WindowLoaderOptions options)
    {
        options.Sampler = Sampler;
        options.Stride = Stride;
        options.Coalesce = Coalesce;
        options.StridedWindows = StridedWindows && Sampler == SamplerKind.Sequential;
    }

    public string Name => Sampler switch
    {
        SamplerKind.Sequential => $"sequential stride {Stride}",
        SamplerKind.Uniform => "uniform",
        _ => "permutation",
    } + (Coalesce ? string.Empty : ", coalesce off");
}
