using static TorchSharp.torch;

namespace WindowDataset.TorchSharp.Tests;

/// <summary>Tensors from an HDF5 dataset and a Zarr array (read in place) equal the windows of numpy's copy.</summary>
public sealed class ChunkedSourceTests
{
    [Theory]
    [InlineData("gzip_shuffle.h5", "/data", "gzip_shuffle__data.npy")]
    [InlineData("default.zarr", null, "default.npy")]
    public void Read_ChunkedSource_TensorsEqualNumpysCopy(string file, string? dataset, string expected)
    {
        string root = Path.Combine(AppContext.BaseDirectory, "Fixtures");
        var options = new WindowLoaderOptions
        {
            Source = new SourceOptions { Paths = [Path.Combine(root, file)], Dataset = dataset },
            Window = 4,
            BatchSize = 6,
            Workers = 2,
            Seed = 3,
            Rank = 0,
            WorldSize = 1,
            OutputType = ElementType.Float32,
        };
        using var loader = new TensorWindowLoader(options);
        using var reference = new WindowReader(new WindowLoaderOptions { Source = SourceOptions.FromPaths(Path.Combine(root, expected)), Window = 4, OutputType = ElementType.Float32 });
        byte[] want = new byte[reference.WindowBytes];
        long windows = 0;
        foreach (TensorBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            using Tensor input = batch.Input.contiguous();
            ReadOnlySpan<byte> got = input.bytes;
            for (int i = 0; i < batch.Count; i++)
            {
                reference.ReadWindow(batch.Starts[i], want);
                Assert.True(want.AsSpan().SequenceEqual(got.Slice(i * want.Length, want.Length)), $"window at {batch.Starts[i]} differs");
            }

            windows += batch.Count;
        }

        Assert.Equal(reference.ValidStarts, windows);
    }
}
