using System.Runtime.CompilerServices;
using WindowDataset.Conversion;
using WindowDataset.Diagnostics;
using WindowDataset.Memory;
using WindowDataset.Pipeline;
using WindowDataset.Sampling;
using WindowDataset.Sources;

namespace WindowDataset;

/// <summary>
/// Reads batches of random windows of consecutive rows from an array on disk: background workers gather windows
/// into a fixed pool of reusable native buffers and hand them over in order, within a hard memory budget.
/// One enumeration (one epoch) runs at a time. Dispose the loader to stop the workers and free every buffer.
/// </summary>
/// <example>
/// <code>
/// using var loader = new WindowLoader(new WindowLoaderOptions { Source = SourceOptions.FromPaths("A.npy"), Window = 16, BatchSize = 64 });
/// foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
/// {
///     Span&lt;double&gt; x = batch.GetData&lt;double&gt;(); // (64, 16, 2000), C order
/// }
/// </code>
/// </example>
public sealed class WindowLoader : IDisposable, IAsyncDisposable
{
    private readonly ArraySource _source;
    private readonly ArraySource? _labels;
    private readonly RowReader _reader;
    private readonly RowReader? _labelReader;
    private readonly BatchGatherer _gatherer;
    private readonly BufferPool _pool;
    private readonly BatchLayout _layout;
    private readonly LoaderMetrics _metrics = new();
    private readonly CancellationTokenSource _disposing = new();
    private readonly Lock _gate = new();
    private readonly int _workers;
    private readonly Action<BatchSlot> _release;
    private readonly int _readAhead;
    private EpochRun? _active;
    private LoaderState _position;
    private bool _disposed;

    /// <summary>Opens and validates the source and sizes the buffer pool. No buffer is allocated before the first epoch starts.</summary>
    /// <param name="options">The options; validated here.</param>
    /// <param name="allocator">Where batch buffers come from; null for page-aligned native memory.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range, or the memory budget holds fewer than two batches.</exception>
    /// <exception cref="InvalidDataException">A file is malformed; the message names it.</exception>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    public WindowLoader(WindowLoaderOptions options, IBatchMemoryAllocator? allocator = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        IBatchMemoryAllocator alloc = allocator ?? NativeBatchAllocator.Shared;
        (Rank, WorldSize) = options.ResolveRank();
        _workers = options.ResolveWorkers();
        _readAhead = options.ReadAhead;

