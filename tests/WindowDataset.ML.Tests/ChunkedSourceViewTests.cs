using System.Runtime.InteropServices;
using WindowDataset.ML.Tests.Infrastructure;

namespace WindowDataset.ML.Tests;

/// <summary>The Features column over an HDF5 dataset and a Zarr array (read in place) equals numpy's copy.</summary>
public sealed class ChunkedSourceViewTests
{
    [Theory]
    [InlineData("gzip_shuffle.h5", "/data", "gzip_shuffle__data.npy")]
    [InlineData("default.zarr", null, "default.npy")]
    public void Cursor_ChunkedSource_FeaturesEqualNumpysCopy(string file, string? dataset, string expected)
    {
        string root = Path.Combine(AppContext.BaseDirectory, "Fixtures");
        WindowDataViewOptions options = ViewOptions.Create(Path.Combine(root, file), nextTarget: false);
        options.Loader.Source.Dataset = dataset;
        var view = new WindowDataView(options);
        using var reference = new WindowReader(new WindowLoaderOptions { Source = SourceOptions.FromPaths(Path.Combine(root, expected)), Window = 4, OutputType = ElementType.Float32 });
        byte[] want = new byte[reference.WindowBytes];
        List<CursorRow> rows = ViewReader.Read(view, features: true);
        Assert.Equal(reference.ValidStarts, rows.Count);
        foreach (CursorRow row in rows)
        {
            reference.ReadWindow(row.Start, want);
            Assert.Equal(MemoryMarshal.Cast<byte, float>(want).ToArray(), row.Features);
        }
    }
}
