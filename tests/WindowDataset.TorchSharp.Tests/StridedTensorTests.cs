using TorchSharp;
using static TorchSharp.torch;

namespace WindowDataset.TorchSharp.Tests;

/// <summary>The strided view as a tensor: an as_strided (B, W, *row) view over the run equals the materialized batch.</summary>
public sealed class StridedTensorTests : IDisposable
{
    private const int Cols = 4;
    private const int Window = 9;
    private readonly TempDirectory _dir = new();
    private readonly string _data;

    public StridedTensorTests()
    {
        _data = TestArrays.WriteNpy(_dir.File("data.npy"), 203, Cols);
    }

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(1, 0)]
    [InlineData(4, 0)]
    [InlineData(Window - 1, 0)]
    [InlineData(2, 3)]
    [InlineData(Window - 1, 30)]
    public void Input_StridedWindows_EqualsMaterializedTensor(int stride, int horizon)
    {
        using var plain = new TensorWindowLoader(Options(stride, horizon, strided: false));
        using var view = new TensorWindowLoader(Options(stride, horizon, strided: true));
        using IEnumerator<TensorBatch> expected = plain.Read(ReadRange.ForEpoch(0)).GetEnumerator();
        int strided = 0;
        foreach (TensorBatch batch in view.Read(ReadRange.ForEpoch(0)))
        {
            Assert.True(expected.MoveNext());
            TensorBatch other = expected.Current;
            Assert.Equal(other.Input.shape, batch.Input.shape);
            Assert.Equal(other.Starts.ToArray(), batch.Starts.ToArray());
            Assert.True(Same(batch.Input, other.Input), $"batch {batch.Index}");
            Assert.Equal(batch.IsStrided, batch.Source.IsStrided);
            if (horizon > 0)
            {
                Assert.True(Same(batch.Target!, other.Target!), $"batch {batch.Index} targets");
            }

            if (batch.IsStrided)
            {
                strided++;
                Assert.False(batch.Input.is_contiguous());
                Assert.Equal(stride * Cols, batch.Input.stride(0));

                // No copy: a write through the loader's run shows in every window that holds the row.
                batch.Source.GetWindowData<float>(1)[0] = -12345.5f;
                Assert.Equal(-12345.5f, batch.Input[1, 0, 0].ToSingle());
                Assert.Equal(-12345.5f, batch.Input[0, stride, 0].ToSingle());
            }
        }

        Assert.False(expected.MoveNext());
        Assert.True(strided > 0);
    }

    [Fact]
    public void Input_StridedBatchAfterDispose_Throws()
    {
        using var loader = new TensorWindowLoader(Options(2, 0, strided: true));
        TensorBatch? first = null;
        foreach (TensorBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            first = batch;
            Assert.True(batch.IsStrided);
            break;
        }

        first!.Dispose();
        Assert.Throws<ObjectDisposedException>(() => first.Input);
        Assert.Throws<ObjectDisposedException>(() => first.Source.GetWindow(0).Length);
    }

    private static bool Same(Tensor a, Tensor b)
    {
        using Tensor equal = a.eq(b);
        using Tensor all = equal.all();
        return all.ToBoolean();
    }

    private WindowLoaderOptions Options(int stride, int horizon, bool strided) => new()
    {
        Source = SourceOptions.FromPaths(_data),
        Window = Window,
        BatchSize = 12,
        Sampler = SamplerKind.Sequential,
        Stride = stride,
        StridedWindows = strided,
        Target = horizon > 0 ? new TargetOptions { Kind = TargetKind.Next, Horizon = horizon } : new TargetOptions(),
        Workers = 2,
        OutputType = ElementType.Float32,
        MemoryBudget = 16L << 20,
    };
}