        _source = ArraySource.Open(options.Source);
        try
        {
            ElementType output = options.OutputType ?? _source.ElementType;
            if (!ElementConverter.CanConvert(_source.ElementType, output))
            {
                throw new ArgumentOutOfRangeException(nameof(options), $"outputType: expected the file's type ({ElementTypeInfo.Name(_source.ElementType)}), float32 or float64; found {ElementTypeInfo.Name(output)}.");
            }

            TargetOptions target = options.Target ?? new TargetOptions();
            long span = options.Window;
            long? labelRows = null;
            int[]? targetShape = null;
            ElementType targetType = output;
            long targetBytes = 0;
            if (target.Kind == TargetKind.Next)
            {
                span += target.Horizon;
                targetShape = [target.Horizon, .. _source.RowShape];
                targetBytes = target.Horizon * _source.RowElements * ElementTypeInfo.SizeOf(output);
            }
            else if (target.Kind == TargetKind.File)
            {
                _labels = ArraySource.Open(target.Source!, "target.source");
                targetType = options.OutputType ?? _labels.ElementType;
                if (!ElementConverter.CanConvert(_labels.ElementType, targetType))
                {
                    throw new ArgumentOutOfRangeException(nameof(options), $"outputType: expected the labels' type ({ElementTypeInfo.Name(_labels.ElementType)}), float32 or float64; found {ElementTypeInfo.Name(targetType)}.");
                }

                if (_labels.TotalRows != _source.TotalRows)
                {
                    throw new InvalidDataException($"{_labels.Shards[0].Path}: target.source rows: expected {_source.TotalRows} (one label row per input row); found {_labels.TotalRows}.");
                }

                labelRows = _labels.TotalRows;
                targetShape = [.. _labels.ItemShape]; // (N,) labels give (B,) targets
                targetBytes = _labels.RowElements * ElementTypeInfo.SizeOf(targetType);
                _labelReader = RowReader.Create(_labels, targetType, options.Io, options.PageCache);
            }

            var index = StartIndex.Build(_source, span, labelRows, options.Window - 1 + target.Offset);
            if (index.Count == 0)
            {
                long longest = 0;
                foreach (ShardFile s in _source.Shards)
                {
                    longest = Math.Max(longest, s.Rows);
                }

                throw new ArgumentOutOfRangeException(nameof(options),
                    $"window: expected at most {longest - (span - options.Window)} rows (the longest shard has {longest} rows{(span > options.Window ? $" and the target needs {span - options.Window} more" : string.Empty)}); found {options.Window}: no window fits.");
            }

            ValidStarts = index.Count;
            var sampler = new WindowSampler(index, options.Sampler, options.Seed, options.Stride, options.WindowsPerEpoch, options.BatchSize, options.DropLast, Rank, WorldSize, options.Starts);
            long windowBytes = options.Window * _source.RowElements * ElementTypeInfo.SizeOf(output);
            _layout = new BatchLayout(options.BatchSize, options.Window, _source.RowShape, output, windowBytes, targetShape, targetType, targetBytes);
            if (_layout.InputBatchBytes > int.MaxValue || _layout.TargetBatchBytes > int.MaxValue)
            {
                throw new ArgumentOutOfRangeException(nameof(options), $"batchSize: expected a batch of at most {int.MaxValue} bytes; found {options.BatchSize} windows of {windowBytes} bytes = {_layout.InputBatchBytes} bytes.");
            }

            _reader = RowReader.Create(_source, output, options.Io, options.PageCache);
            _gatherer = new BatchGatherer(sampler, _reader, _labelReader, _layout, target);

            BatchBytes = _layout.InputBatchBytes + _layout.TargetBatchBytes;
            long scratch = _workers * _gatherer.ScratchBytes;
            long fitting = (options.MemoryBudget - scratch) / BatchBytes;
            if (fitting < 2)
            {
                throw new ArgumentOutOfRangeException(nameof(options),
                    $"memoryBudget: expected at least {(2 * BatchBytes) + scratch} bytes (2 batches of {BatchBytes} bytes{(scratch > 0 ? $" + {scratch} bytes of conversion scratch for {_workers} workers" : string.Empty)}); found {options.MemoryBudget}.");
            }

            int prefetch = options.Prefetch ?? (2 * _workers);
            BufferCount = (int)Math.Min(fitting, prefetch + 1L);
            BufferCount = Math.Max(BufferCount, 2);
            var inputRequest = new BatchBufferRequest(BatchBufferRole.Input, output, _layout.InputShape(options.BatchSize), _layout.InputBatchBytes);
            BatchBufferRequest? targetRequest = targetShape is null ? null : new BatchBufferRequest(BatchBufferRole.Target, targetType, _layout.TargetShape(options.BatchSize)!, _layout.TargetBatchBytes);
            _pool = new BufferPool(BufferCount, () => CreateSlot(alloc, inputRequest, targetRequest));
            _release = _pool.Return;
            Info = ArrayInfo.From(_source);
            TargetInfo = _labels is null ? null : ArrayInfo.From(_labels);
            Sampler = sampler;
        }
        catch
        {
            _reader?.Dispose();
            _labelReader?.Dispose();
            _labels?.Dispose();
            _source.Dispose();
            throw;
        }
    }

    /// <summary>The options the loader was created with.</summary>
    public WindowLoaderOptions Options { get; }

    /// <summary>The input array.</summary>
    public ArrayInfo Info { get; }

    /// <summary>The labels array of a file target; null otherwise.</summary>
    public ArrayInfo? TargetInfo { get; }

    /// <summary>Element type of the batches.</summary>
    public ElementType OutputType => _layout.ElementType;

    /// <summary>Element type of the targets (equal to <see cref="OutputType"/> except for file targets with no output type set).</summary>
    public ElementType TargetElementType => _layout.TargetElementType;

    /// <summary>Shape of one target item: (Horizon, *RowShape) or the labels' row shape; null without target.</summary>
    public IReadOnlyList<int>? TargetItemShape => _layout.TargetItemShape;

    /// <summary>Rows per window.</summary>
    public int Window => _layout.Window;

    /// <summary>Windows per full batch.</summary>
    public int BatchSize => _layout.BatchSize;

    /// <summary>Shape of one row.</summary>
    public IReadOnlyList<int> RowShape => _layout.RowShape;

    /// <summary>Bytes of one window in the output type.</summary>
    public long WindowBytes => _layout.WindowBytes;

    /// <summary>Number of valid window starts (windows, and their targets, never cross a shard boundary).</summary>
    public long ValidStarts { get; }

    /// <summary>Windows this rank reads per epoch.</summary>
    public long WindowsPerEpoch => Sampler.WindowsPerRank;

    /// <summary>Batches this rank reads per epoch.</summary>
    public long BatchesPerEpoch => Sampler.BatchesPerEpoch;

    /// <summary>Bytes of one full batch (input and target).</summary>
    public long BatchBytes { get; }

    /// <summary>Batch buffers the loader allocates (at most the memory budget's worth).</summary>
    public int BufferCount { get; }

    /// <summary>Worker threads per enumeration.</summary>
    public int Workers => _workers;

    /// <summary>This process's rank.</summary>
    public int Rank { get; }

    /// <summary>Number of ranks.</summary>
    public int WorldSize { get; }

    /// <summary>The next batch the loader will deliver: updated as batches are handed to the consumer.</summary>
    public LoaderState Position
    {
        get
        {
            lock (_gate)
            {
                return _position;
            }
        }
    }

    internal WindowSampler Sampler { get; }

    internal BufferPool Pool => _pool;

    /// <summary>
    /// The batches of <paramref name="range"/>, in order, as one stream (each batch carries its
    /// <see cref="WindowBatch.Epoch"/>; the workers do not stop between epochs). The previous batch is disposed when
    /// the next is requested.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A batch index of the range is past <see cref="BatchesPerEpoch"/>.</exception>
    /// <exception cref="InvalidOperationException">Another enumeration of this loader is running.</exception>
    public IEnumerable<WindowBatch> Read(ReadRange range, CancellationToken cancellationToken = default)
    {
        long count = CountBatches(range);
        return Iterate(range.Start.Epoch, range.Start.Batch, count, cancellationToken);
    }

    /// <summary>The batches of <paramref name="range"/>, asynchronously (see <see cref="Read"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A batch index of the range is past <see cref="BatchesPerEpoch"/>.</exception>
    /// <exception cref="InvalidOperationException">Another enumeration of this loader is running.</exception>
    public IAsyncEnumerable<WindowBatch> ReadAsync(ReadRange range, CancellationToken cancellationToken = default)
    {
        long count = CountBatches(range);
        return IterateAsync(range.Start.Epoch, range.Start.Batch, count, cancellationToken);
    }

    /// <summary>The global start rows of one batch, without reading anything (a pure function of the options).</summary>
    public long[] GetStarts(long epoch, long batch)
    {
        CheckRange(epoch, batch);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(batch, BatchesPerEpoch);
        int count = Sampler.CountInBatch(batch);
        long[] starts = new long[count];
        Sampler.Fill(epoch, batch, new int[count], new long[count], starts);
        return starts;
    }

    /// <summary>Reads one window synchronously into <paramref name="destination"/> (<see cref="WindowBytes"/> bytes, output type).</summary>
    public unsafe void ReadWindow(long start, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, (int)WindowBytes);
        ObjectDisposedException.ThrowIf(_disposed, this);
        long scratchBytes = _gatherer.ScratchBytes;
        byte[]? scratch = scratchBytes > 0 ? new byte[scratchBytes] : null;
        _gatherer.ReadWindow(start, destination[..(int)WindowBytes], scratch);
    }

    /// <summary>Reads the target of the window starting at <paramref name="start"/> into <paramref name="destination"/>.</summary>
    public void ReadTarget(long start, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long scratchBytes = _gatherer.ScratchBytes;
        byte[]? scratch = scratchBytes > 0 ? new byte[scratchBytes] : null;
        _gatherer.ReadTarget(start, destination[..(int)_layout.TargetItemBytes], scratch);
    }

    /// <summary>Counters since creation (also published on the <c>WindowDataset</c> meter).</summary>
    public LoaderStatistics GetStatistics() => _metrics.Snapshot();

    /// <summary>Stops the workers and frees every buffer not held by a batch (those are freed when the batch is disposed).</summary>
    public void Dispose()
    {
        EpochRun? active;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            active = _active;
            _active = null;
        }

        _disposing.Cancel();
        active?.Dispose();
        _pool.Dispose();
        _reader.Dispose();
        _labelReader?.Dispose();
        _source.Dispose();
        _labels?.Dispose();
        _disposing.Dispose();
    }

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private static BatchSlot CreateSlot(IBatchMemoryAllocator allocator, BatchBufferRequest input, BatchBufferRequest? target)
    {
        IBatchMemory inputMemory = Allocate(allocator, input);
        IBatchMemory? targetMemory = null;
        try
        {
            if (target is not null)
            {
                targetMemory = Allocate(allocator, target);
            }
        }
        catch
        {
            inputMemory.Dispose();
            throw;
        }

        return new BatchSlot(inputMemory, targetMemory, (int)input.Shape[0]);
    }

    private static IBatchMemory Allocate(IBatchMemoryAllocator allocator, BatchBufferRequest request)
    {
        IBatchMemory memory = allocator.Allocate(request) ?? throw new InvalidOperationException($"{allocator.GetType().Name}.Allocate returned null.");
        if (memory.Length < request.ByteLength || memory.Pointer % BatchBufferRequest.RequiredAlignment != 0)
        {
            memory.Dispose();
            throw new InvalidOperationException(
                $"{allocator.GetType().Name}.Allocate: expected at least {request.ByteLength} bytes aligned to {BatchBufferRequest.RequiredAlignment}; found {memory.Length} bytes at 0x{memory.Pointer:X}.");
        }

        return memory;
    }

    private long CountBatches(ReadRange range)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long perEpoch = BatchesPerEpoch;
        if (range.Start.Batch > perEpoch || range.End.Batch > perEpoch)
        {
            throw new ArgumentOutOfRangeException(nameof(range), $"range: expected batch indexes <= {perEpoch} (batches per epoch); found {range}.");
        }

        return ((range.End.Epoch - range.Start.Epoch) * perEpoch) + range.End.Batch - range.Start.Batch;
    }

    private void CheckRange(long epoch, long startBatch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(startBatch);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(startBatch, BatchesPerEpoch);
        ObjectDisposedException.ThrowIf(_disposed, this);
    }

    private EpochRun Start(long epoch, long startBatch, long count, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_active is not null)
            {
                throw new InvalidOperationException("A WindowLoader runs one enumeration at a time: dispose the previous enumerator (finish or break out of its foreach) before starting another.");
            }

            _pool.EnsureAllocated();
            var run = new EpochRun(_gatherer, _pool, _layout, _metrics, epoch, startBatch, count, _workers, _readAhead, cancellationToken, _disposing.Token);
            _active = run;
            _position = new LoaderState(epoch, startBatch);
            return run;
        }
    }

    private void Finish(EpochRun run)
    {
        lock (_gate)
        {
            if (_active == run)
            {
                _active = null;
            }
        }

        run.Dispose();
    }

    private WindowBatch Wrap(BatchSlot slot)
    {
        lock (_gate)
        {
            _position = slot.Index + 1 < BatchesPerEpoch ? new LoaderState(slot.Epoch, slot.Index + 1) : new LoaderState(slot.Epoch + 1, 0);
        }

        return new WindowBatch(slot, _layout, _release);
    }

    private Exception Translate(OperationCanceledException ex, CancellationToken userToken) =>
        _disposed && !userToken.IsCancellationRequested ? new ObjectDisposedException(nameof(WindowLoader), "The loader was disposed during the enumeration.") : ex;

    private IEnumerable<WindowBatch> Iterate(long epoch, long startBatch, long count, CancellationToken cancellationToken)
    {
        EpochRun run = Start(epoch, startBatch, count, cancellationToken);
        WindowBatch? previous = null;
        try
        {
            while (true)
            {
                previous?.Dispose();
                previous = null;
                BatchSlot? slot;
                try
                {
                    slot = run.Next();
                }
                catch (OperationCanceledException ex)
                {
                    throw Translate(ex, cancellationToken);
                }

                if (slot is null)
                {
                    yield break;
                }

                previous = Wrap(slot);
                yield return previous;
            }
        }
        finally
        {
            previous?.Dispose();
            Finish(run);
        }
    }

    private async IAsyncEnumerable<WindowBatch> IterateAsync(long epoch, long startBatch, long count, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        EpochRun run = Start(epoch, startBatch, count, cancellationToken);
        WindowBatch? previous = null;
        try
        {
            while (true)
            {
                previous?.Dispose();
                previous = null;
                BatchSlot? slot;
                try
                {
                    slot = await run.NextAsync().ConfigureAwait(false);
                }
                catch (OperationCanceledException ex)
                {
                    throw Translate(ex, cancellationToken);
                }

                if (slot is null)
                {
                    yield break;
                }

                previous = Wrap(slot);
                yield return previous;
            }
        }
        finally
        {
            previous?.Dispose();
            Finish(run);
        }
    }
}
