using WindowDataset.Pipeline;
using WindowDataset.Tests.Formats;
using WindowDataset.Tests.Infrastructure;
using WindowDataset.Tests.Remote.Infrastructure;

namespace WindowDataset.Tests.Remote;

/// <summary>Read-ahead for remote sources: set by bytes in flight (<c>remote.readAheadBytes</c>), held by the block cache, within the budget.</summary>
public sealed class RemoteReadAheadTests : IDisposable
{
    // 64 rows x 1000 float64 = 8000 bytes a row; windows of 8 rows are 64,000 bytes, a batch of 16 fetches about
    // 16 x (64,000 + one 16 KiB block) = 1,286,144 bytes.
    private const int Columns = 1000;
    private const long BatchFetch = 16 * ((8 * Columns * 8L) + (16 << 10));
    private readonly RangeServer _server = new();
    private readonly TempDirectory _dir = new();
    private readonly string _local;
    private readonly string _url;

    public RemoteReadAheadTests()
    {
        _local = TestArrays.WriteNpy(_dir.File("a.npy"), 4000, Columns);
        _url = _server.Put("a.npy", File.ReadAllBytes(_local));
    }

    public void Dispose()
    {
        _server.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void ReadAhead_RemoteSource_CoversReadAheadBytesAndTheCacheHoldsIt()
    {
        WindowLoaderOptions options = Options(readAheadBytes: 16L << 20);
        using LoaderPlan plan = LoaderPlan.ForLoader(options);

        long wanted = ((16L << 20) + BatchFetch - 1) / BatchFetch; // 14 batches
        Assert.Equal(wanted, plan.ReadAhead);
        long unreadRoom = plan.Source.Remote!.CacheCapacity * 3 / 4;
        Assert.True(unreadRoom >= (plan.ReadAhead + plan.Workers + 1) * BatchFetch, $"cache {plan.Source.Remote.CacheCapacity} cannot hold {plan.ReadAhead} batches ahead");
        Assert.True(plan.ScratchBytes + (plan.BufferCount * plan.BatchBytes) <= options.MemoryBudget);
    }

    [Fact]
    public void ReadAhead_ZeroReadAheadBytes_KeepsTheLoadersReadAhead()
    {
        using LoaderPlan plan = LoaderPlan.ForLoader(Options(readAheadBytes: 0));
        Assert.Equal(3, plan.ReadAhead);
    }

    [Fact]
    public void ReadAhead_LoaderReadAheadZero_StaysOff()
    {
        WindowLoaderOptions options = Options(readAheadBytes: 16L << 20);
        options.ReadAhead = 0;
        using LoaderPlan plan = LoaderPlan.ForLoader(options);
        Assert.Equal(0, plan.ReadAhead);
    }

    [Fact]
    public void ReadAhead_FixedSmallBlockCache_ShrinksToWhatFits()
    {
        WindowLoaderOptions options = Options(readAheadBytes: 64L << 20);
        options.Remote.MemoryCacheBytes = 8L << 20;
        using LoaderPlan plan = LoaderPlan.ForLoader(options);
        Assert.Equal(8L << 20, plan.Source.Remote!.CacheCapacity);
        Assert.Equal(1, plan.ReadAhead); // (8 MiB * 3/4) / 1.3 MB = 4 batches, less 2 workers and 1: 1
    }

    [Fact]
    public void ReadAhead_BudgetCapsTheCache_ShrinksToHalfTheBudget()
    {
        WindowLoaderOptions options = Options(readAheadBytes: 1L << 30);
        options.MemoryBudget = 192L << 20;
        using LoaderPlan plan = LoaderPlan.ForLoader(options);
        Assert.Equal(96L << 20, plan.Source.Remote!.CacheCapacity);
        Assert.Equal((((96L << 20) * 3 / 4) / BatchFetch) - 3, plan.ReadAhead);
    }

    [Fact]
    public void Read_DeepReadAheadWith503s_EpochEqualsTheLocalFile()
    {
        var random = new Random(3);
        using var proxy = new FaultProxy(_server.BaseUrl, r =>
        {
            lock (random)
            {
                return FaultProxy.IsData(r) && random.NextDouble() < 0.1 ? FaultKind.Status503 : FaultKind.None;
            }
        });
        WindowLoaderOptions options = Options(readAheadBytes: 32L << 20);
        options.Source = SourceOptions.FromPaths(_url.Replace(_server.BaseUrl, proxy.BaseUrl, StringComparison.Ordinal));
        options.WindowsPerEpoch = 800;
        WindowLoaderOptions reference = options.Clone();
        reference.Source = SourceOptions.FromPaths(_local);
        RemoteChecks.Bounded(() => ChunkedSourceLoaderTests.AssertSameEpoch(options, reference));
        Assert.True(proxy.Injected > 0);
    }

    [Fact]
    public void Hint_LabelsByUrl_LabelRowsFetchedWithTheWindowsNotOnDemand()
    {
        // 4,000 labels of 8 bytes in 4 KiB blocks: 8 blocks, the first read with the header at open.
        string labels = TestArrays.WriteNpy(_dir.File("y.npy"), 4000, 1);
        string labelsUrl = _server.Put("y.npy", File.ReadAllBytes(labels));
        WindowLoaderOptions options = Options(readAheadBytes: 0);
        options.Remote.BlockSize = 4096;
        options.Source = SourceOptions.FromPaths(_local);
        options.Target = new TargetOptions { Kind = TargetKind.File, Source = SourceOptions.FromPaths(labelsUrl) };
        using LoaderPlan plan = LoaderPlan.ForLoader(options);
        WindowDataset.Remote.RemoteEngine engine = plan.Labels!.Remote!;
        WindowDataset.Remote.RemoteStatistics before = engine.Statistics;
        int count = options.BatchSize;
        long[] starts = new long[count];
        plan.Gatherer.Hint(0, 0, new int[count], new long[count], starts);
        Assert.True(SpinWait.SpinUntil(() => engine.Statistics.Requests > before.Requests, TimeSpan.FromSeconds(10)), "announcing a batch sent no request for its labels");

        byte[] scratch = new byte[plan.Gatherer.ScratchBytes];
        byte[] target = new byte[8];
        for (int i = 0; i < count; i++)
        {
            plan.Gatherer.ReadTarget(starts[i], target, scratch);
            Assert.Equal(TestArrays.Value(starts[i] + options.Window - 1, 0), BitConverter.ToDouble(target));
        }

        // Every label read found its block announced (ready or on its way): none was created on demand.
        Assert.Equal(before.RamHits + count, engine.Statistics.RamHits);
    }

    [Fact]
    public void Validate_NegativeReadAheadBytes_NamesTheKey()
    {
        WindowLoaderOptions options = Options(readAheadBytes: -1);
        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.Contains("remote.readAheadBytes: expected >= 0; found -1.", error.Message);
    }

    private WindowLoaderOptions Options(long readAheadBytes) => new()
    {
        Source = SourceOptions.FromPaths(_url),
        Window = 8,
        BatchSize = 16,
        Workers = 2,
        ReadAhead = 3,
        MemoryBudget = 512L << 20,
        Remote = new RemoteOptions { ReadAheadBytes = readAheadBytes },
    };
}
