using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Reliability;

/// <summary>
/// Many short epochs with 1..8 workers and a budget of exactly two batches, with consumers faster than the
/// producers (no work per batch) and slower (random spinning): every batch arrives once, in order, with the
/// windows <see cref="WindowLoader.GetStarts"/> promises and the file's content, and no buffer is lost.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class PipelineStressTests : IDisposable
{
    private const int Cols = 4;
    private const int Rows = 240;
    private readonly TempDirectory _dir = new();
    private readonly string _path;

    public PipelineStressTests()
    {
        _path = TestArrays.WriteNpy(_dir.File("a.npy"), Rows, Cols);
    }

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void ReadEpoch_ManyShortEpochsTwoBatchBudget_OrderedCompleteNoLoss(int workers)
    {
        const int window = 5;
        const int batchSize = 7;
        WindowLoaderOptions options = TestArrays.Options(_path, window, batchSize);
        options.Workers = workers;
        options.Seed = (ulong)workers;
        options.MemoryBudget = 2L * batchSize * window * Cols * sizeof(double); // exactly two batches
        var allocator = new GuardedAllocator();
        using (var loader = new WindowLoader(options, allocator))
        {
            Assert.Equal(2, loader.BufferCount);
            int validStarts = Rows - window + 1;
            var random = new Random(workers);
            for (int epoch = 0; epoch < 40; epoch++)
            {
                bool slowConsumer = epoch % 2 == 1;
                var seen = new bool[validStarts];
                long expectedIndex = 0;
                foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(epoch)))
                {
                    Assert.Equal(epoch, batch.Epoch);
                    Assert.Equal(expectedIndex++, batch.Index);
                    Assert.True(loader.Pool.Outstanding <= 2);
                    ReliabilityChecks.AssertStarts(loader, batch);
                    ReliabilityChecks.AssertContent(batch, Cols);
                    foreach (long start in batch.Starts)
                    {
                        Assert.False(seen[start], $"epoch {epoch}: start {start} delivered twice");
                        seen[start] = true;
                    }

                    if (slowConsumer)
                    {
                        Thread.SpinWait(random.Next(0, 20_000));
                    }
                }

                Assert.Equal(loader.BatchesPerEpoch, expectedIndex);
                Assert.DoesNotContain(false, seen); // permutation: every valid start exactly once
                Assert.Equal(0, loader.Pool.Outstanding);
            }

            Assert.Equal(2, allocator.Allocations);
            LoaderStatistics stats = loader.GetStatistics();
            Assert.Equal(40 * loader.BatchesPerEpoch, stats.Batches);
            Assert.Equal(40L * validStarts, stats.Windows);
        }

        Assert.Equal(0, allocator.Live);
        allocator.Dispose();
        ReliabilityChecks.AssertNoWorkerThreads();
    }

    [Theory]
    [InlineData(1, SamplerKind.Uniform)]
    [InlineData(3, SamplerKind.Sequential)]
    [InlineData(8, SamplerKind.Uniform)]
    [InlineData(8, SamplerKind.Permutation)]
    public async Task ReadBatchesAsync_RandomRangesTwoBatchBudget_EqualsGetStartsInOrder(int workers, SamplerKind sampler)
    {
        const int window = 3;
        const int batchSize = 4;
        WindowLoaderOptions options = TestArrays.Options(_path, window, batchSize);
        options.Workers = workers;
        options.Sampler = sampler;
        options.Stride = 2;
        options.OutputType = ElementType.Float32; // conversion: slower producers, per-worker scratch
        options.Io = IoMode.Mmap;
        // Exactly two batches, plus each worker's scratch for the positional reads mmap falls back to on cold data.
        options.MemoryBudget = (2L * batchSize * window * Cols * sizeof(float)) + (workers * window * Cols * sizeof(double));
        var allocator = new TrackingAllocator();
        using (var loader = new WindowLoader(options, allocator))
        {
            Assert.Equal(2, loader.BufferCount);
            var random = new Random(workers * 31);
            for (int round = 0; round < 30; round++)
            {
                long epoch = random.Next(0, 1000);
                long start = random.Next(0, (int)loader.BatchesPerEpoch);
                long end = random.Next((int)start, (int)loader.BatchesPerEpoch + 1);
                long expected = start;
                await foreach (WindowBatch batch in loader.ReadAsync(ReadRange.ForBatches(epoch, start, end)))
                {
                    Assert.Equal(expected++, batch.Index);
                    ReliabilityChecks.AssertStarts(loader, batch);
                    ReliabilityChecks.AssertContent(batch, Cols);
                    if (round % 2 == 1)
                    {
                        await Task.Yield();
                    }
                }

                Assert.Equal(end, expected);
                Assert.Equal(0, loader.Pool.Outstanding);
            }
        }

        Assert.Equal(0, allocator.Live);
        ReliabilityChecks.AssertNoWorkerThreads();
    }

    [Fact]
    public void Loader_CreatedAndDisposedManyTimes_NoThreadOrBufferLeft()
    {
        var allocator = new TrackingAllocator();
        var random = new Random(5);
        for (int i = 0; i < 60; i++)
        {
            WindowLoaderOptions options = TestArrays.Options(_path, window: random.Next(1, 20), batch: random.Next(1, 16));
            options.Workers = random.Next(1, 9);
            using var loader = new WindowLoader(options, allocator);
            int take = random.Next(0, 4);
            foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(i)))
            {
                if (take-- == 0)
                {
                    break;
                }
            }
        }

        Assert.Equal(0, allocator.Live);
        ReliabilityChecks.AssertNoWorkerThreads();
    }
}
