using System.Diagnostics;
using WindowDataset.Memory;
using WindowDataset.Sources;

namespace WindowDataset.Pipeline;

/// <summary>
/// Reads a batch's input windows (and <c>next</c> targets) in file order, merging windows that overlap or abut in
/// a shard into one read of their run, so each row is read once per batch. A run is read (and converted, once)
/// into the worker's run buffer and its windows copied to their places; a window that touches no other is read
/// straight into the batch buffer as before, and so is a run of abutting windows already in delivery order.
/// With <see cref="Strided"/>, a batch of evenly spaced overlapping windows of one shard is read as one run into the
/// batch buffer itself and delivered as a strided view (<see cref="BatchSlot.WindowStrideBytes"/>).
/// </summary>
internal sealed class ReadPlanner
{
    /// <summary>Run buffer per worker, at most (a batch's own span when smaller): longer runs are split.</summary>
    public const long RunBufferTargetBytes = 4L << 20;

    private const int ShardShift = 40;
    private const long RowMask = (1L << ShardShift) - 1;

    private readonly RowReader _input;
    private readonly int _window;
    private readonly int _horizon;
    private readonly int _span;
    private readonly bool _next;
    private readonly long _rowBytes;
    private readonly long _fileRowBytes;
    private readonly long _windowBytes;
    private readonly long _targetBytes;
    private readonly int _runRows;
    private readonly long _stridedRows;
    private readonly ReadCounters _counters;

    /// <param name="input">The input reader.</param>
    /// <param name="layout">The batch layout.</param>
    /// <param name="target">The target (a <c>next</c> target's rows come from the same runs).</param>
    /// <param name="coalesce">Merge overlapping and abutting windows.</param>
    /// <param name="runRowsLimit">Rows the run buffer may hold at most (what the memory budget leaves).</param>
    /// <param name="stridedRows">Rows the slot's input buffer holds for a strided view; 0: no strided views.</param>
    /// <param name="counters">Where the bytes read are counted.</param>
    public ReadPlanner(RowReader input, BatchLayout layout, TargetOptions target, bool coalesce, long runRowsLimit, long stridedRows, ReadCounters counters)
    {
        _input = input;
        _window = layout.Window;
        _next = target.Kind == TargetKind.Next;
        _horizon = _next ? target.Horizon : 0;
        _span = _window + _horizon;
        _rowBytes = input.OutputRowBytes;
        _fileRowBytes = input.Source.RowBytes;
        _windowBytes = layout.WindowBytes;
        _targetBytes = _next ? layout.TargetItemBytes : 0;
        _counters = counters;
        _stridedRows = stridedRows;
        long batchSpan = (long)layout.BatchSize * _span;
        long rows = Math.Min(runRowsLimit, Math.Min(batchSpan, Math.Max(2L * _span, RunBufferTargetBytes / Math.Max(1, _rowBytes))));
        _runRows = coalesce && layout.BatchSize > 1 && rows >= 2L * _span ? (int)rows : 0;
    }

    public bool Coalesce => _runRows > 0;

    public bool Strided => _stridedRows > 0;

    /// <summary>Conversion scratch a run read needs.</summary>
    public long ConversionBytes => Math.Max(_input.ScratchBytes(_runRows), Strided ? _input.ScratchBytes(_stridedRows) : 0);

    /// <summary>The run buffer, in the output type.</summary>
    public long RunBytes => _runRows * _rowBytes;

    /// <summary>
    /// Reads the slot's input windows and <c>next</c> targets; false when it leaves them to the per-window path
    /// (coalescing off and no strided view). <paramref name="run"/> holds <see cref="RunBytes"/>.
    /// </summary>
    public unsafe bool Gather(BatchSlot slot, Span<byte> input, Span<byte> target, Span<byte> conversion, Span<byte> run, bool uncached, CancellationToken cancellationToken)
    {
        slot.WindowStrideBytes = 0;
        if (Strided && TryStrided(slot, target, conversion, uncached))
        {
            return true;
        }

        if (!Coalesce)
        {
            return false;
        }

        int count = slot.Count;
        long[] keys = slot.ReadKeys;
        int[] order = slot.ReadOrder;
        bool sorted = true;
        for (int i = 0; i < count; i++)
        {
            Debug.Assert(slot.LocalRows[i] <= RowMask);
            keys[i] = ((long)slot.Shards[i] << ShardShift) | slot.LocalRows[i];
            order[i] = i;
            sorted &= i == 0 || keys[i] >= keys[i - 1];
        }

        if (!sorted)
        {
            Array.Sort(keys, order, 0, count);
        }

        if (!AnyMerge(keys, count))
        {
            // Nothing to merge: the per-window path, in delivery order (measured: reading a random batch in file
            // order instead ran slower from the page cache).
            return false;
        }

        int a = 0;
        while (a < count)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int shard = (int)(keys[a] >> ShardShift);
            long runStart = keys[a] & RowMask;
            long runEnd = runStart + _span;
            int b = a + 1;
            while (b < count && (int)(keys[b] >> ShardShift) == shard)
            {
                long row = keys[b] & RowMask;
                long end = Math.Max(runEnd, row + _span);
                if (row > runEnd || end - runStart > _runRows)
                {
                    break;
                }

                runEnd = end;
                b++;
            }

            try
            {
                ReadGroup(slot, a, b, shard, runStart, (int)(runEnd - runStart), input, target, conversion, run, uncached);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw Failure(slot, a, b, input, conversion, ex);
            }

            a = b;
        }

