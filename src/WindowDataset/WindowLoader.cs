using System.Runtime.CompilerServices;
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
    private readonly WindowLoaderOptions _options;
    private readonly LoaderPlan _plan;
    private readonly BatchGatherer _gatherer;
    private readonly BufferPool _pool;
    private readonly BatchLayout _layout;
    private readonly LoaderMetrics _metrics = new();
    private readonly CancellationTokenSource _disposing = new();
    private readonly Lock _gate = new();
    private readonly Action<BatchSlot> _release;
    private readonly int _readAhead;
    private WorkerScratch? _scratch;
    private EpochRun? _active;
    private bool _activeTracksPosition;
    private LoaderState _position;
    private bool _disposed;

    /// <summary>Opens and validates the source and sizes the buffer pool. No buffer is allocated before the first epoch starts.</summary>
    /// <param name="options">The options; validated and copied here (later changes to them do not affect the loader).</param>
    /// <param name="allocator">Where batch buffers come from; null for page-aligned native memory.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range, or the memory budget holds fewer than two batches.</exception>
    /// <exception cref="ArgumentException">A value is missing or invalid: no source, an empty path, an unknown dtype, an empty starts list, a file target without labels.</exception>
    /// <exception cref="InvalidDataException">A file is malformed; the message names it.</exception>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    public WindowLoader(WindowLoaderOptions options, IBatchMemoryAllocator? allocator = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        options = options.Clone();
        _options = options;
        IBatchMemoryAllocator alloc = allocator ?? NativeBatchAllocator.Shared;
        _readAhead = options.ReadAhead;
        _plan = LoaderPlan.ForLoader(options);
        _layout = _plan.Layout;
        _gatherer = _plan.Gatherer;
        var inputRequest = new BatchBufferRequest(BatchBufferRole.Input, _layout.ElementType, _layout.InputShape(options.BatchSize), _layout.InputBatchBytes);
        BatchBufferRequest? targetRequest = _layout.TargetItemShape is null ? null : new BatchBufferRequest(BatchBufferRole.Target, _layout.TargetElementType, _layout.TargetShape(options.BatchSize)!, _layout.TargetBatchBytes);
        _pool = new BufferPool(_plan.BufferCount, () => BatchSlot.Create(alloc, inputRequest, targetRequest));
        _release = _pool.Return;
        Info = ArrayInfo.From(_plan.Source);
        TargetInfo = _plan.Labels is null ? null : ArrayInfo.From(_plan.Labels);
    }

    /// <summary>A new copy, on every call, of the options the loader was created with (changing it does not affect the loader).</summary>
    public WindowLoaderOptions Options => _options.Clone();

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
    public long ValidStarts => _plan.Index.Count;

    /// <summary>Windows this rank reads per epoch.</summary>
    public long WindowsPerEpoch => _plan.Sampler.WindowsPerRank;

    /// <summary>Batches this rank reads per epoch.</summary>
    public long BatchesPerEpoch => _plan.Sampler.BatchesPerEpoch;

    /// <summary>Bytes of one full batch (input and target).</summary>
    public long BatchBytes => _plan.BatchBytes;

    /// <summary>Batch buffers the loader allocates (at most the memory budget's worth).</summary>
    public int BufferCount => _plan.BufferCount;

    /// <summary>The smallest <see cref="WindowLoaderOptions.MemoryBudget"/> these options work with: two batches and the workers' conversion scratch.</summary>
    public long MinimumMemoryBudget => _plan.MinimumBudget;

    /// <summary>Worker threads per enumeration.</summary>
    public int Workers => _plan.Workers;

    /// <summary>This process's rank.</summary>
    public int Rank => _plan.Rank;

    /// <summary>Number of ranks.</summary>
    public int WorldSize => _plan.WorldSize;

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

    internal WindowSampler Sampler => _plan.Sampler;

    internal BufferPool Pool => _pool;

    /// <summary>
    /// The batches of <paramref name="range"/>, in order, as one stream (each batch carries its
    /// <see cref="WindowBatch.Epoch"/>; the workers do not stop between epochs). The previous batch is disposed when
    /// the next is requested.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A batch index of the range is past <see cref="BatchesPerEpoch"/>.</exception>
    /// <exception cref="InvalidOperationException">Another enumeration of this loader is running (thrown by the first <c>MoveNext</c>).</exception>
    public IEnumerable<WindowBatch> Read(ReadRange range, CancellationToken cancellationToken = default)
    {
        long count = CountBatches(range);
        return Iterate(_gatherer, range.Start.Epoch, range.Start.Batch, count, cancellationToken);
    }

    /// <summary>The batches of <paramref name="range"/>, asynchronously (see <see cref="Read"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A batch index of the range is past <see cref="BatchesPerEpoch"/>.</exception>
    /// <exception cref="InvalidOperationException">Another enumeration of this loader is running (thrown by the first <c>MoveNext</c>).</exception>
    public IAsyncEnumerable<WindowBatch> ReadAsync(ReadRange range, CancellationToken cancellationToken = default)
    {
        long count = CountBatches(range);
        return IterateAsync(_gatherer, range.Start.Epoch, range.Start.Batch, count, cancellationToken);
    }

    /// <summary>
    /// The windows at <paramref name="starts"/> (global start rows), in that order, in batches of
    /// <see cref="BatchSize"/>, through the same workers and buffers as <see cref="Read"/> (random access with
    /// prefetching: for shuffled views and index-based datasets). Batches carry epoch 0 and their index in this
    /// read; <see cref="Position"/> is not changed. The starts are copied.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A start is not a row where a whole window (and its target) fits in one shard.</exception>
    /// <exception cref="InvalidOperationException">Another enumeration of this loader is running (thrown by the first <c>MoveNext</c>).</exception>
    public IEnumerable<WindowBatch> ReadStarts(IReadOnlyList<long> starts, CancellationToken cancellationToken = default)
    {
        BatchGatherer gatherer = GathererFor(starts);
        return Iterate(gatherer, 0, 0, gatherer.Sampler.BatchesPerEpoch, cancellationToken);
    }

    /// <summary>The windows at <paramref name="starts"/>, asynchronously (see <see cref="ReadStarts"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A start is not a row where a whole window (and its target) fits in one shard.</exception>
    /// <exception cref="InvalidOperationException">Another enumeration of this loader is running (thrown by the first <c>MoveNext</c>).</exception>
    public IAsyncEnumerable<WindowBatch> ReadStartsAsync(IReadOnlyList<long> starts, CancellationToken cancellationToken = default)
    {
        BatchGatherer gatherer = GathererFor(starts);
        return IterateAsync(gatherer, 0, 0, gatherer.Sampler.BatchesPerEpoch, cancellationToken);
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

    /// <summary>Counters since creation (also published on the <c>WindowDataset</c> meter).</summary>
    public LoaderStatistics GetStatistics()
    {
        LoaderStatistics snapshot = _metrics.Snapshot();
        ChunkCache? input = _plan.InputCache, labels = _plan.LabelCache;
        return input is null && labels is null ? snapshot : snapshot with
        {
            ChunkHits = (input?.Hits ?? 0) + (labels?.Hits ?? 0),
            ChunkMisses = (input?.Misses ?? 0) + (labels?.Misses ?? 0),
            ChunkBytesDecoded = (input?.DecodedBytes ?? 0) + (labels?.DecodedBytes ?? 0),
            ChunkCacheBytes = _plan.CacheBytes,
        };
    }

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
        _scratch?.Dispose(); // the run is over: no worker uses it
        _pool.Dispose();
        _plan.Dispose();
        _disposing.Dispose();
    }

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private BatchGatherer GathererFor(IReadOnlyList<long> starts)
    {
        ArgumentNullException.ThrowIfNull(starts);
        ObjectDisposedException.ThrowIf(_disposed, this);
        long[] copy = new long[starts.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = starts[i];
        }

        return _gatherer.WithSampler(_plan.SamplerFor(copy));
    }

    private long CountBatches(ReadRange range)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long perEpoch = BatchesPerEpoch;
        if (range.Start.Batch > perEpoch || range.End.Batch > perEpoch)
        {
            throw new ArgumentOutOfRangeException(nameof(range), $"range: expected batch indexes <= {perEpoch} (batches per epoch); found {range}.");
        }

        try
        {
            return checked(((range.End.Epoch - range.Start.Epoch) * perEpoch) + range.End.Batch - range.Start.Batch);
        }
        catch (OverflowException)
        {
            throw new ArgumentOutOfRangeException(nameof(range), $"range: expected at most {long.MaxValue} batches; found {range.End.Epoch - range.Start.Epoch} epochs of {perEpoch} batches.");
        }
    }

    private void CheckRange(long epoch, long startBatch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(startBatch);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(startBatch, BatchesPerEpoch);
        ObjectDisposedException.ThrowIf(_disposed, this);
    }

    private EpochRun Start(BatchGatherer gatherer, long epoch, long startBatch, long count, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_active is not null)
            {
                throw new InvalidOperationException("A WindowLoader runs one enumeration at a time: dispose the previous enumerator (finish or break out of its foreach) before starting another.");
            }

            _pool.EnsureAllocated();
            _scratch ??= new WorkerScratch(_plan.Workers, _gatherer.ScratchBytes);
            var run = new EpochRun(gatherer, _pool, _scratch, _layout, _metrics, epoch, startBatch, count, _plan.Workers, _readAhead, cancellationToken, _disposing.Token);
            _active = run;
            _activeTracksPosition = gatherer == _gatherer;
            if (_activeTracksPosition)
            {
                _position = startBatch < BatchesPerEpoch ? new LoaderState(epoch, startBatch) : new LoaderState(epoch + 1, 0);
            }
            return run;
        }
    }

    private void Finish(EpochRun run)
    {
        // Stop the workers before the run stops being active: a concurrent Dispose that finds it waits for that,
        // so the sources are never closed under a worker.
        run.Dispose();
        lock (_gate)
        {
            if (_active == run)
            {
                _active = null;
            }
        }
    }

    private WindowBatch Wrap(BatchSlot slot)
    {
        lock (_gate)
        {
            if (_activeTracksPosition)
            {
                _position = slot.Index + 1 < BatchesPerEpoch ? new LoaderState(slot.Epoch, slot.Index + 1) : new LoaderState(slot.Epoch + 1, 0);
            }
        }

        return new WindowBatch(slot, _layout, _release);
    }

    private Exception Translate(OperationCanceledException ex, CancellationToken userToken) =>
        _disposed && !userToken.IsCancellationRequested ? new ObjectDisposedException(nameof(WindowLoader), "The loader was disposed during the enumeration.") : ex;

    private IEnumerable<WindowBatch> Iterate(BatchGatherer gatherer, long epoch, long startBatch, long count, CancellationToken cancellationToken)
    {
        EpochRun run = Start(gatherer, epoch, startBatch, count, cancellationToken);
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

    private async IAsyncEnumerable<WindowBatch> IterateAsync(BatchGatherer gatherer, long epoch, long startBatch, long count, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        EpochRun run = Start(gatherer, epoch, startBatch, count, cancellationToken);
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
