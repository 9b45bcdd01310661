using System.Runtime.InteropServices;
using TorchSharp;
using WindowDataset.TorchSharp.Tests.Infrastructure;
using static TorchSharp.torch;

namespace WindowDataset.TorchSharp.Tests;

public sealed class TensorWindowLoaderTests : IDisposable
{
    private const int Rows = 500;
    private const int Cols = 6;
    private const int Window = 5;
    private readonly TempDirectory _dir = new();
    private readonly string _data;

    public TensorWindowLoaderTests()
    {
        _data = TestArrays.WriteNpy(_dir.File("data.npy"), Rows, Cols);
    }

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(ElementType.Float64)]
    [InlineData(ElementType.Float32)]
    public void ReadEpoch_AnyOutputType_TensorsEqualSourceWindows(ElementType type)
    {
        using var loader = new TensorWindowLoader(Options(batchSize: 7, outputType: type));
        int batches = 0;
        foreach (TensorBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            Assert.Equal(type == ElementType.Float64 ? ScalarType.Float64 : ScalarType.Float32, batch.Input.dtype);
            Assert.Equal([batch.Count, Window, Cols], batch.Input.shape);
            double[] values = ToDoubles(batch.Input);
            for (int i = 0; i < batch.Count; i++)
            {
                long start = batch.Starts[i];
                for (int r = 0; r < Window; r++)
                {
                    for (int c = 0; c < Cols; c++)
                    {
                        Assert.Equal(TestArrays.Value(start + r, c), values[(((i * Window) + r) * Cols) + c]);
                    }
                }
            }

            batches++;
        }

        Assert.Equal(loader.BatchesPerEpoch, batches);
    }

    [Fact]
    public void ReadEpoch_CpuBatch_InputIsTheLoaderBufferNotACopy()
    {
        using var loader = new TensorWindowLoader(Options(batchSize: 64)); // 496 windows: the last batch is short
        int batches = 0;
        foreach (TensorBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            Assert.Equal(batch.Source.Pointer, TensorBatchMemory.DataPointer(batch.Input));

            // A write through the loader's buffer shows in the tensor: same storage.
            batch.Source.GetData<double>()[0] = -12345.5;
            Assert.Equal(-12345.5, batch.Input[0, 0, 0].ToDouble());
            batches++;
        }

        Assert.Equal(8, batches);
    }

    [Fact]
    public void ReadEpoch_ThousandBatchesInDisposeScopes_LiveTensorCountStaysBounded()
    {
        long before = SettledTensorCount();
        using (var loader = new TensorWindowLoader(Options(batchSize: 4)))
        {
            int buffers = loader.Loader.BufferCount;
            long low = long.MaxValue, high = 0;
            int batches = 0;
            for (long epoch = 0; batches < 1000; epoch++)
            {
                foreach (TensorBatch batch in loader.Read(ReadRange.ForEpoch(epoch)))
                {
                    using (DisposeScope scope = NewDisposeScope())
                    {
                        Tensor mean = batch.Input.mean();
                        Assert.True(mean.ToDouble() > 0);
                    }

                    long live = Tensor.TotalCount - before;
                    (low, high) = (Math.Min(low, live), Math.Max(high, live));
                    if (++batches == 1000)
                    {
                        break;
                    }
                }
            }

            // Pool tensors (one per buffer), the current batch's view, and at most one view per other buffer that a
            // worker made when it filled it: bounded by the pool, never growing with the batches.
            Assert.True(low >= buffers + 1, $"live tensors: expected at least {buffers + 1}; found {low}.");
            Assert.True(high <= 2 * buffers, $"live tensors: expected at most {2 * buffers}; found {high}.");
        }

        Assert.Equal(before, SettledTensorCount());
    }

    [Fact]
    public void ReadEpoch_FirstBatchInsideDisposeScope_PoolSurvivesTheScope()
    {
        using var loader = new TensorWindowLoader(Options(batchSize: 8));
        using IEnumerator<TensorBatch> e = loader.Read(ReadRange.ForEpoch(0)).GetEnumerator();
        using (DisposeScope scope = NewDisposeScope())
        {
            Assert.True(e.MoveNext()); // allocates the pool inside the scope
        }

        Assert.Equal(TestArrays.Value(e.Current.Starts[0], 0), e.Current.Input[0, 0, 0].ToDouble());
        int more = 0;
        while (e.MoveNext())
        {
            Assert.Equal(TestArrays.Value(e.Current.Starts[0], 0), e.Current.Input[0, 0, 0].ToDouble());
            more++;
        }

        Assert.Equal(loader.BatchesPerEpoch - 1, more);
        Assert.Equal(loader.Loader.BufferCount, loader.Allocator.LiveBuffers);
    }

    [Fact]
    public void ReadEpoch_EveryRequestInsideADisposeScope_FullAndShortBatchesSurviveTheScope()
    {
        using var loader = new TensorWindowLoader(Options(batchSize: 64)); // 496 windows: 7 full batches and a short one
        using IEnumerator<TensorBatch> e = loader.Read(ReadRange.ForEpoch(0)).GetEnumerator();
        var counts = new List<int>();
        while (true)
        {
            bool more;
            using (DisposeScope scope = NewDisposeScope())
            {
                more = e.MoveNext(); // the batch's views are made inside the scope, which must not free them
            }

            if (!more)
            {
                break;
            }

            TensorBatch batch = e.Current;
            Assert.False(batch.Input.IsInvalid);
            Assert.Equal([batch.Count, Window, Cols], batch.Input.shape);
            Assert.Equal(batch.Source.Pointer, TensorBatchMemory.DataPointer(batch.Input));
            int last = batch.Count - 1;
            Assert.Equal(TestArrays.Value(batch.Starts[last] + Window - 1, Cols - 1), batch.Input[last, Window - 1, Cols - 1].ToDouble());
            counts.Add(batch.Count);
        }

        Assert.Equal([64, 64, 64, 64, 64, 64, 64, 48], counts);
    }

    [Fact]
    public void ReadEpoch_NextBatchRequested_PreviousBatchIsDisposed()
    {
        using var loader = new TensorWindowLoader(Options(batchSize: 8));
        using IEnumerator<TensorBatch> e = loader.Read(ReadRange.ForEpoch(0)).GetEnumerator();
        Assert.True(e.MoveNext());
        TensorBatch first = e.Current;
        Tensor input = first.Input;
        Assert.True(e.MoveNext());

        Assert.Throws<ObjectDisposedException>(() => first.Input);
        Assert.True(input.IsInvalid);

        // A tensor kept past its batch fails loudly instead of showing the buffer's next batch.
        Assert.ThrowsAny<InvalidOperationException>(() => input.sum());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void ReadEpoch_NextTarget_TargetIsTheRowsAfterTheWindow(int horizon)
    {
        WindowLoaderOptions options = Options(batchSize: 16);
        options.Target = new TargetOptions { Kind = TargetKind.Next, Horizon = horizon };
        using var loader = new TensorWindowLoader(options);
        long maxStart = 0;
        foreach (TensorBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            Assert.Equal([batch.Count, horizon, Cols], batch.Target!.shape);
            double[] target = ToDoubles(batch.Target);
            for (int i = 0; i < batch.Count; i++)
            {
                long start = batch.Starts[i];
                maxStart = Math.Max(maxStart, start);
                for (int h = 0; h < horizon; h++)
                {
                    for (int c = 0; c < Cols; c++)
                    {
                        Assert.Equal(TestArrays.Value(start + Window + h, c), target[(((i * horizon) + h) * Cols) + c]);
                    }
                }
            }
        }

        Assert.Equal(Rows - Window - horizon, maxStart); // windows whose target runs past the end are not sampled
    }

    [Theory]
    [InlineData(null, 0)]
    [InlineData(3, 2)]
    public void ReadEpoch_FileTarget_TargetIsTheLabelAtTheLastRowPlusOffset(int? k, long offset)
    {
        string labels = LabelArrays.WriteLabels(_dir.File("labels.npy"), Rows, k);
        WindowLoaderOptions options = Options(batchSize: 16);
        options.Target = new TargetOptions { Kind = TargetKind.File, Source = SourceOptions.FromPaths(labels), Offset = offset };
        using var loader = new TensorWindowLoader(options);
        int width = k ?? 1;
        foreach (TensorBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            // Labels (N,) give targets (B,); labels (N, K) give (B, K).
            Assert.Equal(k is null ? [batch.Count] : [batch.Count, width], batch.Target!.shape);
            double[] target = ToDoubles(batch.Target);
            for (int i = 0; i < batch.Count; i++)
            {
                long labelRow = batch.Starts[i] + Window - 1 + offset;
                for (int j = 0; j < width; j++)
                {
                    Assert.Equal(LabelArrays.Label(labelRow, j), target[(i * width) + j]);
                }
            }
        }
    }

    [Fact]
    public void Dispose_MidEpochWithABatchHeld_FreesEveryTensor()
    {
        long before = SettledTensorCount();
        var options = Options(batchSize: 8);
        options.Target = new TargetOptions { Kind = TargetKind.Next, Horizon = 2 };
        var loader = new TensorWindowLoader(options);
        TensorBatch held;
        using (IEnumerator<TensorBatch> e = loader.Read(ReadRange.ForEpoch(0)).GetEnumerator())
        {
            for (int i = 0; i < 3; i++)
            {
                Assert.True(e.MoveNext());
            }

            held = e.Current;
            Assert.True(loader.Allocator.LiveBuffers > 0);
            loader.Dispose(); // mid-epoch, while the consumer holds a batch
            using Tensor first = held.Input[0, 0, 0];
            Assert.Equal(TestArrays.Value(held.Starts[0], 0), first.ToDouble()); // still valid until disposed
        }

        Assert.Throws<ObjectDisposedException>(() => held.Input);
        Assert.Equal(0, loader.Allocator.LiveBuffers);
        Assert.Equal(before, SettledTensorCount());
    }

    [Fact]
    public async Task ReadEpochAsync_AllBatches_MatchTheSynchronousOrder()
    {
        using var loader = new TensorWindowLoader(Options(batchSize: 32));
        var expected = new List<long>();
        foreach (TensorBatch batch in loader.Read(ReadRange.ForEpoch(3)))
        {
            expected.AddRange(batch.Starts.ToArray());
        }

        var actual = new List<long>();
        await foreach (TensorBatch batch in loader.ReadAsync(ReadRange.ForEpoch(3)))
        {
            Assert.Equal(TestArrays.Value(batch.Starts[0], 0), batch.Input[0, 0, 0].ToDouble());
            actual.AddRange(batch.Starts.ToArray());
        }

        Assert.Equal(expected, actual);
    }

    private static double[] ToDoubles(Tensor t)
    {
        using Tensor d = t.to_type(ScalarType.Float64).contiguous();
        return MemoryMarshal.Cast<byte, double>(d.bytes).ToArray();
    }

    private WindowLoaderOptions Options(int batchSize, ElementType? outputType = null) => new()
    {
        Source = SourceOptions.FromPaths(_data),
        Window = Window,
        BatchSize = batchSize,
        Seed = 11,
        Workers = 2,
        OutputType = outputType,
        MemoryBudget = 16L << 20,
    };

    /// <summary>Live tensors once tensors that earlier tests left to the garbage collector are finalized.</summary>
    private static long SettledTensorCount()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return Tensor.TotalCount;
    }
}
