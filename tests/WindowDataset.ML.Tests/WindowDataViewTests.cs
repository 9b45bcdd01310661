using Microsoft.ML;
using Microsoft.ML.Data;
using WindowDataset.ML.Tests.Infrastructure;

namespace WindowDataset.ML.Tests;

public sealed class WindowDataViewTests
{
    private const int Rows = 300;
    private const int Cols = 5;
    private const int W = 4;

    [Fact]
    public void CreateEnumerable_SequentialView_EqualsSourceWindows()
    {
        using var dir = new TempDirectory();
        string path = TestArrays.WriteNpy(dir.File("a.npy"), Rows, Cols);
        var view = new WindowDataView(ViewOptions.Create(path));
        var ml = new MLContext(seed: 1);

        List<Row> rows = [.. ml.Data.CreateEnumerable<Row>(view, reuseRowObject: false)];

        long expected = Rows - W - 1 + 1; // next-row target needs one row after the window
        Assert.Equal(expected, rows.Count);
        Assert.Equal(expected, view.GetRowCount());
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.Equal(i, rows[i].Start);
            Assert.Equal(ViewArrays.Window(i, W, Cols), rows[i].Features);
            Assert.Equal((float)TestArrays.Value(i + W, 2), rows[i].Label);
        }
    }

    [Fact]
    public void CreateEnumerable_PermutationView_RowsAreTheLoaderWindowsInOrder()
    {
        using var dir = new TempDirectory();
        string path = TestArrays.WriteNpy(dir.File("a.npy"), Rows, Cols);
        WindowDataViewOptions options = ViewOptions.Create(path, SamplerKind.Permutation);
        var view = new WindowDataView(options);
        var ml = new MLContext(seed: 1);

        List<Row> rows = [.. ml.Data.CreateEnumerable<Row>(view, reuseRowObject: true).Select(r => new Row { Features = [.. r.Features], Start = r.Start, Label = r.Label })];

        List<long> starts = LoaderStarts(options);
        Assert.Equal(starts, rows.Select(r => r.Start));
        Assert.NotEqual(rows.Select(r => r.Start).Order(), rows.Select(r => r.Start));
        foreach (Row row in rows)
        {
            Assert.Equal(ViewArrays.Window(row.Start, W, Cols), row.Features);
            Assert.Equal((float)TestArrays.Value(row.Start + W, 2), row.Label);
        }
    }

    [Fact]
    public void Schema_DefaultOptions_SingleFeaturesOfWindowShapeAndScalarLabel()
    {
        using var dir = new TempDirectory();
        string path = TestArrays.WriteNpy(dir.File("a.npy"), Rows, Cols);
        var view = new WindowDataView(ViewOptions.Create(path));

        var features = (VectorDataViewType)view.Schema[WindowDataView.FeaturesColumnName].Type;
        Assert.Equal(NumberDataViewType.Single, features.ItemType);
        Assert.Equal([W, Cols], features.Dimensions.ToArray());
        Assert.Equal(NumberDataViewType.Int64, view.Schema[WindowDataView.StartColumnName].Type);
        Assert.Equal(NumberDataViewType.Single, view.Schema[WindowDataView.LabelColumnName].Type);
        Assert.True(view.CanShuffle);
    }

    [Fact]
    public void Schema_NoTarget_HasNoLabelColumn()
    {
        using var dir = new TempDirectory();
        string path = TestArrays.WriteNpy(dir.File("a.npy"), Rows, Cols);
        var view = new WindowDataView(ViewOptions.Create(path, nextTarget: false));

        Assert.Equal(2, view.Schema.Count);
        Assert.Null(view.Schema.GetColumnOrNull(WindowDataView.LabelColumnName));
        Assert.Equal(Rows - W + 1, view.GetRowCount());
    }

    [Fact]
    public void GetGetter_Float64OutputAndVectorLabel_DeliverFileValues()
    {
        using var dir = new TempDirectory();
        string path = TestArrays.WriteNpy(dir.File("a.npy"), Rows, Cols);
        WindowDataViewOptions options = ViewOptions.Create(path, labelIndex: null);
        options.OutputType = null; // the file's type: float64
        options.Loader.Target.Horizon = 2;
        var view = new WindowDataView(options);
        var features = (VectorDataViewType)view.Schema[WindowDataView.FeaturesColumnName].Type;
        var label = (VectorDataViewType)view.Schema[WindowDataView.LabelColumnName].Type;
        Assert.Equal(NumberDataViewType.Double, features.ItemType);
        Assert.Equal([2, Cols], label.Dimensions.ToArray());

        using DataViewRowCursor cursor = view.GetRowCursor(view.Schema);
        ValueGetter<VBuffer<double>> x = cursor.GetGetter<VBuffer<double>>(view.Schema[0]);
        ValueGetter<long> s = cursor.GetGetter<long>(view.Schema[1]);
        ValueGetter<VBuffer<double>> y = cursor.GetGetter<VBuffer<double>>(view.Schema[2]);
        VBuffer<double> xb = default, yb = default;
        long start = 0, count = 0;
        while (cursor.MoveNext())
        {
            x(ref xb);
            y(ref yb);
            s(ref start);
            double[] xs = xb.DenseValues().ToArray();
            double[] ys = yb.DenseValues().ToArray();
            Assert.Equal(TestArrays.Value(start, 0), xs[0]);
            Assert.Equal(TestArrays.Value(start + W - 1, Cols - 1), xs[^1]);
            Assert.Equal(TestArrays.Value(start + W, 0), ys[0]);
            Assert.Equal(TestArrays.Value(start + W + 1, Cols - 1), ys[^1]);
            count++;
        }

        Assert.Equal(Rows - W - 2 + 1, count);
    }

    [Fact]
    public void GetGetter_FileTargetWithLabelIndexZero_ScalarLabelFromLabelsArray()
    {
        using var dir = new TempDirectory();
        string path = TestArrays.WriteNpy(dir.File("a.npy"), Rows, Cols);
        string labels = ViewArrays.WriteLabels(dir.File("y.npy"), Rows);
        WindowDataViewOptions options = ViewOptions.Create(path, nextTarget: false);
        options.Loader.Target = new TargetOptions { Kind = TargetKind.File, Source = SourceOptions.FromPaths(labels) };
        options.LabelIndex = 0;
        var view = new WindowDataView(options);

        List<Row> rows = [.. new MLContext(1).Data.CreateEnumerable<Row>(view, reuseRowObject: false)];

        Assert.Equal(Rows - W + 1, rows.Count);
        Assert.All(rows, r => Assert.Equal((float)((r.Start + W - 1) * 0.5), r.Label));
    }

    [Fact]
    public void Schema_OneDimensionalLabelsWithoutLabelIndex_ScalarLabel()
    {
        using var dir = new TempDirectory();
        string path = TestArrays.WriteNpy(dir.File("a.npy"), Rows, Cols);
        string labels = ViewArrays.WriteLabels(dir.File("y.npy"), Rows);
        WindowDataViewOptions options = ViewOptions.Create(path, nextTarget: false);
        options.Loader.Target = new TargetOptions { Kind = TargetKind.File, Source = SourceOptions.FromPaths(labels) };
        var view = new WindowDataView(options);

        Assert.Equal(NumberDataViewType.Single, view.Schema["Label"].Type);
        List<Row> rows = [.. new MLContext(1).Data.CreateEnumerable<Row>(view, reuseRowObject: false)];
        Assert.All(rows, r => Assert.Equal((float)((r.Start + W - 1) * 0.5), r.Label));
    }

    [Fact]
    public void GetGetter_RepeatedRows_ReuseTheCallersBuffer()
    {
        using var dir = new TempDirectory();
        string path = TestArrays.WriteNpy(dir.File("a.npy"), Rows, Cols);
        var view = new WindowDataView(ViewOptions.Create(path));
        using DataViewRowCursor cursor = view.GetRowCursor([view.Schema[0]]);
        ValueGetter<VBuffer<float>> getter = cursor.GetGetter<VBuffer<float>>(view.Schema[0]);
        VBuffer<float> buffer = default;
        Assert.True(cursor.MoveNext());
        getter(ref buffer);
        float[] first = buffer.DenseValues().ToArray();
        ReadOnlySpan<float> before = buffer.GetValues();
        ref readonly float address = ref before[0];

        Assert.True(cursor.MoveNext());
        getter(ref buffer);

        Assert.True(System.Runtime.CompilerServices.Unsafe.AreSame(in address, in buffer.GetValues()[0]));
        Assert.NotEqual(first, buffer.DenseValues().ToArray());
    }

    [Fact]
    public void GetRowCursor_TwoPasses_IdenticalRows()
    {
        using var dir = new TempDirectory();
        string path = TestArrays.WriteNpy(dir.File("a.npy"), Rows, Cols);
        var view = new WindowDataView(ViewOptions.Create(path, SamplerKind.Uniform));

        List<CursorRow> first = ViewReader.Read(view, features: true);
        List<CursorRow> second = ViewReader.Read(view, features: true);

        Assert.Equal(first.Select(r => r.Start), second.Select(r => r.Start));
        Assert.Equal(first.Select(r => r.Id), second.Select(r => r.Id));
        for (int i = 0; i < first.Count; i++)
        {
            Assert.Equal(first[i].Features, second[i].Features);
        }
    }

    [Fact]
    public void GetRowCursor_OnlyStartActive_SameStartsWithoutData()
    {
        using var dir = new TempDirectory();
        string path = TestArrays.WriteNpy(dir.File("a.npy"), Rows, Cols);
        var view = new WindowDataView(ViewOptions.Create(path, SamplerKind.Permutation));

        List<CursorRow> startsOnly = ViewReader.Read(view, features: false);
        List<CursorRow> full = ViewReader.Read(view, features: true);

        Assert.Equal(full.Select(r => r.Start), startsOnly.Select(r => r.Start));
        Assert.Equal(full.Select(r => r.Id), startsOnly.Select(r => r.Id));
        Assert.Equal(Enumerable.Range(0, full.Count).Select(i => (long)i), startsOnly.Select(r => r.Position));
    }

    [Fact]
    public void GetRowCount_DropLast_CountsOnlyFullBatches()
    {
        using var dir = new TempDirectory();
        string path = TestArrays.WriteNpy(dir.File("a.npy"), Rows, Cols);
        WindowDataViewOptions options = ViewOptions.Create(path);
        options.Loader.DropLast = true;
        var view = new WindowDataView(options);

        long windows = Rows - W;
        Assert.Equal(windows / 16 * 16, view.GetRowCount());
        Assert.Equal(view.GetRowCount(), ViewReader.Read(view, features: true).Count);
        Assert.Equal(view.GetRowCount(), ViewReader.Read(view, features: true, new Random(3)).Count);
    }

    [Fact]
    public void Constructor_OptionsChangedAfterwards_ViewUnchanged()
    {
        using var dir = new TempDirectory();
        string path = TestArrays.WriteNpy(dir.File("a.npy"), Rows, Cols);
        WindowDataViewOptions options = ViewOptions.Create(path);
        var view = new WindowDataView(options);

        options.Loader.Window = 8;
        options.Loader.Source.Paths[0] = dir.File("missing.npy");

        List<CursorRow> rows = ViewReader.Read(view, features: true);
        Assert.Equal(Rows - W, rows.Count);
        Assert.Equal(ViewArrays.Window(7, W, Cols), rows[7].Features);
    }

    [Fact]
    public void GetRowCursor_Epoch_SelectsThatEpochsWindows()
    {
        using var dir = new TempDirectory();
        string path = TestArrays.WriteNpy(dir.File("a.npy"), Rows, Cols);
        WindowDataViewOptions options = ViewOptions.Create(path, SamplerKind.Permutation);
        options.Epoch = 3;
        var view = new WindowDataView(options);

        Assert.Equal(LoaderStarts(options, epoch: 3), ViewReader.Read(view, features: false).Select(r => r.Start));
    }

    private static List<long> LoaderStarts(WindowDataViewOptions options, long epoch = 0)
    {
        using var loader = new WindowLoader(options.Loader);
        var starts = new List<long>();
        for (long b = 0; b < loader.BatchesPerEpoch; b++)
        {
            starts.AddRange(loader.GetStarts(epoch, b));
        }

        return starts;
    }

    private sealed class Row
    {
        [VectorType(W, Cols)]
        public float[] Features { get; set; } = [];

        public long Start { get; set; }

        public float Label { get; set; }
    }
}
