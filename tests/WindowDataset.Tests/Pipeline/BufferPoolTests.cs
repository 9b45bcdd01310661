using WindowDataset.Memory;
using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Pipeline;

public sealed class BufferPoolTests
{
    private static readonly BatchBufferRequest s_request = new(BatchBufferRole.Input, ElementType.Float32, [4, 2, 1], 32);

    [Fact]
    public void ReturnDeferred_FewerThanABurst_NotAvailableUntilFlush()
    {
        using var pool = CreatePool(16, out _); // bursts of 4
        BatchSlot[] taken = TakeAll(pool);

        pool.ReturnDeferred(taken[0]);
        pool.ReturnDeferred(taken[1]);

        // Deferred slots are free (not outstanding) but give no wake-up: a worker blocks on the semaphore...
        Assert.Equal(14, pool.Outstanding);
        Assert.Equal(0, pool.AvailableForTests);

        pool.Flush();

        // ...until the consumer flushes them before it waits.
        Assert.Equal(2, pool.AvailableForTests);
        Assert.NotNull(pool.Take(CancellationToken.None));
        Assert.NotNull(pool.Take(CancellationToken.None));
        Assert.Equal(0, pool.AvailableForTests);
    }

    [Fact]
    public void ReturnDeferred_AFullBurst_ReleasesTheWholeBurstAtOnce()
    {
        using var pool = CreatePool(16, out _);
        BatchSlot[] taken = TakeAll(pool);

        for (int i = 0; i < 3; i++)
        {
            pool.ReturnDeferred(taken[i]);
        }

        Assert.Equal(0, pool.AvailableForTests);
        pool.ReturnDeferred(taken[3]);
        Assert.Equal(4, pool.AvailableForTests);
    }

    [Fact]
    public async Task Take_DeferredSlotsAndNoneAvailable_TakesTheDeferredWithoutWaiting()
    {
        using var pool = CreatePool(16, out _);
        BatchSlot[] taken = TakeAll(pool);
        pool.ReturnDeferred(taken[5]);

        // A worker about to block takes the deferred slot itself: the consumer never has to flush for it.
        BatchSlot slot = await Task.Run(() => pool.Take(CancellationToken.None)).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Same(taken[5], slot);
    }

    [Fact]
    public async Task Take_BlockedWorker_WokenByTheFlush()
    {
        using var pool = CreatePool(8, out _); // bursts of 2
        BatchSlot[] taken = TakeAll(pool);
        using var started = new ManualResetEventSlim();
        var take = Task.Run(() =>
        {
            started.Set();
            return pool.Take(CancellationToken.None);
        });
        started.Wait();
        await Task.Delay(50);
        Assert.False(take.IsCompleted);

        pool.ReturnDeferred(taken[0]);
        pool.Flush();

        Assert.Same(taken[0], await take.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Dispose_WithDeferredSlots_FreesEveryBuffer()
    {
        var pool = CreatePool(8, out TrackingAllocator allocator);
        BatchSlot[] taken = TakeAll(pool);
        pool.ReturnDeferred(taken[0]);
        pool.Return(taken[1]);

        pool.Dispose();
        Assert.Equal(6, allocator.Live); // the six still held by "workers" are freed when they come back
        for (int i = 2; i < taken.Length; i++)
        {
            pool.ReturnDeferred(taken[i]);
        }

        Assert.Equal(0, allocator.Live);
    }

    [Fact]
    public void ReadEpochs_SlowStepsWithDeferredReturns_EveryWindowExactAndEveryBufferBack()
    {
        // End to end: a small batch and a pool where bursts matter; each window checked against the file.
        using var dir = new TempDirectory();
        string path = TestArrays.WriteNpy(dir.File("a.npy"), 3000, 3);
        WindowLoaderOptions options = TestArrays.Options(path, window: 6, batch: 5);
        options.Prefetch = 12;
        options.WindowsPerEpoch = 400;
        using var loader = new WindowLoader(options);
        int batches = 0;
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpochs(0, 2)))
        {
            Span<double> data = batch.GetData<double>();
            for (int w = 0; w < batch.Count; w++)
            {
                Assert.True(data.Slice(w * 18, 18).SequenceEqual(TestArrays.ExpectedWindow(batch.Starts[w], 6, 3)), $"epoch {batch.Epoch} batch {batch.Index} window {w}");
            }

            if (++batches % 7 == 0)
            {
                Thread.Sleep(2); // a slow step now and then: the workers fill the pool and block
            }
        }

        Assert.Equal(160, batches);
        Assert.Equal(0, loader.Pool.Outstanding);
    }

    private static BufferPool CreatePool(int capacity, out TrackingAllocator allocator)
    {
        var counting = new TrackingAllocator();
        allocator = counting;
        var pool = new BufferPool(capacity, () => BatchSlot.Create(counting, s_request, null));
        pool.EnsureAllocated();
        return pool;
    }

    private static BatchSlot[] TakeAll(BufferPool pool)
    {
        var slots = new BatchSlot[pool.Capacity];
        for (int i = 0; i < slots.Length; i++)
        {
            slots[i] = pool.Take(CancellationToken.None);
        }

        return slots;
    }
}