        return true;
    }

    private void ReadGroup(BatchSlot slot, int a, int b, int shard, long runStart, int runRows, Span<byte> input, Span<byte> target, Span<byte> conversion, Span<byte> run, bool uncached)
    {
        long[] keys = slot.ReadKeys;
        int[] order = slot.ReadOrder;
        int wb = (int)_windowBytes;
        int tb = (int)_targetBytes;
        int windows = b - a;
        if (windows == 1)
        {
            // A window alone: straight into its place, as without coalescing.
            int at = order[a];
            Read(shard, runStart, _window, input.Slice(at * wb, wb), conversion, uncached);
            if (_next)
            {
                Read(shard, runStart + _window, _horizon, target.Slice(at * tb, tb), conversion, uncached);
            }

            _counters.Add(_span * _fileRowBytes);
            return;
        }

        _counters.Add(runRows * _fileRowBytes);
        if (!_next && runRows == windows * _window && InDeliveryOrder(order, a, b))
        {
            // Abutting windows in delivery order: the run is their place in the batch buffer.
            Read(shard, runStart, runRows, input.Slice(order[a] * wb, windows * wb), conversion, uncached);
            return;
        }

        int rb = (int)_rowBytes;
        Span<byte> buffer = run[..(runRows * rb)];
        Read(shard, runStart, runRows, buffer, conversion, uncached);
        for (int k = a; k < b; k++)
        {
            int offset = (int)((keys[k] & RowMask) - runStart) * rb;
            int at = order[k];
            buffer.Slice(offset, wb).CopyTo(input.Slice(at * wb, wb));
            if (_next)
            {
                buffer.Slice(offset + wb, tb).CopyTo(target.Slice(at * tb, tb));
            }
        }
    }

    /// <summary>
    /// A run failed: its windows are read again one at a time, so the error names the first failing window in
    /// delivery order (and its offset), as reading window by window does.
    /// </summary>
    private IOException Failure(BatchSlot slot, int a, int b, Span<byte> input, Span<byte> conversion, Exception ex)
    {
        int wb = (int)_windowBytes;
        int failed = -1;
        Exception? first = null;
        for (int k = a; k < b; k++)
        {
            int at = slot.ReadOrder[k];
            if (failed >= 0 && at > failed)
            {
                continue;
            }

            try
            {
                _input.Read(slot.Shards[at], slot.LocalRows[at], _window, input.Slice(at * wb, wb), conversion);
                if (_next)
                {
                    Span<byte> target = new byte[_targetBytes]; // the error path only
                    _input.Read(slot.Shards[at], slot.LocalRows[at] + _window, _horizon, target, conversion);
                }
            }
            catch (Exception window) when (window is not OperationCanceledException)
            {
                (failed, first) = (at, window);
            }
        }

        return failed >= 0 ? WindowFailure(slot, failed, first!) : WindowFailure(slot, slot.ReadOrder[a], ex);
    }

    private IOException WindowFailure(BatchSlot slot, int position, Exception ex) =>
        new($"{_input.Source.Shards[slot.Shards[position]].Path}: reading the window at start row {slot.Starts[position]} (epoch {slot.Epoch}, batch {slot.Index}) failed: {ex.Message}", ex);

    /// <summary>True when two sorted windows of one shard overlap or touch.</summary>
    private bool AnyMerge(long[] keys, int count)
    {
        for (int k = 1; k < count; k++)
        {
            if ((keys[k] >> ShardShift) == (keys[k - 1] >> ShardShift) && (keys[k] & RowMask) <= (keys[k - 1] & RowMask) + _span)
            {
                return true;
            }
        }

        return false;
    }

    private static bool InDeliveryOrder(int[] order, int a, int b)
    {
        for (int k = a + 1; k < b; k++)
        {
            if (order[k] != order[k - 1] + 1)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>One shard, starts evenly spaced by less than a window: read the run into the batch buffer and deliver it strided.</summary>
    private unsafe bool TryStrided(BatchSlot slot, Span<byte> target, Span<byte> conversion, bool uncached)
    {
        int count = slot.Count;
        if (count < 2)
        {
            return false;
        }

        int shard = slot.Shards[0];
        long first = slot.LocalRows[0];
        long step = slot.LocalRows[1] - first;
        if (step < 1 || step >= _window)
        {
            return false;
        }

        for (int i = 1; i < count; i++)
        {
            if (slot.Shards[i] != shard || slot.LocalRows[i] != first + (i * step))
            {
                return false;
            }
        }

        long runRows = ((count - 1) * step) + _span;
        if (runRows > _stridedRows)
        {
            return false;
        }

        var buffer = new Span<byte>((void*)slot.Input.Pointer, checked((int)(runRows * _rowBytes)));
        try
        {
            Read(shard, first, (int)runRows, buffer, conversion, uncached);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The windows in delivery order, each into its own place (a scratch of the run buffer's size may not exist).
            for (int i = 0; i < count; i++)
            {
                try
                {
                    Read(shard, first + (i * step), _window, buffer.Slice(checked((int)(i * step * _rowBytes)), (int)_windowBytes), conversion, uncached: false);
                }
                catch (Exception window) when (window is not OperationCanceledException)
                {
                    throw WindowFailure(slot, i, window);
                }
            }

            throw WindowFailure(slot, 0, ex);
        }

        _counters.Add(runRows * _fileRowBytes);
        if (_next)
        {
            int tb = (int)_targetBytes;
            for (int i = 0; i < count; i++)
            {
                buffer.Slice(checked((int)(((i * step) + _window) * _rowBytes)), tb).CopyTo(target.Slice(i * tb, tb));
            }
        }

        slot.WindowStrideBytes = step * _rowBytes;
        return true;
    }

    private void Read(int shard, long row, int rows, Span<byte> destination, Span<byte> conversion, bool uncached)
    {
        if (uncached)
        {
            _input.ReadUncached(shard, row, rows, destination, conversion);
        }
        else
        {
            _input.Read(shard, row, rows, destination, conversion);
        }
    }
}
