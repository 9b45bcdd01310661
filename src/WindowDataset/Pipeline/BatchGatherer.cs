using WindowDataset.Memory;
using WindowDataset.Sampling;
using WindowDataset.Sources;

namespace WindowDataset.Pipeline;

/// <summary>Fills a slot: computes its starts with the sampler and reads every window (and target) into its buffers.</summary>
internal sealed class BatchGatherer
{
    private readonly WindowSampler _sampler;
    private readonly RowReader _input;
    private readonly RowReader? _labels;
    private readonly BatchLayout _layout;
    private readonly TargetOptions _target;
    private readonly TargetKind _targetKind;
    private readonly int _horizon;
    private readonly long _labelShift;
    private readonly int _dilation;
    private readonly long _windowSpan; // (W - 1) * dilation + 1
    private readonly long _targetStart; // first next-target row after the start: window span + lead time

    private readonly InputSet? _inputs;
    private readonly ReadPlanner? _planner;
    private readonly ReadCounters _counters;

    public BatchGatherer(WindowSampler sampler, RowReader input, RowReader? labels, BatchLayout layout, TargetOptions target, int dilation = 1, InputSet? inputs = null, ReadPlanner? planner = null, ReadCounters? counters = null)
    {
        _inputs = inputs;
        _planner = planner;
        _counters = counters ?? new ReadCounters();
        _sampler = sampler;
        _input = input;
        _labels = labels;
        _layout = layout;
        _target = target;
        _targetKind = target.Kind;
        _horizon = target.Horizon;
        _dilation = Math.Max(1, dilation);
        _windowSpan = ((layout.Window - 1L) * _dilation) + 1;
        _targetStart = _windowSpan + target.LeadTime;
        _labelShift = _windowSpan - 1 + target.Offset + target.LeadTime;
    }

    /// <summary>The same readers and layout with another sampler (a read of explicit starts).</summary>
    public BatchGatherer WithSampler(WindowSampler sampler) => new(sampler, _input, _labels, _layout, _target, _dilation, _inputs, _planner, _counters);

    /// <summary>Bytes read from the sources, shared with the gatherers made by <see cref="WithSampler"/>.</summary>
    public ReadCounters Counters => _counters;

    public WindowSampler Sampler => _sampler;

    /// <summary>Scratch bytes one worker needs for conversions (and the read planner's run buffer).</summary>
    public long ScratchBytes => _planner is null ? ConversionBytes : ConversionBytes + _planner.RunBytes;

    /// <summary>Scratch bytes one worker needs without the read planner's runs (what the smallest budget counts).</summary>
    public long BaseScratchBytes
    {
        get
        {
            long bytes = _inputs?.ScratchBytes ?? Math.Max(_input.ScratchBytes(_layout.Window), _input.DilatedScratchBytes(_layout.Window, _dilation));
            if (_targetKind == TargetKind.Next && _inputs is null)
            {
                bytes = Math.Max(bytes, _input.ScratchBytes(_horizon));
            }
            else if (_labels is not null)
            {
                bytes = Math.Max(bytes, _labels.ScratchBytes(1));
            }

            // A strided view converts its whole run at once: not optional like the coalescing run buffers.
            return _planner is { Strided: true } ? Math.Max(bytes, _planner.ConversionBytes) : bytes;
        }
    }

    /// <summary>The part of a worker's scratch used for conversions; the run buffer follows it, 64-byte aligned.</summary>
    private long ConversionBytes
    {
        get
        {
            long bytes = Math.Max(BaseScratchBytes, _planner?.ConversionBytes ?? 0);
            return _planner is not { RunBytes: > 0 } ? bytes : (bytes + 63) & ~63L;
        }
    }

    public void Prepare(BatchSlot slot, long epoch, long batch)
    {
        slot.Epoch = epoch;
        slot.Index = batch;
        slot.Count = _sampler.CountInBatch(batch);
        _sampler.Fill(epoch, batch, slot.Shards, slot.LocalRows, slot.Starts);
    }

    /// <summary>Announces the windows of a batch to the kernel (read-ahead), using caller-owned scratch arrays.</summary>
    public void Hint(long epoch, long batch, int[] shards, long[] localRows, long[] starts)
    {
        int count = _sampler.CountInBatch(batch);
        _sampler.Fill(epoch, batch, shards, localRows, starts);
        HintLabels(starts.AsSpan(0, count));
        if (_inputs is not null)
        {
            _inputs.Hint(starts.AsSpan(0, count));
            return;
        }

        for (int i = 0; i < count; i++)
        {
            _input.WillNeed(shards[i], localRows[i], (int)(_targetKind == TargetKind.Next ? _targetStart + _horizon : _windowSpan));
        }
    }

