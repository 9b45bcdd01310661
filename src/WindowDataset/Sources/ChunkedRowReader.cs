using System.Diagnostics;

namespace WindowDataset.Sources;

/// <summary>
/// Reads rows of chunked shards through a shared <see cref="ChunkCache"/>: each chunk a run of rows touches is
/// decoded once (or found in the cache) and the part inside the run copied, converted, into the batch buffer. Flat
/// shards of the same source go to <see cref="Flat"/>. Thread-safe.
/// </summary>
internal sealed class ChunkedRowReader : RowReader
{
    private readonly ChunkCache _cache;

    public ChunkedRowReader(ArraySource source, ElementType outputType, PageCachePolicy pageCache, RowReader flat, ChunkCache cache)
        : base(source, outputType, pageCache, flat.Transform)
    {
        Flat = flat;
        _cache = cache;
    }

    /// <summary>The reader of the source's flat shards.</summary>
    public RowReader Flat { get; }

    public ChunkCache Cache => _cache;

    /// <summary>Big-endian chunks are swapped in scratch before conversion; flat shards need their reader's scratch.</summary>
    public override long ScratchBytes(long rows) => Math.Max(Flat.ScratchBytes(rows), Source.BigEndian ? rows * Source.RowBytes : 0);

    public override void Read(int shard, long row, int rows, Span<byte> destination, Span<byte> scratch)
    {
        ShardFile file = Source.Shards[shard];
        if (file.Chunks is not { } array)
        {
            Flat.Read(shard, row, rows, destination, scratch);
            return;
        }

        Debug.Assert(row >= 0 && rows > 0 && row + rows <= file.Rows);
        int rank = array.Shape.Length;
        Span<long> coords = stackalloc long[rank];
        long chunkRows = array.ChunkShape[0];
        long end = row + rows;
        for (long g0 = row / chunkRows; g0 * chunkRows < end; g0++)
        {
            long first = Math.Max(row, g0 * chunkRows);
            long last = Math.Min(end, (g0 + 1) * chunkRows);
            coords.Clear();
            coords[0] = g0;
            while (true)
            {
                using (ChunkCache.Lease lease = _cache.Acquire(shard, array, Linear(coords, array.GridShape), coords))
                {
                    CopyFromChunk(array, lease.Bytes, coords, first, last, row, destination, scratch);
                }

                if (!Next(coords, array.GridShape))
                {
                    break;
                }
            }
        }
    }

    public override void ReadUncached(int shard, long row, int rows, Span<byte> destination, Span<byte> scratch)
    {
        if (Source.Shards[shard].Chunks is null)
        {
            Flat.ReadUncached(shard, row, rows, destination, scratch);
        }
        else
        {
            Read(shard, row, rows, destination, scratch);
        }
    }

    /// <summary>
    /// Flat shards: the flat reader's hint. Chunked shards read by URL: every chunk the rows touch that is neither
    /// cached nor being decoded starts fetching (<see cref="ChunkedArray.WillNeedChunk"/>), so that the worker that
    /// reads it later finds it on its way or arrived; local chunked shards: nothing, as before.
    /// </summary>
    public override void WillNeed(int shard, long row, int rows)
    {
        ShardFile file = Source.Shards[shard];
        if (file.Chunks is not { } array)
        {
            Flat.WillNeed(shard, row, rows);
            return;
        }

        if (array.ReadsAhead && rows > 0 && row >= 0 && row < file.Rows)
        {
            HintChunks(shard, array, row, Math.Min(file.Rows, row + rows));
        }
    }

    /// <summary>Hints every chunk rows [row, end) touch (kept apart from <see cref="WillNeed"/>: its closure allocates only here).</summary>
    private void HintChunks(int shard, ChunkedArray array, long row, long end)
    {
        int rank = array.Shape.Length;
        Span<long> coords = stackalloc long[rank];
        long chunkRows = array.ChunkShape[0];
        for (long g0 = row / chunkRows; g0 * chunkRows < end; g0++)
        {
            coords.Clear();
            coords[0] = g0;
            while (true)
            {
                long linear = Linear(coords, array.GridShape);
                if (!_cache.Contains(shard, linear))
                {
                    // Asked again once the object is reserved: a worker may have started reading the chunk meanwhile.
                    array.WillNeedChunk(coords, () => !_cache.Contains(shard, linear));
                }

                if (!Next(coords, array.GridShape))
                {
                    break;
                }
            }
        }
    }

