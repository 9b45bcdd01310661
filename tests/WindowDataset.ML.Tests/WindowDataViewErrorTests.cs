using Microsoft.ML;
using Microsoft.ML.Data;
using WindowDataset.ML.Tests.Infrastructure;
using WindowDataset.Synthetic;

namespace WindowDataset.ML.Tests;

public sealed class WindowDataViewErrorTests
{
    [Fact]
    public void GetGetter_InactiveColumn_ThrowsNamingTheColumn()
    {
        using var dir = new TempDirectory();
        var view = new WindowDataView(ViewOptions.Create(TestArrays.WriteNpy(dir.File("a.npy"), 50, 3)));
        using DataViewRowCursor cursor = view.GetRowCursor([view.Schema[WindowDataView.StartColumnName]]);

        Assert.False(cursor.IsColumnActive(view.Schema[WindowDataView.FeaturesColumnName]));
        var ex = Assert.Throws<InvalidOperationException>(() => cursor.GetGetter<VBuffer<float>>(view.Schema[WindowDataView.FeaturesColumnName]));
        Assert.Contains("'Features' is not active", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetGetter_WrongType_ThrowsNamingExpectedAndFoundTypes()
    {
        using var dir = new TempDirectory();
        var view = new WindowDataView(ViewOptions.Create(TestArrays.WriteNpy(dir.File("a.npy"), 50, 3)));
        using DataViewRowCursor cursor = view.GetRowCursor(view.Schema);

        var ex = Assert.Throws<InvalidOperationException>(() => cursor.GetGetter<VBuffer<double>>(view.Schema[WindowDataView.FeaturesColumnName]));
        Assert.Contains("expected GetGetter<Microsoft.ML.Data.VBuffer`1[System.Single]>", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => cursor.GetGetter<int>(view.Schema[WindowDataView.StartColumnName]));
        Assert.Throws<InvalidOperationException>(() => cursor.GetGetter<double>(view.Schema[WindowDataView.LabelColumnName]));
    }

    [Fact]
    public void Getter_BeforeMoveNextAndAfterEnd_Throws()
    {
        using var dir = new TempDirectory();
        var view = new WindowDataView(ViewOptions.Create(TestArrays.WriteNpy(dir.File("a.npy"), 10, 3)));
        using DataViewRowCursor cursor = view.GetRowCursor(view.Schema);
        ValueGetter<float> label = cursor.GetGetter<float>(view.Schema[WindowDataView.LabelColumnName]);
        float value = 0;

        Assert.Throws<InvalidOperationException>(() => label(ref value));
        while (cursor.MoveNext())
        {
            label(ref value);
        }

        Assert.False(cursor.MoveNext());
        Assert.Throws<InvalidOperationException>(() => label(ref value));
    }

    [Fact]
    public void GetRowCursor_ColumnOfAnotherSchema_Throws()
    {
        using var dir = new TempDirectory();
        var view = new WindowDataView(ViewOptions.Create(TestArrays.WriteNpy(dir.File("a.npy"), 50, 3), nextTarget: false));
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("A", NumberDataViewType.Single);
        builder.AddColumn("B", NumberDataViewType.Single);
        builder.AddColumn("Other", NumberDataViewType.Single);
        DataViewSchema other = builder.ToSchema();

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => view.GetRowCursor([other[2]]));
        Assert.Contains("'Other'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_MissingFile_ThrowsNamingTheFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("missing.npy");

        var ex = Assert.Throws<FileNotFoundException>(() => new WindowDataView(ViewOptions.Create(path)));
        Assert.Contains("missing.npy", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_MalformedFile_ThrowsNamingTheFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("broken.npy");
        File.WriteAllBytes(path, "not a numpy file at all, just text"u8.ToArray());

        var ex = Assert.Throws<InvalidDataException>(() => new WindowDataView(ViewOptions.Create(path)));
        Assert.Contains("broken.npy", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_LabelIndexOutOfRange_ThrowsWithTheValidRange()
    {
        using var dir = new TempDirectory();
        string path = TestArrays.WriteNpy(dir.File("a.npy"), 50, 3);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new WindowDataView(ViewOptions.Create(path, labelIndex: 3)));
        Assert.Contains("expected 0..2", ex.Message, StringComparison.Ordinal);
        WindowDataViewOptions noTarget = ViewOptions.Create(path, nextTarget: false);
        noTarget.LabelIndex = 0;
        Assert.Throws<ArgumentOutOfRangeException>(() => new WindowDataView(noTarget));
    }

    [Fact]
    public void Constructor_Float16FileType_ThrowsNamingTheType()
    {
        using var dir = new TempDirectory();
        string path = dir.File("h.npy");
        SyntheticData.WriteNpy(path, 50, 3, ElementType.Float16);
        WindowDataViewOptions options = ViewOptions.Create(path);
        options.OutputType = null;

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new WindowDataView(options));
        Assert.Contains("float16", ex.Message, StringComparison.Ordinal);
        options.OutputType = ElementType.Float32;
        Assert.Equal(50 - 4, new WindowDataView(options).GetRowCount());
    }
}
