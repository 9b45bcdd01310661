using WindowDataset.Memory;
using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Pipeline;

public sealed class FillObserverTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void OnFilled_EveryBatch_CalledOnAWorkerBeforeTheConsumerSeesIt()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 500, 4);
        WindowLoaderOptions options = TestArrays.Options(path, window: 5, batch: 8);
        options.Sampler = SamplerKind.Sequential;
        options.Stride = 5; // 99 windows: 12 full batches and a short one of 3
        options.Target = new TargetOptions { Kind = TargetKind.Next, Horizon = 1 };
        var allocator = new ObservedAllocator();
        using var loader = new WindowLoader(options, allocator);
        int consumer = Environment.CurrentManagedThreadId;
        var seen = new Dictionary<ObservedMemory, int>();
        int batches = 0, shorts = 0;
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpochs(0, 3)))
        {
            foreach (IBatchMemory buffer in new[] { batch.Buffer, batch.TargetBuffer! })
            {
                var memory = (ObservedMemory)buffer;
                // The fill of this batch was announced: the count is this batch's, on another thread, once more than
                // the last time this buffer came by.
                Assert.Equal(batch.Count, memory.LastCount);
                Assert.False(memory.LastStrided);
                Assert.NotEqual(consumer, memory.LastThread);
                int fills = memory.Fills;
                Assert.True(fills > seen.GetValueOrDefault(memory), $"batch {batch.Index}: the buffer was not announced as filled again");
                seen[memory] = fills;
            }

            Assert.Equal(TestArrays.ExpectedWindow(batch.Starts[0], 5, 4), batch.GetData<double>()[..20].ToArray());
            shorts += batch.Count < 8 ? 1 : 0;
            batches++;
        }

        Assert.Equal(3 * loader.BatchesPerEpoch, batches);
        Assert.Equal(3, shorts); // the short last batch of each epoch was announced with its own count
    }

    [Fact]
    public void OnFilled_StridedBatches_ToldTheInputIsStrided()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 300, 2);
        WindowLoaderOptions options = TestArrays.Options(path, window: 6, batch: 4);
        options.Sampler = SamplerKind.Sequential;
        options.StridedWindows = true;
        var allocator = new ObservedAllocator();
        using var loader = new WindowLoader(options, allocator);
        int strided = 0;
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            var memory = (ObservedMemory)batch.Buffer;
            Assert.Equal(batch.IsStrided, memory.LastStrided);
            strided += batch.IsStrided ? 1 : 0;
        }

        Assert.True(strided > 0, "no strided batch: the test did not cover the strided flag");
    }

    [Fact]
    public void OnFilled_Throws_TheConsumerGetsTheError()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 400, 2);
        WindowLoaderOptions options = TestArrays.Options(path, window: 4, batch: 4);
        var allocator = new ObservedAllocator { FailAfter = 5 };
        using var loader = new WindowLoader(options, allocator);
        var error = Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
            {
            }
        });

        Assert.Contains("injected OnFilled failure", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, loader.Pool.Outstanding);
    }

    private sealed class ObservedAllocator : IBatchMemoryAllocator
    {
        private int _fills;

        public int FailAfter { get; init; } = int.MaxValue;

        public IBatchMemory Allocate(BatchBufferRequest request) => new ObservedMemory(NativeBatchAllocator.Shared.Allocate(request), this);

        public void Filled()
        {
            if (Interlocked.Increment(ref _fills) > FailAfter)
            {
                throw new InvalidOperationException("injected OnFilled failure");
            }
        }
    }

    private sealed class ObservedMemory(IBatchMemory inner, ObservedAllocator owner) : IBatchMemory, IBatchMemoryFillObserver
    {
        private int _fills;

        public nint Pointer => inner.Pointer;

        public long Length => inner.Length;

        public int Fills => Volatile.Read(ref _fills);

        public int LastCount { get; private set; }

        public bool LastStrided { get; private set; }

        public int LastThread { get; private set; }

        public void OnFilled(int count, bool strided)
        {
            owner.Filled();
            (LastCount, LastStrided, LastThread) = (count, strided, Environment.CurrentManagedThreadId);
            Interlocked.Increment(ref _fills);
        }

        public void Dispose() => inner.Dispose();
    }
}
