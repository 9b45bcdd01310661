using Microsoft.ML;

namespace WindowDataset.ML.Tests.Infrastructure;

/// <summary>Passes every call to another view and counts the cursorings that asked for a shuffle.</summary>
public sealed class RecordingDataView(IDataView inner) : IDataView
{
    private int _shuffled;

    public int ShuffledCursorings => Volatile.Read(ref _shuffled);

    public bool CanShuffle => inner.CanShuffle;

    public DataViewSchema Schema => inner.Schema;

    public long? GetRowCount() => inner.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        Count(rand);
        return inner.GetRowCursor(columnsNeeded, rand);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        Count(rand);
        return inner.GetRowCursorSet(columnsNeeded, n, rand);
    }

    private void Count(Random? rand)
    {
        if (rand is not null)
        {
            Interlocked.Increment(ref _shuffled);
        }
    }
}
