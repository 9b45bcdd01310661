using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Reliability;

/// <summary>Consumers that throw, abandon their enumerator or hit a failing allocator.</summary>
[Collection(ReliabilityCollection.Name)]
public sealed class ConsumerFaultTests : IDisposable
{
    private const int Cols = 3;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(8)]
    public void ReadEpoch_ConsumerThrows_WorkersStopBuffersReturnAndNextEpochIsComplete(int workers)
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 500, Cols);
        WindowLoaderOptions options = TestArrays.Options(path, window: 6, batch: 5);
        options.Workers = workers;
        var allocator = new GuardedAllocator();
        using (var loader = new WindowLoader(options, allocator))
        {
            int seen = 0;
            Assert.Throws<InvalidTimeZoneException>(() =>
            {
                foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
                {
                    if (++seen == 4)
                    {
                        throw new InvalidTimeZoneException("consumer failure");
                    }
                }
            });
            Assert.Equal(0, loader.Pool.Outstanding);
            ReliabilityChecks.AssertNoWorkerThreads();

            long batches = 0;
            foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(1)))
            {
                Assert.Equal(batches++, batch.Index);
                ReliabilityChecks.AssertContent(batch, Cols);
            }

            Assert.Equal(loader.BatchesPerEpoch, batches);
        }

        Assert.Equal(0, allocator.Live);
        allocator.Dispose();
        ReliabilityChecks.AssertNoWorkerThreads();
    }

    [Fact]
    public void ReadEpoch_EnumeratorAbandonedWithoutDispose_LoaderDisposeStopsWorkersAndFreesAllButTheHeldBatch()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 500, Cols);
        WindowLoaderOptions options = TestArrays.Options(path, window: 6, batch: 5);
        options.Workers = 4;
        var allocator = new TrackingAllocator();
        var loader = new WindowLoader(options, allocator);
        IEnumerator<WindowBatch> abandoned = loader.Read(ReadRange.ForEpoch(0)).GetEnumerator();
        Assert.True(abandoned.MoveNext());
        Assert.True(abandoned.MoveNext());
        WindowBatch held = abandoned.Current;

        // The abandoned enumeration still owns the loader: a second one is refused, not run concurrently.
        Assert.Throws<InvalidOperationException>(() => loader.Read(ReadRange.ForEpoch(1)).GetEnumerator().MoveNext());

        loader.Dispose();
        ReliabilityChecks.AssertNoWorkerThreads();
        Assert.Equal(1, allocator.Live); // only the batch the consumer may still be reading
        ReliabilityChecks.AssertContent(held, Cols);

        // Whatever the consumer does later is safe: a disposed loader answers ObjectDisposedException.
        Assert.Throws<ObjectDisposedException>(() => abandoned.MoveNext());
        Assert.Equal(0, allocator.Live);
        Assert.Throws<ObjectDisposedException>(() => held.Data.Length);
        abandoned.Dispose();
        Assert.Equal(0, allocator.Live);
    }

    [Fact]
    public void ReadEpoch_BreakOutOfForeach_WorkersStopAndBuffersReturn()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 500, Cols);
        WindowLoaderOptions options = TestArrays.Options(path, window: 6, batch: 5);
        options.Workers = 8;
        var allocator = new TrackingAllocator();
        using (var loader = new WindowLoader(options, allocator))
        {
            for (int epoch = 0; epoch < 20; epoch++)
            {
                int n = 0;
                foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(epoch)))
                {
                    if (++n > epoch % 5)
                    {
                        break;
                    }
                }

                Assert.Equal(0, loader.Pool.Outstanding);
            }

            Assert.Equal(loader.BufferCount, allocator.Allocations);
        }

        Assert.Equal(0, allocator.Live);
        ReliabilityChecks.AssertNoWorkerThreads();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(6)]
    public void ReadEpoch_AllocatorThrows_ErrorReachesConsumerBuffersFreedAndRetryWorks(int failAt)
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 200, Cols);
        WindowLoaderOptions options = TestArrays.Options(path, window: 6, batch: 5);
        options.Target = new TargetOptions { Kind = TargetKind.Next, Horizon = 2 }; // two buffers per slot
        options.Prefetch = 2; // three slots: six allocations
        var allocator = new FaultyAllocator(failAt);
        using (var loader = new WindowLoader(options, allocator))
        {
            Assert.Equal(3, loader.BufferCount);
            var ex = Assert.Throws<InsufficientMemoryException>(() => loader.Read(ReadRange.ForEpoch(0)).GetEnumerator().MoveNext());
            Assert.Contains("injected", ex.Message);
            Assert.True(allocator.Inner.Live <= 5);

            // The allocator works again: the loader finishes allocating and runs a complete epoch.
            long batches = 0;
            foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
            {
                Assert.Equal(batches++, batch.Index);
                ReliabilityChecks.AssertContent(batch, Cols);
            }

            Assert.Equal(loader.BatchesPerEpoch, batches);
            Assert.Equal(6, allocator.Inner.Live);
        }

        Assert.Equal(0, allocator.Inner.Live);
        ReliabilityChecks.AssertNoWorkerThreads();
    }
}
