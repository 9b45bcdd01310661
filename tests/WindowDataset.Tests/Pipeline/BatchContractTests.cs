using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Pipeline;

public sealed class BatchContractTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _path;

    public BatchContractTests() => _path = TestArrays.WriteNpy(_dir.File("a.npy"), 100, 4);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Memory_UsedAfterItsBatchIsDisposed_ThrowsObjectDisposed()
    {
        WindowLoaderOptions options = TestArrays.Options(_path);
        options.Target = new TargetOptions { Kind = TargetKind.Next };
        using var loader = new WindowLoader(options);
        Memory<byte> kept = default;
        Memory<byte> keptTarget = default;
        byte[]? firstBytes = null;
        int batches = 0;
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            if (batches++ == 0)
            {
                kept = batch.Memory;
                keptTarget = batch.TargetMemory;
                firstBytes = kept.Span.ToArray(); // valid while the batch is
                Assert.Equal(batch.Data.ToArray(), firstBytes);
                Assert.Equal(batch.TargetData.Length, keptTarget.Length);
                unsafe
                {
                    using System.Buffers.MemoryHandle pin = kept.Pin();
                    Assert.Equal(batch.Pointer, (nint)pin.Pointer);
                }
            }
            else
            {
                // The first batch's buffer may now hold this batch: the kept Memory must refuse to show it.
                var ex = Assert.Throws<ObjectDisposedException>(() => kept.Span[0]);
                Assert.Contains("Batch 0 of epoch 0", ex.Message);
                Assert.Throws<ObjectDisposedException>(() => keptTarget.Span.Length);
                Assert.Throws<ObjectDisposedException>(() => kept.Pin());
            }
        }

        Assert.True(batches > 2);
        Assert.Throws<ObjectDisposedException>(() => kept.ToArray());
    }

    [Fact]
    public void Shape_FullBatch_ReadWithoutAllocating()
    {
        WindowLoaderOptions options = TestArrays.Options(_path, window: 4, batch: 8);
        options.Target = new TargetOptions { Kind = TargetKind.Next, Horizon = 2 };
        using var loader = new WindowLoader(options);
        foreach (WindowBatch batch in loader.Read(ReadRange.ForBatches(0, 0, 2)))
        {
            Assert.Equal([8L, 4L, 4L], batch.Shape);
            Assert.Equal([8L, 2L, 4L], batch.TargetShape!);
            long before = GC.GetAllocatedBytesForCurrentThread();
            long sum = 0;
            for (int i = 0; i < 100; i++)
            {
                sum += batch.Shape[0] + batch.TargetShape![1];
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.Equal(1000, sum);
            Assert.False(batch.Shape is long[], "a mutable array would let one batch change every batch's shape");
        }
    }

    [Fact]
    public void Shape_ShortLastBatch_HasItsOwnCount()
    {
        WindowLoaderOptions options = TestArrays.Options(_path, window: 4, batch: 8); // 97 starts: 12 x 8 + 1
        options.Sampler = SamplerKind.Sequential;
        using var loader = new WindowLoader(options);
        WindowBatch last = loader.Read(ReadRange.ForEpoch(0)).Last();
        Assert.Throws<ObjectDisposedException>(() => last.Data.Length);
        Assert.Equal([1L, 4L, 4L], last.Shape);
    }

    [Fact]
    public void Constructor_OptionsChangedAfterwards_LoaderUnchanged()
    {
        WindowLoaderOptions options = TestArrays.Options(_path, window: 4, batch: 8);
        options.Sampler = SamplerKind.Sequential;
        options.Starts = [1, 2, 3];
        using var loader = new WindowLoader(options);
        options.BatchSize = 1;
        options.Window = 9;
        options.Starts.Add(50);
        options.Source.Paths.Clear();
        Assert.Equal(8, loader.BatchSize);
        Assert.Equal(4, loader.Options.Window);
        Assert.Equal([1L, 2L, 3L], loader.Options.Starts!);
        loader.Options.Window = 2; // a copy: the loader keeps its own
        Assert.Equal(4, loader.Options.Window);
        WindowBatch only = Assert.Single(loader.Read(ReadRange.ForEpoch(0)).Select(b => b).ToList());
        Assert.NotNull(only);
    }

    [Fact]
    public void MinimumMemoryBudget_IsTheSmallestBudgetThatWorks()
    {
        WindowLoaderOptions options = TestArrays.Options(_path, window: 4, batch: 8);
        options.OutputType = ElementType.Float32; // conversion scratch counts too
        long minimum;
        using (var probe = new WindowLoader(options))
        {
            minimum = probe.MinimumMemoryBudget;
            Assert.True(minimum > 2 * probe.BatchBytes);
        }

        options.MemoryBudget = minimum;
        using (var loader = new WindowLoader(options))
        {
            Assert.Equal(2, loader.BufferCount);
            Assert.NotEmpty(loader.Read(ReadRange.ForEpoch(0)).Select(b => b.Count).ToList());
        }

        options.MemoryBudget = minimum - 1;
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new WindowLoader(options));
        Assert.Contains($"expected at least {minimum} bytes", ex.Message);
    }
}
