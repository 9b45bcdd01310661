using Microsoft.ML;
using Microsoft.ML.Data;

namespace WindowDataset.ML.Tests.Infrastructure;

/// <summary>One row as seen through a cursor: its id, batch, start and (when active) features.</summary>
public sealed record CursorRow(ulong Id, long Batch, long Position, long Start, float[]? Features);

/// <summary>Reads cursors of a view into lists, for comparisons.</summary>
public static class ViewReader
{
    public static List<CursorRow> ReadAll(DataViewRowCursor cursor, bool features)
    {
        var rows = new List<CursorRow>();
        DataViewSchema.Column startColumn = cursor.Schema[WindowDataView.StartColumnName];
        ValueGetter<long> start = cursor.GetGetter<long>(startColumn);
        ValueGetter<DataViewRowId> id = cursor.GetIdGetter();
        ValueGetter<VBuffer<float>>? feature = features ? cursor.GetGetter<VBuffer<float>>(cursor.Schema[WindowDataView.FeaturesColumnName]) : null;
        VBuffer<float> buffer = default;
        while (cursor.MoveNext())
        {
            long s = 0;
            DataViewRowId rowId = default;
            start(ref s);
            id(ref rowId);
            float[]? values = null;
            if (feature is not null)
            {
                feature(ref buffer);
                values = buffer.DenseValues().ToArray();
            }

            rows.Add(new CursorRow(rowId.Low, cursor.Batch, cursor.Position, s, values));
        }

        return rows;
    }

    public static List<CursorRow> Read(IDataView view, bool features, Random? rand = null)
    {
        using DataViewRowCursor cursor = view.GetRowCursor(Columns(view, features), rand);
        return ReadAll(cursor, features);
    }

    public static DataViewSchema.Column[] Columns(IDataView view, bool features) => features
        ? [view.Schema[WindowDataView.FeaturesColumnName], view.Schema[WindowDataView.StartColumnName]]
        : [view.Schema[WindowDataView.StartColumnName]];
}
