using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using WindowDataset.Interop;
using WindowDataset.Sources;

namespace WindowDataset.Statistics;

/// <summary>
/// The one streaming pass behind <see cref="ArrayStatistics.Compute"/>: the row range is split into contiguous
/// parts, one per thread; each reads its part in order, in buffers of <see cref="ArrayStatistics.BufferBytes"/>,
/// through the loader's readers (converted to float64) and accumulates; the parts merge with Chan's formula.
/// </summary>
internal static class StatisticsPass
{
    /// <summary>posix_fadvise SEQUENTIAL: a larger read-ahead window (the loader's reader asks for RANDOM).</summary>
    private const int FadvSequential = 2;

    public static ArrayStatistics Run(ArraySource array, long rowStart, long rowEnd, int threads, CancellationToken cancellationToken)
    {
        string name = array.Shards[0].Path;
        if (rowStart < 0 || rowEnd > array.TotalRows || rowStart >= rowEnd)
        {
            throw new ArgumentOutOfRangeException(nameof(rowStart), string.Create(CultureInfo.InvariantCulture,
                $"{name}: rows: expected start:end with 0 <= start < end <= {array.TotalRows} (the row count); found {rowStart}:{rowEnd}."));
        }

        if (array.RowElements * sizeof(double) > int.MaxValue / 2)
        {
            throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture,
                $"{name}: row: expected at most {int.MaxValue / 2 / sizeof(double)} elements for statistics; found {array.RowElements}."));
        }

        int rowElements = (int)array.RowElements;
        long rowDoubles = rowElements * (long)sizeof(double);
        long chunkRows = FirstChunkRows(array);
        long bufferRows = Math.Max(1, ArrayStatistics.BufferBytes / rowDoubles);
        if (chunkRows > 0 && bufferRows > chunkRows)
        {
            bufferRows -= bufferRows % chunkRows; // whole chunks: each decoded once
        }

        long rows = rowEnd - rowStart;
        threads = rows >= 2 * bufferRows ? Math.Max(1, threads) : 1;
        using RowReader reader = CreateReader(array, threads);
        double[] shift = ReferenceValues(array, reader, rowStart, rowEnd);
        var parts = new StatisticsAccumulator[threads];
        if (threads == 1)
        {
            parts[0] = Accumulate(array, reader, shift, rowStart, rowEnd, (int)bufferRows, cancellationToken);
        }
        else
        {
            var failures = new Exception?[threads];
            var workers = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                int part = t;
                long a = rowStart + (rows * part / threads), b = rowStart + (rows * (part + 1) / threads);
                workers[t] = new Thread(() =>
                {
                    try
                    {
                        parts[part] = Accumulate(array, reader, shift, a, b, (int)bufferRows, cancellationToken);
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        failures[part] = ex;
                    }
                })
                { IsBackground = true, Name = "windowds stats " + part.ToString(CultureInfo.InvariantCulture) };
                workers[t].Start();
            }

            foreach (Thread worker in workers)
            {
                worker.Join();
            }

            foreach (Exception? failure in failures)
            {
                if (failure is not null)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
                }
            }
        }

        double[] n = new double[rowElements], mean = new double[rowElements], m2 = new double[rowElements];
        double[] min = new double[rowElements], max = new double[rowElements];
        min.AsSpan().Fill(double.PositiveInfinity);
        max.AsSpan().Fill(double.NegativeInfinity);
        foreach (StatisticsAccumulator part in parts)
        {
            part.Merge(n, mean, m2, min, max);
        }

        long[] count = new long[rowElements], nan = new long[rowElements];
        double[] std = new double[rowElements];
        for (int j = 0; j < rowElements; j++)
        {
            count[j] = (long)n[j];
            nan[j] = rows - count[j];
            if (count[j] == 0)
            {
                (mean[j], std[j], min[j], max[j]) = (double.NaN, double.NaN, double.NaN, double.NaN);
            }
            else
            {
                mean[j] += shift[j];
                std[j] = Math.Sqrt(Math.Max(0, m2[j] / n[j]));
            }
        }

        return new ArrayStatistics(name, rowStart, rows, [.. array.RowShape], count, mean, std, min, max, nan);
    }

    /// <summary>Per element, the first finite value among the first rows of the range (0 if none): the accumulators' shift.</summary>
    private static double[] ReferenceValues(ArraySource array, RowReader reader, long rowStart, long rowEnd)
    {
        int rowElements = (int)array.RowElements;
        double[] shift = new double[rowElements];
        bool[] found = new bool[rowElements];
        double[] row = new double[rowElements];
        byte[] scratch = new byte[reader.ScratchBytes(1)];
        int missing = rowElements;
        for (long r = rowStart; r < Math.Min(rowEnd, rowStart + 64) && missing > 0; r++)
        {
            int s = array.FindShard(r);
            reader.Read(s, r - array.Shards[s].RowBase, 1, MemoryMarshal.AsBytes(row.AsSpan()), scratch);
            for (int j = 0; j < rowElements; j++)
            {
                if (!found[j] && double.IsFinite(row[j]))
                {
                    (shift[j], found[j]) = (row[j], true);
                    missing--;
                }
            }
        }

        return shift;
    }

    private static StatisticsAccumulator Accumulate(ArraySource array, RowReader reader, double[] shift, long rowStart, long rowEnd, int bufferRows, CancellationToken cancellationToken)
    {
        int rowElements = (int)array.RowElements;
        var accumulator = new StatisticsAccumulator(rowElements, shift);
        double[] buffer = GC.AllocateUninitializedArray<double>(checked(bufferRows * rowElements));
        byte[] scratch = GC.AllocateUninitializedArray<byte>(checked((int)reader.ScratchBytes(bufferRows)));
        Span<byte> bytes = MemoryMarshal.AsBytes(buffer.AsSpan());
        for (int s = 0; s < array.Shards.Length; s++)
        {
            ShardFile shard = array.Shards[s];
            long first = Math.Max(rowStart, shard.RowBase), end = Math.Min(rowEnd, shard.RowBase + shard.Rows);
            for (long row = first; row < end;)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int n = (int)Math.Min(bufferRows, end - row);
                reader.Read(s, row - shard.RowBase, n, bytes[..(n * rowElements * sizeof(double))], scratch);
                accumulator.Add(buffer.AsSpan(0, n * rowElements));
                row += n;
            }
        }

        Debug.Assert(accumulator.Rows == rowEnd - rowStart);
        return accumulator;
    }

    private static RowReader CreateReader(ArraySource array, int threads)
    {
        RowReader reader = RowReader.Create(array, ElementType.Float64, IoMode.Pread, PageCachePolicy.Default);
        foreach (ShardFile shard in array.Shards)
        {
            if (shard.IsFlat)
            {
                LibC.AdviseFile(shard.FlatHandle, 0, 0, FadvSequential);
            }
        }

        long largest = 0, band = 1;
        foreach (ShardFile shard in array.Shards)
        {
            if (shard.Chunks is { } c)
            {
                largest = Math.Max(largest, c.ChunkBytes);
                long across = 1;
                for (int axis = 1; axis < c.GridShape.Length; axis++)
                {
                    across *= c.GridShape[axis];
                }

                band = Math.Max(band, across);
            }
        }

        if (largest == 0)
        {
            return reader;
        }

        // A buffer boundary may cut a band of chunks: each thread keeps that band while it reads the next (within
        // 256 MiB of decoded chunks; beyond, a cut chunk is decoded twice).
        long most = Math.Max(threads + 1, (256L << 20) / largest);
        int slots = (int)Math.Clamp((band + 1) * threads, threads + 1, Math.Min(most, 1 << 16));
        return new ChunkedRowReader(array, ElementType.Float64, PageCachePolicy.Default, reader, new ChunkCache(largest, slots));
    }

    private static long FirstChunkRows(ArraySource array)
    {
        foreach (ShardFile shard in array.Shards)
        {
            if (shard.Chunks is { } c)
            {
                return c.ChunkShape[0];
            }
        }

        return 0;
    }
}
