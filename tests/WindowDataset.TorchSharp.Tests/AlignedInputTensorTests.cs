using WindowDataset.Tests.Inputs.Infrastructure;
using static TorchSharp.torch;

namespace WindowDataset.TorchSharp.Tests;

/// <summary>Aligned inputs as tensors: one per input, by index and by name, views of the loader's own buffers, equal to numpy's windows.</summary>
public sealed class AlignedInputTensorTests
{
    private static readonly string[] s_full = ["x.npy", "cov.npy", "y.npy"];

    [Fact]
    public void GetInput_ThreeInputs_ShapesDtypesAndValuesEqualNumpysSlices()
    {
        using var loader = new TensorWindowLoader(InputFixtures.Options(batch: 4));
        var full = s_full.Select(InputFixtures.Npy).ToArray();
        long windows = 0;
        foreach (TensorBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            Assert.Equal(3, batch.InputCount);
            Assert.Same(batch.Input, batch.GetInput(0));
            Assert.Same(batch.GetInput(1), batch.GetInput("cov"));
            Assert.Equal("y", batch.GetInputName(2));
            Assert.Equal([batch.Count, 5L, 4], batch.GetInput("x").shape);
            Assert.Equal([batch.Count, 5L, 2, 3], batch.GetInput("cov").shape);
            Assert.Equal([batch.Count, 5L, 1], batch.GetInput("y").shape);
            Assert.Equal(ScalarType.Float64, batch.GetInput(0).dtype);
            Assert.Equal(ScalarType.Int16, batch.GetInput(1).dtype);
            Assert.Equal(ScalarType.Float32, batch.GetInput(2).dtype);
            for (int k = 0; k < 3; k++)
            {
                Tensor t = batch.GetInput(k);
                Assert.True(t.is_contiguous());
                ReadOnlySpan<byte> got = t.bytes;
                int windowBytes = got.Length / batch.Count;
                int rowBytes = windowBytes / InputFixtures.Window;
                for (int i = 0; i < batch.Count; i++)
                {
                    long s = batch.Starts[i];
                    Assert.True(full[k].Data.AsSpan((int)(s * rowBytes), windowBytes).SequenceEqual(got.Slice(i * windowBytes, windowBytes)), $"input {k}, start {s}");
                }
            }

            // Zero copy: each tensor's storage is that input's loader buffer.
            Assert.Equal(batch.Source.GetInputBuffer(1).Pointer, TensorBatchMemory.DataPointer(batch.GetInput(1)));
            windows += batch.Count;
        }

        Assert.Equal(InputFixtures.Starts("starts_w5.npy").Length, windows);
    }

    [Fact]
    public void GetInput_UnknownNameOrIndexOrDisposedBatch_Throws()
    {
        using var loader = new TensorWindowLoader(InputFixtures.Options(batch: 4));
        TensorBatch? kept = null;
        foreach (TensorBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            var missing = Assert.Throws<KeyNotFoundException>(() => batch.GetInput("z"));
            Assert.Equal("input: expected one of 'x', 'cov', 'y'; found 'z'.", missing.Message);
            Assert.Throws<ArgumentOutOfRangeException>(() => batch.GetInput(3));
            kept = batch;
            break;
        }

        Assert.Throws<ObjectDisposedException>(() => kept!.GetInput("cov"));
        Assert.Throws<ObjectDisposedException>(() => kept!.GetInput(1));
    }

    [Fact]
    public void Input_Concat_OneTensorEqualToNumpysConcatenate()
    {
        WindowLoaderOptions options = InputFixtures.Options(batch: 6);
        options.Concat = true;
        options.OutputType = ElementType.Float32;
        using var loader = new TensorWindowLoader(options);
        long[] starts = InputFixtures.Starts("starts_w5.npy");
        (long rows, byte[] expected) = InputFixtures.Npy("concat_f4_w5.npy");
        foreach (TensorBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            Assert.Equal(1, batch.InputCount);
            Assert.Same(batch.Input, batch.GetInput("input"));
            Assert.Equal([batch.Count, 5L, 11], batch.Input.shape);
            ReadOnlySpan<byte> got = batch.Input.bytes;
            int windowBytes = got.Length / batch.Count;
            for (int i = 0; i < batch.Count; i++)
            {
                Assert.True(InputFixtures.Item(expected, rows, Array.IndexOf(starts, batch.Starts[i])).SequenceEqual(got.Slice(i * windowBytes, windowBytes)));
            }
        }
    }
}
