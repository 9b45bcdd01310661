using Microsoft.ML;
using WindowDataset.ML.Tests.Infrastructure;

namespace WindowDataset.ML.Tests;

public sealed class WindowDataViewCursorSetTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GetRowCursorSet_ThreeCursors_PartitionTheRowsInBatchOrder(bool shuffled)
    {
        using var dir = new TempDirectory();
        string path = TestArrays.WriteNpy(dir.File("a.npy"), 300, 5);
        var view = new WindowDataView(ViewOptions.Create(path, SamplerKind.Permutation));
        List<CursorRow> serial = ViewReader.Read(view, features: true, shuffled ? new Random(42) : null);

        DataViewRowCursor[] set = view.GetRowCursorSet(ViewReader.Columns(view, features: true), 3, shuffled ? new Random(42) : null);
        var parts = new List<List<CursorRow>>();
        try
        {
            foreach (DataViewRowCursor cursor in set)
            {
                parts.Add(ViewReader.ReadAll(cursor, features: true));
            }
        }
        finally
        {
            foreach (DataViewRowCursor cursor in set)
            {
                cursor.Dispose();
            }
        }

        Assert.Equal(3, set.Length);
        Assert.All(parts, p => Assert.NotEmpty(p));
        Assert.All(parts, p => Assert.True(p.Zip(p.Skip(1)).All(pair => pair.First.Batch <= pair.Second.Batch), "Batch must be non-decreasing within a cursor."));
        Assert.All(parts, p => Assert.Equal(Enumerable.Range(0, p.Count).Select(i => (long)i), p.Select(r => r.Position)));
        var batchSets = parts.Select(p => p.Select(r => r.Batch).ToHashSet()).ToList();
        Assert.Empty(batchSets[0].Intersect(batchSets[1]));
        Assert.Empty(batchSets[1].Intersect(batchSets[2]));
        Assert.Empty(batchSets[0].Intersect(batchSets[2]));

        List<CursorRow> merged = [.. parts.SelectMany(p => p).OrderBy(r => r.Batch)]; // OrderBy is stable
        Assert.Equal(serial.Select(r => r.Start), merged.Select(r => r.Start));
        Assert.Equal(serial.Select(r => r.Id), merged.Select(r => r.Id));
        Assert.Equal(Enumerable.Range(0, serial.Count).Select(i => (ulong)i), merged.Select(r => r.Id).Order());
        Assert.All(merged, r => Assert.Equal(ViewArrays.Window(r.Start, 4, 5), r.Features));
    }

    [Fact]
    public void GetRowCursorSet_InterleavedReads_EachCursorReturnsItsRows()
    {
        using var dir = new TempDirectory();
        string path = TestArrays.WriteNpy(dir.File("a.npy"), 300, 5);
        var view = new WindowDataView(ViewOptions.Create(path));
        DataViewRowCursor[] set = view.GetRowCursorSet(ViewReader.Columns(view, features: true), 2);
        var seen = new List<long>();
        try
        {
            var starts = set.Select(c => c.GetGetter<long>(view.Schema[WindowDataView.StartColumnName])).ToArray();
            bool any = true;
            while (any)
            {
                any = false;
                for (int i = 0; i < set.Length; i++)
                {
                    if (set[i].MoveNext())
                    {
                        long s = 0;
                        starts[i](ref s);
                        seen.Add(s);
                        any = true;
                    }
                }
            }
        }
        finally
        {
            foreach (DataViewRowCursor cursor in set)
            {
                cursor.Dispose();
            }
        }

        Assert.Equal(Enumerable.Range(0, 296).Select(i => (long)i), seen.Order());
    }

    [Fact]
    public void GetRowCursorSet_MoreCursorsThanBatches_OneCursorPerBatch()
    {
        using var dir = new TempDirectory();
        string path = TestArrays.WriteNpy(dir.File("a.npy"), 40, 5);
        var view = new WindowDataView(ViewOptions.Create(path));

        DataViewRowCursor[] set = view.GetRowCursorSet(ViewReader.Columns(view, features: true), 8);
        try
        {
            Assert.Equal(3, set.Length); // 36 windows in batches of 16
            Assert.Equal([16, 16, 4], set.Select(c => ViewReader.ReadAll(c, features: true).Count).ToArray());
            Assert.False(set[0].MoveNext());
        }
        finally
        {
            foreach (DataViewRowCursor cursor in set)
            {
                cursor.Dispose();
            }
        }
    }
}
