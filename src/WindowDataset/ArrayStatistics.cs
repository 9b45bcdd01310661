using System.Globalization;
using WindowDataset.Sources;
using WindowDataset.Statistics;

namespace WindowDataset;

/// <summary>
/// Per-element statistics of the rows of an array (element j of the row, flattened in C order): the count of
/// finite values, their mean, population standard deviation, minimum and maximum, and the count of NaN and
/// infinite values. Computed in float64 in one streaming pass (<see cref="Compute"/>); saved as the JSON file
/// <c>windowds stats</c> writes and <c>normalize.stats</c> reads. Where an element has no finite value its
/// <see cref="Mean"/>, <see cref="Std"/>, <see cref="Min"/> and <see cref="Max"/> are NaN (null in the file).
/// </summary>
public sealed class ArrayStatistics
{
    /// <summary>Bytes of float64 rows each reading thread converts at a time (the pass's memory: two of these per thread).</summary>
    internal const int BufferBytes = 8 << 20;

    internal ArrayStatistics(string source, long rowStart, long rows, int[] rowShape, long[] count, double[] mean, double[] std, double[] min, double[] max, long[] nanCount)
    {
        Source = source;
        RowStart = rowStart;
        Rows = rows;
        RowShapeArray = rowShape;
        CountArray = count;
        MeanArray = mean;
        StdArray = std;
        MinArray = min;
        MaxArray = max;
        NanCountArray = nanCount;
    }

    /// <summary>What the statistics describe: the first path of the source (or its glob).</summary>
    public string Source { get; }

    /// <summary>The first row counted (global, across shards).</summary>
    public long RowStart { get; }

    /// <summary>Rows counted: rows [<see cref="RowStart"/>, <see cref="RowStart"/> + <see cref="Rows"/>).</summary>
    public long Rows { get; }

    /// <summary>The shape of one row (the array's trailing axes; empty for a 1-D array).</summary>
    public IReadOnlyList<int> RowShape => RowShapeArray;

    /// <summary>Finite values of each element.</summary>
    public IReadOnlyList<long> Count => CountArray;

    /// <summary>Mean of the finite values of each element (NaN: none).</summary>
    public IReadOnlyList<double> Mean => MeanArray;

    /// <summary>Population standard deviation (divisor: the count) of the finite values of each element (NaN: none).</summary>
    public IReadOnlyList<double> Std => StdArray;

    /// <summary>Smallest finite value of each element (NaN: none).</summary>
    public IReadOnlyList<double> Min => MinArray;

    /// <summary>Largest finite value of each element (NaN: none).</summary>
    public IReadOnlyList<double> Max => MaxArray;

    /// <summary>NaN, +inf and -inf values of each element.</summary>
    public IReadOnlyList<long> NanCount => NanCountArray;

    internal int[] RowShapeArray { get; }

    internal long[] CountArray { get; }

    internal double[] MeanArray { get; }

    internal double[] StdArray { get; }

    internal double[] MinArray { get; }

    internal double[] MaxArray { get; }

    internal long[] NanCountArray { get; }

    /// <summary>
    /// Reads rows [<paramref name="rowStart"/>, <paramref name="rowEnd"/>) of the source once, in order, with a
    /// fixed amount of memory (two buffers of 8 MiB, or one row, per reading thread), and computes the statistics
    /// of each element of the row. Every format the loader reads works (npy, raw, HDF5, Zarr, URLs). Values are
    /// converted to float64 first (int64 beyond 2^53 rounds).
    /// </summary>
    /// <param name="source">The array.</param>
    /// <param name="rowStart">First row (default 0).</param>
    /// <param name="rowEnd">End row, exclusive (default: the row count).</param>
    /// <param name="remote">How URLs are read (default settings when null).</param>
    /// <param name="cancellationToken">Checked between buffers.</param>
    /// <exception cref="ArgumentOutOfRangeException">The row range is empty or outside the array.</exception>
    public static ArrayStatistics Compute(SourceOptions source, long? rowStart = null, long? rowEnd = null, RemoteOptions? remote = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        using ArraySource array = ArraySource.Open(source, "source", remote);
        return StatisticsPass.Run(array, rowStart ?? 0, rowEnd ?? array.TotalRows, threads: Math.Clamp(Environment.ProcessorCount, 1, 2), cancellationToken);
    }

    /// <summary>Writes the statistics as JSON (keys <c>count mean std min max nanCount</c>, one value per element; <c>rows rowStart rowShape source</c>).</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        StatisticsFile.Save(this, path);
    }

    /// <summary>Reads a statistics file written by <see cref="Save"/> (or <c>windowds stats</c>).</summary>
    /// <exception cref="InvalidDataException">The file is not a valid statistics file; the message names the file and the key.</exception>
    public static ArrayStatistics Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return StatisticsFile.Load(path);
    }

    /// <summary>"(3, 4)" style text of the row shape as the messages print it.</summary>
    internal static string ShapeText(IReadOnlyList<int> shape)
    {
        var text = new System.Text.StringBuilder("[");
        for (int i = 0; i < shape.Count; i++)
        {
            text.Append(i > 0 ? ", " : string.Empty).Append(shape[i].ToString(CultureInfo.InvariantCulture));
        }

        return text.Append(']').ToString();
    }
}
