using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Pipeline;

public sealed class BudgetAndLifetimeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Constructor_BudgetBelowTwoBatches_ThrowsWithSmallestBudgetThatWorks()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 100, 10);
        WindowLoaderOptions options = TestArrays.Options(path, window: 4, batch: 8);
        options.MemoryBudget = (4 * 10 * 8 * 8) + 1; // one batch and a byte
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new WindowLoader(options));
        Assert.Contains("memoryBudget", ex.Message);
        Assert.Contains("at least 5120 bytes", ex.Message);
        options.MemoryBudget = 5120;
        using var loader = new WindowLoader(options);
        Assert.Equal(2, loader.BufferCount);
    }

    [Fact]
    public void ReadEpoch_SlowConsumer_LiveBuffersNeverExceedBudget()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 400, 16);
        WindowLoaderOptions options = TestArrays.Options(path, window: 8, batch: 4);
        long batchBytes = 8 * 16 * 8 * 4;
        options.MemoryBudget = 3 * batchBytes;
        options.Workers = 4;
        var allocator = new TrackingAllocator();
        using var loader = new WindowLoader(options, allocator);
        Assert.Equal(3, loader.BufferCount);
        int n = 0;
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            Assert.True(loader.Pool.Outstanding <= 3);
            if (n++ % 10 == 0)
            {
                Thread.Sleep(5);
            }
        }

        Assert.Equal(3, allocator.Peak);
        Assert.Equal(3, allocator.Allocations);
        Assert.True(allocator.LiveBytes <= options.MemoryBudget);
        LoaderStatistics stats = loader.GetStatistics();
        Assert.Equal(loader.BatchesPerEpoch, stats.Batches);
        Assert.Equal(loader.WindowsPerEpoch, stats.Windows);
    }

    [Fact]
    public void ReadEpoch_ManyEpochs_BuffersAllocatedOnceAndReused()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 100, 4);
        var allocator = new TrackingAllocator();
        using var loader = new WindowLoader(TestArrays.Options(path), allocator);
        for (int epoch = 0; epoch < 20; epoch++)
        {
            foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(epoch)))
            {
                Assert.Equal(epoch, batch.Epoch);
            }
        }

        Assert.Equal(loader.BufferCount, allocator.Allocations);
        Assert.Equal(0, loader.Pool.Outstanding);
    }

    [Fact]
    public void Batch_AfterNextRequested_ThrowsObjectDisposed()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 100, 4);
        using var loader = new WindowLoader(TestArrays.Options(path));
        using IEnumerator<WindowBatch> e = loader.Read(ReadRange.ForEpoch(0)).GetEnumerator();
        Assert.True(e.MoveNext());
        WindowBatch first = e.Current;
        Assert.Equal(8, first.Starts.Length);
        Assert.True(e.MoveNext());
        Assert.Throws<ObjectDisposedException>(() => first.Data.Length);
        Assert.Throws<ObjectDisposedException>(() => first.Starts.Length);
        e.Current.Dispose();
        Assert.Throws<ObjectDisposedException>(() => e.Current.Pointer);
        e.Current.Dispose(); // idempotent
    }

    [Fact]
    public void ReadEpoch_SecondConcurrentEnumeration_Throws()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 100, 4);
        using var loader = new WindowLoader(TestArrays.Options(path));
        using IEnumerator<WindowBatch> e = loader.Read(ReadRange.ForEpoch(0)).GetEnumerator();
        Assert.True(e.MoveNext());
        var ex = Assert.Throws<InvalidOperationException>(() => loader.Read(ReadRange.ForEpoch(1)).First());
        Assert.Contains("one enumeration at a time", ex.Message);
    }

    [Fact]
    public async Task ReadEpochAsync_Cancelled_StopsAndReturnsBuffers()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 2000, 4);
        var allocator = new TrackingAllocator();
        using var loader = new WindowLoader(TestArrays.Options(path, window: 4, batch: 2), allocator);
        using var cts = new CancellationTokenSource();
        int n = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (WindowBatch batch in loader.ReadAsync(ReadRange.ForEpoch(0), cts.Token))
            {
                if (++n == 5)
                {
                    cts.Cancel();
                }
            }
        });
        Assert.Equal(0, loader.Pool.Outstanding);
        loader.Dispose();
        Assert.Equal(0, allocator.Live);
    }

    [Fact]
    public async Task ReadEpochAsync_WholeEpoch_SameBatchesAsSync()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 300, 3);
        using var loader = new WindowLoader(TestArrays.Options(path, window: 6, batch: 10));
        var sync = loader.Read(ReadRange.ForEpoch(1)).Select(b => b.Starts.ToArray()).ToList();
        var asyncStarts = new List<long[]>();
        await foreach (WindowBatch batch in loader.ReadAsync(ReadRange.ForEpoch(1)))
        {
            asyncStarts.Add(batch.Starts.ToArray());
            Assert.Equal(TestArrays.ExpectedWindow(batch.Starts[0], 6, 3), batch.GetData<double>()[..18].ToArray());
        }

        Assert.Equal(sync, asyncStarts);
    }

    [Fact]
    public void Dispose_WhileBatchHeld_FreesItsBufferWhenTheBatchIsDisposed()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 300, 3);
        var allocator = new TrackingAllocator();
        var loader = new WindowLoader(TestArrays.Options(path), allocator);
        IEnumerator<WindowBatch> e = loader.Read(ReadRange.ForEpoch(0)).GetEnumerator();
        Assert.True(e.MoveNext());
        WindowBatch held = e.Current;
        loader.Dispose();
        Assert.Equal(1, allocator.Live); // the held batch keeps its buffer alive...
        Assert.Equal(TestArrays.ExpectedWindow(held.Starts[0], 4, 3), held.GetData<double>()[..12].ToArray());
        e.Dispose(); // ...until it is disposed
        Assert.Equal(0, allocator.Live);
    }

    [Fact]
    public void Constructor_WindowLongerThanEveryShard_ThrowsNamingTheLimit()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 10, 3);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new WindowLoader(TestArrays.Options(path, window: 11)));
        Assert.Contains("expected at most 10 rows", ex.Message);
    }

    [Theory]
    [InlineData("window", 0)]
    [InlineData("batchSize", -1)]
    [InlineData("workers", 0)]
    [InlineData("memoryBudget", 0)]
    public void Constructor_NonPositiveOption_ThrowsNamingIt(string name, int value)
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 10, 3);
        WindowLoaderOptions options = TestArrays.Options(path);
        switch (name)
        {
            case "window": options.Window = value; break;
            case "batchSize": options.BatchSize = value; break;
            case "workers": options.Workers = value; break;
            default: options.MemoryBudget = value; break;
        }

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new WindowLoader(options));
        Assert.Contains(name, ex.Message);
        Assert.Contains(value.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message);
    }

    [Fact]
    public void ReadEpoch_OneDimensionalLabels_TargetsShapedBatchOnly()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 60, 3);
        string labels = _dir.File("y.npy");
        using (var writer = new NpyWriter(labels, ElementType.Int32, [60]))
        {
            for (int r = 0; r < 60; r++)
            {
                writer.Write<int>([r * 7]);
            }

            writer.Complete();
        }

        WindowLoaderOptions options = TestArrays.Options(path, window: 4, batch: 8);
        options.Target = new TargetOptions { Kind = TargetKind.File, Source = SourceOptions.FromPaths(labels), Offset = 1 };
        using var loader = new WindowLoader(options);
        Assert.Empty(loader.TargetItemShape!);
        Assert.Equal(ElementType.Int32, loader.TargetElementType);
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            Assert.Equal([(long)batch.Count], batch.TargetShape!);
            Span<int> y = batch.GetTargetData<int>();
            for (int i = 0; i < batch.Count; i++)
            {
                Assert.Equal((int)(batch.Starts[i] + 4 - 1 + 1) * 7, y[i]);
            }
        }

        Assert.Equal(60 - 4 + 1 - 1, loader.ValidStarts); // the last window's label row would be past the end
    }

    [Fact]
    public void GetStatistics_MidEpoch_CountsTheRunningEnumeration()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 300, 3);
        using var loader = new WindowLoader(TestArrays.Options(path, window: 4, batch: 4));
        using IEnumerator<WindowBatch> e = loader.Read(ReadRange.ForEpoch(0)).GetEnumerator();
        Assert.True(e.MoveNext());
        Assert.True(e.MoveNext());
        Thread.Sleep(5);
        LoaderStatistics mid = loader.GetStatistics();
        Assert.Equal(2, mid.Batches);
        Assert.True(mid.Elapsed >= TimeSpan.FromMilliseconds(5), $"elapsed {mid.Elapsed}");
        Assert.True(mid.WindowsPerSecond > 0);
    }

    [Fact]
    public void Statistics_SlowConsumer_LowDataWaitShare()
    {
        // A consumer step of 10 ms per batch of 4 windows of 4 x 3 float64 (a gather of microseconds): the workers
        // refill every slot long before the consumer asks again, so it waits for data only for the epoch's first
        // batch, if at all (measured: 0.0 ms). 100 steps make an epoch of at least 1 s; the bound allows 200 ms of
        // waiting, which holds on 2 shared cores under load. The contrast, run first (it also compiles the
        // pipeline's code), is a consumer that does nothing with batches of 4 MiB: it waits for most of its epoch
        // (measured 0.74-0.98 under load), so the low share is the consumer's pace, not a metric that reads zero.
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 403, 3);
        string large = TestArrays.WriteNpy(_dir.File("large.npy"), 4096, 256);
        LoaderStatistics fast = ReadEpoch(TestArrays.Options(large, window: 64, batch: 32), static () => { });
        LoaderStatistics slow = ReadEpoch(TestArrays.Options(path, window: 4, batch: 4), static () => Thread.Sleep(10));

        Assert.Equal(100, slow.Batches);
        Assert.True(slow.Elapsed >= TimeSpan.FromMilliseconds(1000), $"elapsed {slow.Elapsed}: expected at least the consumer's 100 x 10 ms");
        Assert.True(slow.DataWaitShare < 0.2, $"data-wait share {slow.DataWaitShare:F3} (waited {slow.ConsumerWait.TotalMilliseconds:F1} ms of {slow.Elapsed.TotalMilliseconds:F1} ms); expected < 0.2 for a consumer far slower than the workers");
        Assert.Equal(slow.Windows * 4 * 3 * 8, slow.Bytes);
        Assert.True(fast.DataWaitShare > 0.4, $"data-wait share {fast.DataWaitShare:F3} (waited {fast.ConsumerWait.TotalMilliseconds:F1} ms of {fast.Elapsed.TotalMilliseconds:F1} ms) for a consumer that does nothing; expected > 0.4");

        static LoaderStatistics ReadEpoch(WindowLoaderOptions options, Action step)
        {
            using var loader = new WindowLoader(options);
            foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
            {
                step();
            }

            return loader.GetStatistics();
        }
    }
}
