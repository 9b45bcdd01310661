using Microsoft.ML;
using Microsoft.ML.Data;
using WindowDataset.ML.Tests.Infrastructure;

namespace WindowDataset.ML.Tests;

/// <summary>A loader with strided sequential batches gives the view the same rows as one with copied windows.</summary>
public sealed class StridedViewTests
{
    private const int Rows = 200;
    private const int Cols = 5;
    private const int W = 4;

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void CreateEnumerable_StridedWindows_EqualsSourceWindows(int stride)
    {
        using var dir = new TempDirectory();
        string path = TestArrays.WriteNpy(dir.File("a.npy"), Rows, Cols);
        WindowDataViewOptions options = ViewOptions.Create(path);
        options.Loader.Stride = stride;
        options.Loader.StridedWindows = true;
        var view = new WindowDataView(options);
        var ml = new MLContext(seed: 1);

        List<Row> rows = [.. ml.Data.CreateEnumerable<Row>(view, reuseRowObject: false)];

        Assert.Equal(((Rows - W - 1) / stride) + 1, rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.Equal(i * stride, rows[i].Start);
            Assert.Equal(ViewArrays.Window(i * stride, W, Cols), rows[i].Features);
            Assert.Equal((float)TestArrays.Value((i * stride) + W, 2), rows[i].Label);
        }
    }

    private sealed class Row
    {
        [VectorType(W, Cols)]
        public float[] Features { get; set; } = [];

        public long Start { get; set; }

        public float Label { get; set; }
    }
}
