using Microsoft.ML;
using Microsoft.ML.Data;
using WindowDataset.ML.Tests.Infrastructure;

namespace WindowDataset.ML.Tests;

/// <summary>A view over a mixture loader: the same windows as the loader, each equal to its component's rows.</summary>
public sealed class WindowDataViewMixtureTests
{
    private const int Cols = 3;
    private const int W = 4;

    [Fact]
    public void CreateEnumerable_MixtureView_RowsAreTheLoaderWindowsOfEachComponent()
    {
        using var dir = new TempDirectory();
        string a = TestArrays.WriteNpyShard(dir.File("a.npy"), 0, 120, Cols);
        string b = TestArrays.WriteNpyShard(dir.File("b.npy"), 1000, 60, Cols);
        WindowDataViewOptions options = ViewOptions.Create(a, SamplerKind.Permutation);
        options.Loader.Source = new SourceOptions();
        options.Loader.Mixture =
        [
            new MixtureComponent { Weight = 0.6, Source = SourceOptions.FromPaths(a) },
            new MixtureComponent { Weight = 0.4, Source = SourceOptions.FromPaths(b) },
        ];
        options.Loader.WindowsPerEpoch = 100;
        var view = new WindowDataView(options);
        var ml = new MLContext(seed: 1);

        List<Row> rows = [.. ml.Data.CreateEnumerable<Row>(view, reuseRowObject: false)];

        using var loader = new WindowLoader(options.Loader);
        var starts = new List<long>();
        for (long batch = 0; batch < loader.BatchesPerEpoch; batch++)
        {
            starts.AddRange(loader.GetStarts(0, batch));
        }

        Assert.Equal(starts, rows.Select(r => r.Start));
        Assert.Equal(60, rows.Count(r => r.Start < 120));
        Assert.Equal(40, rows.Count(r => r.Start >= 120));
        foreach (Row row in rows)
        {
            long sourceRow = row.Start < 120 ? row.Start : 1000 + (row.Start - 120);
            Assert.Equal(ViewArrays.Window(sourceRow, W, Cols), row.Features);
            Assert.Equal((float)TestArrays.Value(sourceRow + W, 2), row.Label);
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
