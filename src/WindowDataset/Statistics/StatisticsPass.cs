using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using WindowDataset.Interop;
using WindowDataset.Sources;

namespace WindowDataset.Statistics;

/// <summary>
/// The one streaming pass behind <see cref="ArrayStatistics.Compute"/>: the row range is read in order in buffers
/// of <see cref="ArrayStatistics.BufferBytes"/> of float64, the threads taking turns (buffer k to thread k mod T), so
/// the file is read as one sequential stream; each thread accumulates its buffers and the parts merge with Chan's formula.
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
            parts[0] = Accumulate(array, reader, shift, rowStart, rowEnd, (int)bufferRows, 0, 1, cancellationToken);
        }
        else
        {
            var failures = new Exception?[threads];
            var workers = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                int part = t;
                workers[t] = new Thread(() =>
                {
                    try
                    {
                        parts[part] = Accumulate(array, reader, shift, rowStart, rowEnd, (int)bufferRows, part, threads, cancellationToken);
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

    /// <summary>Thread <paramref name="part"/> of <paramref name="threads"/> takes every threads-th buffer, so together they read the file in order (one stream for the disk's read-ahead).</summary>
    private static StatisticsAccumulator Accumulate(ArraySource array, RowReader reader, double[] shift, long rowStart, long rowEnd, int bufferRows, int part, int threads, CancellationToken cancellationToken)
    {
        int rowElements = (int)array.RowElements;
        var accumulator = new StatisticsAccumulator(rowElements, shift);
        double[] buffer = GC.AllocateUninitializedArray<double>(checked(bufferRows * rowElements));
        byte[] scratch = GC.AllocateUninitializedArray<byte>(checked((int)reader.ScratchBytes(bufferRows)));
        Span<byte> bytes = MemoryMarshal.AsBytes(buffer.AsSpan());
        byte[]? raw = null;
        long buffers = 0;
        for (int s = 0; s < array.Shards.Length; s++)
        {
            ShardFile shard = array.Shards[s];
            long first = Math.Max(rowStart, shard.RowBase), end = Math.Min(rowEnd, shard.RowBase + shard.Rows);
            for (long row = first; row < end; buffers++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int n = (int)Math.Min(bufferRows, end - row);
                if (buffers % threads != part)
                {
                    row += n;
                    continue;
                }

                if (shard.IsFlat)
                {
                    // This thread's next buffer: in flight while this one is read and summed (a queue for the disk).
                    long ahead = row + ((long)threads * bufferRows);
                    if (ahead < end)
                    {
                        LibC.AdviseFile(shard.FlatHandle, shard.DataOffset + ((ahead - shard.RowBase) * array.RowBytes), Math.Min(bufferRows, end - ahead) * array.RowBytes, LibC.FadvWillNeed);
                    }

                    ReadFlat(array, shard, row - shard.RowBase, n, bytes, ref raw);
                }
                else
                {
                    reader.Read(s, row - shard.RowBase, n, bytes[..(n * rowElements * sizeof(double))], scratch);
                }

                accumulator.Add(buffer.AsSpan(0, n * rowElements));
                row += n;
            }
        }

        Debug.Assert(threads > 1 || accumulator.Rows == rowEnd - rowStart);
        return accumulator;
    }

    /// <summary>
    /// Flat local shards: one positional read per buffer (the loader's reader reads converted data in 64 KiB
    /// pieces, which suits windows, not a sequential pass), then one conversion to float64.
    /// </summary>
    private static void ReadFlat(ArraySource array, ShardFile shard, long row, int rows, Span<byte> destination, ref byte[]? raw)
    {
        int fileBytes = checked((int)(rows * array.RowBytes));
        bool direct = array.ElementType == ElementType.Float64 && !array.BigEndian;
        Span<byte> target = direct ? destination[..fileBytes] : (raw ??= GC.AllocateUninitializedArray<byte>(checked((int)(destination.Length / sizeof(double) * array.RowBytes / array.RowElements)))).AsSpan(0, fileBytes);
        long offset = shard.DataOffset + (row * array.RowBytes);
        for (int total = 0; total < fileBytes;)
        {
            int n = RandomAccess.Read(shard.FlatHandle, target[total..], offset + total);
            if (n == 0)
            {
                throw new IOException(string.Create(CultureInfo.InvariantCulture,
                    $"{shard.Path}: expected {fileBytes} bytes at offset {offset} (rows {row}..{row + rows - 1}); found end of file after {total} bytes (truncated while in use?)."));
            }

            total += n;
        }

        if (direct)
        {
            return;
        }

        if (array.BigEndian)
        {
            Conversion.ElementConverter.SwapInPlace(target, ElementTypeInfo.SizeOf(array.ElementType));
        }

        Conversion.ElementConverter.Convert(target, array.ElementType, destination[..(rows * (int)array.RowElements * sizeof(double))], ElementType.Float64);
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
