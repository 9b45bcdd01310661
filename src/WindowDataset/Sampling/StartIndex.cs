using WindowDataset.Sources;

namespace WindowDataset.Sampling;

/// <summary>
/// The valid window starts of a source, numbered 0..Count-1 across shards: shard i contributes the local starts
/// [first_i, first_i + count_i), so a window (and its target) never crosses a file boundary.
/// </summary>
internal sealed class StartIndex
{
    private readonly long[] _prefix;   // _prefix[i] = starts before shard i; _prefix[^1] = Count.
    private readonly long[] _firstLocal;
    private readonly RankSelectBitmap? _valid; // missing: skipWindows: the starts left, by global row.

    private StartIndex(long[] prefix, long[] firstLocal, long[] rowBase, RankSelectBitmap? valid = null)
    {
        _prefix = prefix;
        _firstLocal = firstLocal;
        RowBase = rowBase;
        _valid = valid;
    }

    public long Count => _valid?.Ones ?? _prefix[^1];

    /// <summary>Local starts of shard <paramref name="shard"/> before any skip: [FirstLocal, FirstLocal + CountIn).</summary>
    public long FirstLocal(int shard) => _firstLocal[shard];

    /// <inheritdoc cref="FirstLocal"/>
    public long CountIn(int shard) => _prefix[shard + 1] - _prefix[shard];

    /// <summary>The same shards with only the starts whose bit is set in <paramref name="valid"/> (global rows; a subset of this index's starts).</summary>
    public StartIndex Keep(RankSelectBitmap valid) => new(_prefix, _firstLocal, RowBase, valid);

    public long[] RowBase { get; }

    /// <summary>Builds the index for windows that need <paramref name="span"/> rows from each start, with an optional global-row limit for label lookups.</summary>
    /// <param name="source">The input array.</param>
    /// <param name="span">Rows read from the start: W, or W + H for next-row targets.</param>
    /// <param name="labelRows">When set: the label of start s is global row s + labelShift, which must lie in [0, labelRows).</param>
    /// <param name="labelShift">W - 1 + offset.</param>
    /// <param name="rowStart">First global row a window or label may use (rows / split).</param>
    /// <param name="rowEnd">End (exclusive) of the global rows a window or label may use.</param>
    public static StartIndex Build(ArraySource source, long span, long? labelRows, long labelShift, long rowStart = 0, long rowEnd = long.MaxValue)
    {
        int n = source.Shards.Length;
        long[] prefix = new long[n + 1];
        long[] first = new long[n];
        long[] rowBase = new long[n];
        for (int i = 0; i < n; i++)
        {
            ShardFile shard = source.Shards[i];
            rowBase[i] = shard.RowBase;
            long lo = 0;
            long hi = shard.Rows - span + 1; // exclusive
            if (labelRows is { } rows)
            {
                lo = Math.Max(lo, -(shard.RowBase + labelShift));
                hi = Math.Min(hi, rows - (shard.RowBase + labelShift));
            }

            if (rowStart > 0 || rowEnd < long.MaxValue)
            {
                (lo, hi) = RowRestriction.Clip(lo, hi, shard.RowBase, span, labelRows is null ? null : labelShift, rowStart, rowEnd);
            }

            first[i] = lo;
            prefix[i + 1] = prefix[i] + Math.Max(0, hi - lo);
        }

        return new StartIndex(prefix, first, rowBase);
    }

    /// <summary>
    /// The index of sources laid end to end (a mixture's combined shard list): part i's shards follow part i-1's,
    /// its rows shifted by <paramref name="rowOffsets"/>[i] and its starts numbered after the earlier parts'.
    /// </summary>
    public static StartIndex Concat(IReadOnlyList<StartIndex> parts, IReadOnlyList<long> rowOffsets)
    {
        int shards = 0;
        foreach (StartIndex part in parts)
        {
            shards += part._firstLocal.Length;
        }

        long[] prefix = new long[shards + 1];
        long[] first = new long[shards];
        long[] rowBase = new long[shards];
        int at = 0;
        for (int p = 0; p < parts.Count; p++)
        {
            StartIndex part = parts[p];
            long before = prefix[at];
            for (int i = 0; i < part._firstLocal.Length; i++, at++)
            {
                first[at] = part._firstLocal[i];
                rowBase[at] = part.RowBase[i] + rowOffsets[p];
                prefix[at + 1] = before + part._prefix[i + 1];
            }
        }

        return new StartIndex(prefix, first, rowBase, ConcatKept(parts, rowOffsets, prefix, first, rowBase));
    }

    /// <summary>With <c>missing: skipWindows</c> in any part: one bitmap of the starts left, on the combined rows (a part without one keeps all its starts).</summary>
    private static RankSelectBitmap? ConcatKept(IReadOnlyList<StartIndex> parts, IReadOnlyList<long> rowOffsets, long[] prefix, long[] first, long[] rowBase)
    {
        long length = 0;
        bool any = false;
        for (int s = 0; s < first.Length; s++)
        {
            length = Math.Max(length, rowBase[s] + first[s] + (prefix[s + 1] - prefix[s]));
        }

        for (int p = 0; p < parts.Count; p++)
        {
            if (parts[p]._valid is { } valid)
            {
                any = true;
                length = Math.Max(length, rowOffsets[p] + valid.Length);
            }
        }

        if (!any)
        {
            return null;
        }

        var bits = new RowBitmap(length);
        for (int p = 0; p < parts.Count; p++)
        {
            StartIndex part = parts[p];
            if (part._valid is { } valid)
            {
                bits.CopyFrom(valid.Bits, rowOffsets[p]);
                continue;
            }

            for (int i = 0; i < part._firstLocal.Length; i++)
            {
                long row = part.RowBase[i] + rowOffsets[p] + part._firstLocal[i];
                for (long k = 0, n = part._prefix[i + 1] - part._prefix[i]; k < n; k++)
                {
                    bits.Set(row + k);
                }
            }
        }

        return new RankSelectBitmap(bits);
    }

    /// <summary>Maps start number <paramref name="flat"/> to its shard and local start row.</summary>
    public (int Shard, long LocalRow) Locate(long flat)
    {
        if (_valid is not null)
        {
            return ShardOf(_valid.Select(flat));
        }

        int lo = 0, hi = _firstLocal.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >> 1;
            if (_prefix[mid] <= flat)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        // Skip shards that contribute no starts.
        while (_prefix[lo + 1] <= flat)
        {
            lo++;
        }

        return (lo, _firstLocal[lo] + (flat - _prefix[lo]));
    }

    /// <summary>Maps a global start row to (shard, local row) when a window may start there; null otherwise.</summary>
    public (int Shard, long Local)? LocateRow(long globalRow)
    {
        if (globalRow < 0)
        {
            return null;
        }

        int lo = 0, hi = RowBase.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >> 1;
            if (RowBase[mid] <= globalRow)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        long count = _prefix[lo + 1] - _prefix[lo];
        long local = globalRow - RowBase[lo];
        return local >= _firstLocal[lo] && local < _firstLocal[lo] + count && (_valid is null || _valid.Get(globalRow)) ? (lo, local) : null;
    }

    private (int Shard, long Local) ShardOf(long globalRow)
    {
        int shard = Array.BinarySearch(RowBase, globalRow);
        if (shard < 0)
        {
            shard = ~shard - 1;
        }

        // Empty shards share a row base with the next one: the start lies in the last shard with that base.
        while (shard + 1 < RowBase.Length && RowBase[shard + 1] <= globalRow)
        {
            shard++;
        }

        return (shard, globalRow - RowBase[shard]);
    }
}