    /// <summary>Announces the windows of a prepared slot to the kernel, so all its reads are in flight at once.</summary>
    public void Hint(BatchSlot slot)
    {
        HintLabels(slot.Starts.AsSpan(0, slot.Count));
        if (_inputs is not null)
        {
            _inputs.Hint(slot);
            return;
        }

        for (int i = 0; i < slot.Count; i++)
        {
            _input.WillNeed(slot.Shards[i], slot.LocalRows[i], (int)(_targetKind == TargetKind.Next ? _targetStart + _horizon : _windowSpan));
        }
    }

    /// <summary>Announces the label row of each window (a file target): by URL, its block or chunk is then fetched with the windows, not on demand.</summary>
    private void HintLabels(ReadOnlySpan<long> starts)
    {
        if (_labels is null)
        {
            return;
        }

        foreach (long start in starts)
        {
            long labelRow = start + _labelShift;
            if (labelRow >= 0 && labelRow < _labels.Source.TotalRows)
            {
                (int shard, long local) = LocateLabel(labelRow);
                _labels.WillNeed(shard, local, 1);
            }
        }
    }

    public unsafe void Gather(BatchSlot slot, Span<byte> scratch, bool uncached, CancellationToken cancellationToken)
    {
        var input = new Span<byte>((void*)slot.Input.Pointer, checked((int)_layout.InputBatchBytes));
        Span<byte> target = slot.Target is null ? default : new Span<byte>((void*)slot.Target.Pointer, checked((int)_layout.TargetBatchBytes));
        int windowBytes = (int)_layout.WindowBytes;
        int targetBytes = (int)_layout.TargetItemBytes;
        if (_inputs is not null)
        {
            _inputs.Gather(slot, _layout, target, scratch, uncached, cancellationToken);
            for (int i = 0; _labels is not null && i < slot.Count; i++)
            {
                ReadLabel(slot.Starts[i], target.Slice(i * targetBytes, targetBytes), scratch);
            }

            _counters.Add((slot.Count * _inputs.FileBytesPerWindow(_targetKind == TargetKind.Next)) + (_labels is null ? 0 : slot.Count * _labels.Source.RowBytes));

            return;
        }

        if (_planner is not null)
        {
            int conversion = (int)ConversionBytes;
            Span<byte> run = scratch.Length == 0 ? default : scratch.Slice(conversion, (int)_planner.RunBytes);
            if (_planner.Gather(slot, input, target, scratch[..conversion], run, uncached, cancellationToken))
            {
                ReadLabels(slot, target, scratch, cancellationToken);
                return;
            }
        }

        for (int i = 0; i < slot.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int shard = slot.Shards[i];
            long row = slot.LocalRows[i];
            try
            {
                if (_dilation > 1)
                {
                    _input.ReadDilated(shard, row, _layout.Window, _dilation, input.Slice(i * windowBytes, windowBytes), scratch);
                }
                else if (uncached)
                {
                    _input.ReadUncached(shard, row, _layout.Window, input.Slice(i * windowBytes, windowBytes), scratch);
                }
                else
                {
                    _input.Read(shard, row, _layout.Window, input.Slice(i * windowBytes, windowBytes), scratch);
                }

                if (_targetKind == TargetKind.Next)
                {
                    _input.Read(shard, row + _targetStart, _horizon, target.Slice(i * targetBytes, targetBytes), scratch);
                }
                else if (_labels is not null)
                {
                    ReadLabel(slot.Starts[i], target.Slice(i * targetBytes, targetBytes), scratch);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new IOException(
                    $"{_input.Source.Shards[shard].Path}: reading the window at start row {slot.Starts[i]} (epoch {slot.Epoch}, batch {slot.Index}) failed: {ex.Message}", ex);
            }
        }

        _counters.Add((slot.Count * (_input.DilatedRowsRead(_layout.Window, _dilation) + (_targetKind == TargetKind.Next ? _horizon : 0)) * _input.Source.RowBytes) + (_labels is null ? 0 : slot.Count * _labels.Source.RowBytes));
    }

    /// <summary>File targets after a planned read: one label row per window.</summary>
    private void ReadLabels(BatchSlot slot, Span<byte> target, Span<byte> scratch, CancellationToken cancellationToken)
    {
        if (_labels is null)
        {
            return;
        }

        int targetBytes = (int)_layout.TargetItemBytes;
        for (int i = 0; i < slot.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                ReadLabel(slot.Starts[i], target.Slice(i * targetBytes, targetBytes), scratch);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new IOException(
                    $"{_labels.Source.Shards[0].Path}: reading the label of the window at start row {slot.Starts[i]} (epoch {slot.Epoch}, batch {slot.Index}) failed: {ex.Message}", ex);
            }
        }

        _counters.Add(slot.Count * _labels.Source.RowBytes);
    }