    public override void Dispose()
    {
        Flat.Dispose();
        _cache.Dispose();
    }

    private static long Linear(ReadOnlySpan<long> coords, long[] grid)
    {
        long linear = 0;
        for (int i = 0; i < coords.Length; i++)
        {
            linear = (linear * grid[i]) + coords[i];
        }

        return linear;
    }

    /// <summary>Advances the chunk coordinates of axes 1.. (axis 0 stays): false after the last.</summary>
    private static bool Next(Span<long> coords, long[] grid)
    {
        for (int axis = coords.Length - 1; axis >= 1; axis--)
        {
            if (++coords[axis] < grid[axis])
            {
                return true;
            }

            coords[axis] = 0;
        }

        return false;
    }

    /// <summary>Copies rows [first, last) of the chunk at <paramref name="coords"/> into the run that starts at row <paramref name="runStart"/>.</summary>
    private void CopyFromChunk(ChunkedArray array, ReadOnlySpan<byte> chunk, ReadOnlySpan<long> coords, long first, long last, long runStart, Span<byte> destination, Span<byte> scratch)
    {
        int item = ElementTypeInfo.SizeOf(array.ElementType);
        int outItem = ElementTypeInfo.SizeOf(OutputType);
        int rank = array.Shape.Length;
        long rowInChunk = first - (coords[0] * array.ChunkShape[0]);
        if (SpansWholeRows(array))
        {
            // The chunk spans whole rows (the common case, and every 1-D array): one run.
            int bytes = checked((int)((last - first) * Source.RowBytes));
            ReadOnlySpan<byte> from = chunk.Slice(checked((int)(rowInChunk * Source.RowBytes)), bytes);
            Span<byte> to = destination.Slice(checked((int)((first - runStart) * OutputRowBytes)), checked((int)((last - first) * OutputRowBytes)));
            Copy(from, scratch, to, 0);
            return;
        }

        // Chunked along the row's axes too: copy each line along the last axis that lies inside the array.
        Span<long> line = stackalloc long[rank]; // position inside the chunk, axes 1..rank-2 (last axis is the line)
        int lastAxis = rank - 1;
        long lastOrigin = coords[lastAxis] * array.ChunkShape[lastAxis];
        int lineElements = (int)Math.Min(array.ChunkShape[lastAxis], array.Shape[lastAxis] - lastOrigin);
        for (long r = first; r < last; r++)
        {
            line.Clear();
            while (true)
            {
                long chunkOffset = r - (coords[0] * array.ChunkShape[0]);
                long rowOffset = 0;
                bool inside = true;
                for (int axis = 1; axis < lastAxis; axis++)
                {
                    long global = (coords[axis] * array.ChunkShape[axis]) + line[axis];
                    inside &= global < array.Shape[axis];
                    chunkOffset = (chunkOffset * array.ChunkShape[axis]) + line[axis];
                    rowOffset = (rowOffset * array.Shape[axis]) + global;
                }

                if (inside)
                {
                    chunkOffset *= array.ChunkShape[lastAxis];
                    rowOffset = (rowOffset * array.Shape[lastAxis]) + lastOrigin;
                    ReadOnlySpan<byte> from = chunk.Slice(checked((int)(chunkOffset * item)), lineElements * item);
                    Span<byte> to = destination.Slice(checked((int)(((r - runStart) * OutputRowBytes) + (rowOffset * outItem))), lineElements * outItem);
                    Copy(from, scratch, to, rowOffset);
                }

                int a = lastAxis - 1;
                while (a >= 1 && ++line[a] >= array.ChunkShape[a])
                {
                    line[a] = 0;
                    a--;
                }

                if (a < 1)
                {
                    break;
                }
            }
        }
    }

    private static bool SpansWholeRows(ChunkedArray array)
    {
        for (int axis = 1; axis < array.Shape.Length; axis++)
        {
            if (array.ChunkShape[axis] != array.Shape[axis])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Copies (or converts) elements whose first is element <paramref name="firstElement"/> of its row.</summary>
    private void Copy(ReadOnlySpan<byte> from, Span<byte> scratch, Span<byte> to, long firstElement)
    {
        if (Direct)
        {
            from.CopyTo(to);
        }
        else
        {
            ConvertInto(from, scratch, to, firstElement);
        }
    }
}
