using System.Reflection;

namespace WindowDataset.Tests.Pipeline;

public sealed class OptionsCloneTests
{
    [Fact]
    public void Clone_AllValues_CopiedIntoNewObjects()
    {
        var options = new WindowLoaderOptions
        {
            Source = new SourceOptions { Paths = ["a.raw"], Glob = "x*", Format = SourceFormat.Raw, Dataset = "/d", Endpoint = "http://127.0.0.1:1", DType = "<f4", RowShape = [3], Rows = 9, HeaderOffset = 8 },
            Window = 3,
            BatchSize = 5,
            Sampler = SamplerKind.Uniform,
            Stride = 2,
            WindowsPerEpoch = 7,
            Starts = [1, 2],
            DropLast = true,
            Seed = 4,
            Rank = 1,
            WorldSize = 2,
            Workers = 3,
            Prefetch = 6,
            MemoryBudget = 1234,
            OutputType = ElementType.Float64,
            Io = IoMode.Mmap,
            ReadAhead = 1,
            PageCache = PageCachePolicy.DropAfterRead,
            ChunkCache = 4096,
            ShuffleBlock = new ShuffleBlockOptions { Chunks = 3, Rows = 5 },
            Remote = new RemoteOptions { Concurrency = 3, BlockSize = 8192, CacheDirectory = "cache" },
            Target = new TargetOptions { Kind = TargetKind.File, Horizon = 2, Offset = 1, Source = new SourceOptions { Paths = ["y.npy"] } },
        };

        WindowLoaderOptions copy = options.Clone();

        foreach (PropertyInfo p in typeof(WindowLoaderOptions).GetProperties())
        {
            object? a = p.GetValue(options), b = p.GetValue(copy);
            if (a is SourceOptions or TargetOptions or IList<long> or ShuffleBlockOptions or RemoteOptions)
            {
                Assert.NotSame(a, b);
            }
            else
            {
                Assert.Equal(a, b);
            }
        }

        Assert.Equal(options.Starts, copy.Starts);
        Assert.Equal(options.Source.Paths, copy.Source.Paths);
        Assert.Equal(options.Source.RowShape, copy.Source.RowShape);
        Assert.Equal((options.Source.Glob, options.Source.Format, options.Source.DType, options.Source.Rows, options.Source.HeaderOffset), (copy.Source.Glob, copy.Source.Format, copy.Source.DType, copy.Source.Rows, copy.Source.HeaderOffset));
        Assert.Equal((TargetKind.File, 2, 1L), (copy.Target.Kind, copy.Target.Horizon, copy.Target.Offset));
        Assert.Equal((options.Source.Dataset, options.Source.Endpoint), (copy.Source.Dataset, copy.Source.Endpoint));
        Assert.Equal((3, 5L), (copy.ShuffleBlock!.Chunks, copy.ShuffleBlock.Rows));
        Assert.Equal((3, 8192L, "cache"), (copy.Remote.Concurrency, copy.Remote.BlockSize, copy.Remote.CacheDirectory));
        Assert.NotSame(options.Target.Source, copy.Target.Source);
        Assert.Equal(options.Target.Source!.Paths, copy.Target.Source!.Paths);
    }

    private static string[] Settable(Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => p.Name).Order(StringComparer.Ordinal)];
}