    /// <summary>Reads one window (and nothing else) synchronously, in the output type.</summary>
    public void ReadWindow(long globalStart, Span<byte> destination, Span<byte> scratch)
    {
        if (_inputs is not null)
        {
            _inputs.ReadWindow(globalStart, destination, scratch);
            return;
        }

        (int shard, long local) = LocateRow(_input.Source, globalStart, _windowSpan);
        _input.ReadDilated(shard, local, _layout.Window, _dilation, destination, scratch);
    }

    /// <summary>Reads the target of the window starting at <paramref name="globalStart"/>.</summary>
    public void ReadTarget(long globalStart, Span<byte> destination, Span<byte> scratch)
    {
        if (_inputs is not null && _targetKind == TargetKind.Next)
        {
            _inputs.ReadTarget(globalStart, destination, scratch);
        }
        else if (_inputs is not null && _labels is not null)
        {
            _inputs.CheckStart(globalStart, _layout.Window);
            long row = globalStart + _labelShift;
            if (row < 0 || row >= _labels.Source.TotalRows)
            {
                throw new ArgumentOutOfRangeException(nameof(globalStart), $"start row {globalStart}: expected a window whose label row (start + window - 1 + target.offset) is in 0..{_labels.Source.TotalRows - 1}; found {row}.");
            }

            ReadLabel(globalStart, destination, scratch);
        }
        else if (_targetKind == TargetKind.Next)
        {
            (int shard, long local) = LocateRow(_input.Source, globalStart, _targetStart + _horizon);
            _input.Read(shard, local + _targetStart, _horizon, destination, scratch);
        }
        else if (_labels is not null)
        {
            // Random access reaches here with any row: check what the sampler guarantees for its own starts.
            LocateRow(_input.Source, globalStart, _windowSpan);
            long labelRow = globalStart + _labelShift;
            if (labelRow < 0 || labelRow >= _labels.Source.TotalRows)
            {
                throw new ArgumentOutOfRangeException(nameof(globalStart),
                    $"start row {globalStart}: expected a window whose label row (start + (window - 1) * dilation + target.offset + target.leadTime) is in 0..{_labels.Source.TotalRows - 1}; found {labelRow}.");
            }

            ReadLabel(globalStart, destination, scratch);
        }
        else
        {
            throw new InvalidOperationException("The loader has no target (target.kind is none).");
        }
    }

    private void ReadLabel(long globalStart, Span<byte> destination, Span<byte> scratch)
    {
        (int shard, long local) = LocateLabel(globalStart + _labelShift);
        _labels!.Read(shard, local, 1, destination, scratch);
    }

    /// <summary>The label file's shard holding <paramref name="labelRow"/>, and the row within it.</summary>
    private (int Shard, long Local) LocateLabel(long labelRow)
    {
        ArraySource labels = _labels!.Source;
        int shard = labels.FindShard(labelRow);
        return (shard, labelRow - labels.Shards[shard].RowBase);
    }

    private static (int Shard, long Local) LocateRow(ArraySource source, long globalStart, long span)
    {
        if (globalStart < 0 || globalStart >= source.TotalRows)
        {
            throw new ArgumentOutOfRangeException(nameof(globalStart), $"start row: expected 0..{source.TotalRows - 1}; found {globalStart}.");
        }

        int shard = source.FindShard(globalStart);
        long local = globalStart - source.Shards[shard].RowBase;
        if (local + span > source.Shards[shard].Rows)
        {
            throw new ArgumentOutOfRangeException(nameof(globalStart),
                $"start row {globalStart}: expected a window of {span} rows inside {source.Shards[shard].Path} (rows {source.Shards[shard].RowBase}..{source.Shards[shard].RowBase + source.Shards[shard].Rows - 1}); found one that runs past its end.");
        }

        return (shard, local);
    }
}
