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
    private long _origin; // global position where the split of _position's epoch starts (0 unless resumed elastically)
    private WindowSampler? _activeSampler;
    private bool _disposed;

    /// <summary>Opens and validates the source and sizes the buffer pool. No buffer is allocated before the first epoch starts.</summary>
    /// <param name="options">The options; validated and copied here (later changes to them do not affect the loader).</param>
    /// <param name="allocator">Where batch buffers come from; null for page-aligned native memory.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (a launcher variable too: not an integer, or a rank not below the world size), or the memory budget holds fewer than two batches.</exception>
    /// <exception cref="ArgumentException">A value is missing or invalid: no source, an empty path, an unknown dtype, an empty starts list, a file target without labels; two launcher pairs that disagree, or <c>JOB_COMPLETION_INDEX</c> without <see cref="WindowLoaderOptions.WorldSize"/>.</exception>
    /// <exception cref="InvalidDataException">A file is malformed; the message names it.</exception>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    public WindowLoader(WindowLoaderOptions options, IBatchMemoryAllocator? allocator = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        options = options.Clone();
        _options = options;
        IBatchMemoryAllocator alloc = allocator ?? NativeBatchAllocator.Shared;
        _plan = LoaderPlan.ForLoader(options);
        _readAhead = _plan.ReadAhead;
        _layout = _plan.Layout;
        _gatherer = _plan.Gatherer;
        var inputRequest = new BatchBufferRequest(BatchBufferRole.Input, _layout.ElementType, _plan.InputBufferShape(), _plan.InputBufferBytes);
        BatchBufferRequest? targetRequest = _layout.TargetItemShape is null ? null : new BatchBufferRequest(BatchBufferRole.Target, _layout.TargetElementType, _layout.TargetShape(options.BatchSize)!, _layout.TargetBatchBytes);
        BatchBufferRequest[] extraRequests = InputRequests(_layout, options.BatchSize);
        _pool = new BufferPool(_plan.BufferCount, () => BatchSlot.Create(alloc, inputRequest, targetRequest, extraRequests));
        _release = _pool.ReturnDeferred;
        Info = ArrayInfo.From(_plan.Source);
        TargetInfo = _plan.Labels is null ? null : ArrayInfo.From(_plan.Labels);
    }

    /// <summary>A new copy, on every call, of the options the loader was created with (changing it does not affect the loader).</summary>
    public WindowLoaderOptions Options => _options.Clone();

    /// <summary>The input array.</summary>
    public ArrayInfo Info { get; }

    /// <summary>The labels array of a file target; null otherwise.</summary>
    public ArrayInfo? TargetInfo { get; }

    /// <summary>
    /// Inputs of each batch (<see cref="WindowBatch.InputCount"/>): the number of <see cref="WindowLoaderOptions.Inputs"/>,
    /// or 1 for a single source or concatenated inputs.
    /// </summary>
    public int InputCount => _layout.InputBuffers;

    /// <summary>Name of input <paramref name="input"/>: its <c>name</c> key; "input" for a single source or concatenated inputs.</summary>
    public string GetInputName(int input) => InputLayouts.Name(_layout, input);

    /// <summary>Shape of one row of input <paramref name="input"/> (for input 0, <see cref="RowShape"/>).</summary>
    public IReadOnlyList<int> GetInputRowShape(int input) => InputLayouts.RowShape(_layout, input);

    /// <summary>Element type of input <paramref name="input"/> (for input 0, <see cref="OutputType"/>).</summary>
    public ElementType GetInputElementType(int input) => InputLayouts.ElementType(_layout, input);

    /// <summary>The array of aligned input <paramref name="input"/> of <see cref="WindowLoaderOptions.Inputs"/> (concat too); for a single source, <see cref="Info"/>.</summary>
    public ArrayInfo GetInputInfo(int input) => _plan.Inputs is { } set ? set.Info(input) : input == 0 ? Info : throw new ArgumentOutOfRangeException(nameof(input), $"input: expected 0 (a single source); found {input}.");

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

    /// <summary>Where <see cref="Rank"/> and <see cref="WorldSize"/> came from, e.g. "rank 2 of 4 from SLURM_PROCID/SLURM_NTASKS" or "rank 0 of 1 from options".</summary>
    public string RankSource => _plan.RankSource;

    /// <summary>
    /// The next batch the loader will deliver: updated as batches are handed to the consumer. It carries
    /// <see cref="LoaderState.WindowsConsumed"/> only inside an epoch resumed with another world size; save
    /// <see cref="State"/> to resume with any world size.
    /// </summary>
    public LoaderState Position
    {
        get
        {
            lock (_gate)
            {
                return _origin == 0 ? _position : WithGlobal(_position, _origin);
            }
        }
    }

    /// <summary>
    /// <see cref="Position"/> with the global position: the windows of its epoch read by all ranks together (when
    /// every rank stops at the same batch, as data-parallel training does) and this world size. Resuming it with
    /// <see cref="ReadRange.From"/> on any number of ranks continues the epoch with exactly the windows not read yet.
    /// </summary>
    public LoaderState State
    {
        get
        {
            lock (_gate)
            {
                return WithGlobal(_position, _origin);
            }
        }
    }

    internal WindowSampler Sampler => _plan.Sampler;

    internal BufferPool Pool => _pool;

    /// <summary>The plan (sources, caches, remote engines), for tests.</summary>
    internal LoaderPlan Plan => _plan;

    /// <summary>
    /// The batches of <paramref name="range"/>, in order, as one stream (each batch carries its
    /// <see cref="WindowBatch.Epoch"/>; the workers do not stop between epochs). The previous batch is disposed when
    /// the next is requested.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A batch index of the range is past <see cref="BatchesPerEpoch"/>.</exception>
    /// <exception cref="InvalidOperationException">Another enumeration of this loader is running (thrown by the first <c>MoveNext</c>).</exception>
    public IEnumerable<WindowBatch> Read(ReadRange range, CancellationToken cancellationToken = default) =>
        Iterate(Segments(range), cancellationToken);

    /// <summary>The batches of <paramref name="range"/>, asynchronously (see <see cref="Read"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A batch index of the range is past <see cref="BatchesPerEpoch"/>.</exception>
    /// <exception cref="InvalidOperationException">Another enumeration of this loader is running (thrown by the first <c>MoveNext</c>).</exception>
    public IAsyncEnumerable<WindowBatch> ReadAsync(ReadRange range, CancellationToken cancellationToken = default) =>
        IterateAsync(Segments(range), cancellationToken);

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
        return Iterate([new(gatherer, 0, 0, gatherer.Sampler.BatchesPerEpoch, TracksPosition: false)], cancellationToken);
    }

    /// <summary>The windows at <paramref name="starts"/>, asynchronously (see <see cref="ReadStarts"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A start is not a row where a whole window (and its target) fits in one shard.</exception>
    /// <exception cref="InvalidOperationException">Another enumeration of this loader is running (thrown by the first <c>MoveNext</c>).</exception>
    public IAsyncEnumerable<WindowBatch> ReadStartsAsync(IReadOnlyList<long> starts, CancellationToken cancellationToken = default)
    {
        BatchGatherer gatherer = GathererFor(starts);
        return IterateAsync([new(gatherer, 0, 0, gatherer.Sampler.BatchesPerEpoch, TracksPosition: false)], cancellationToken);
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

    /// <summary>Windows this rank delivers for <paramref name="range"/> (a pure function of the options; nothing is read).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A batch index of the range is past the batches of its epoch, or its start is a state that does not fit these options.</exception>
    public long CountWindows(ReadRange range)
    {
        long windows = 0;
        foreach (ReadSegment segment in Segments(range))
        {
            WindowSampler sampler = segment.Gatherer.Sampler;
            long perEpoch = sampler.BatchesPerEpoch;
            if (segment.Count == 0 || perEpoch == 0)
            {
                continue;
            }

            long end = checked(segment.Batch + segment.Count);
            long epochs = end / perEpoch;
            windows = checked(windows + (epochs * WindowsBefore(sampler, perEpoch)) + WindowsBefore(sampler, end % perEpoch) - WindowsBefore(sampler, segment.Batch));
        }

        return windows;
    }

    /// <summary>
    /// The state <paramref name="windows"/> windows of this rank's stream after <paramref name="position"/>, within
    /// its epoch (the end of the epoch gives batch 0 of the next), with the global position set (see <see cref="State"/>).
    /// A state that falls inside a batch resumes at that window.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="windows"/> is negative or past the end of the epoch, or <paramref name="position"/> does not fit these options.</exception>
    public LoaderState Advance(LoaderState position, long windows)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(windows);
        (WindowSampler sampler, long batch) = Locate(position);
        if (batch > sampler.BatchesPerEpoch)
        {
            throw new ArgumentOutOfRangeException(nameof(position), $"position: expected a batch index <= {sampler.BatchesPerEpoch} (batches of the epoch); found {position}.");
        }

        long epochEnd = WindowsBefore(sampler, sampler.BatchesPerEpoch);
        long first = WindowsBefore(sampler, batch);
        if (windows > epochEnd - first)
        {
            throw new ArgumentOutOfRangeException(nameof(windows), $"windows: expected at most {epochEnd - first} (the rest of epoch {position.Epoch} on this rank); found {windows}.");
        }

        long next = first + windows;
        return next == epochEnd
            ? new LoaderState(position.Epoch + 1, 0) { WindowsConsumed = 0, WorldSize = WorldSize }
            : new LoaderState(position.Epoch, next / BatchSize) { WindowsConsumed = sampler.Origin + (next * WorldSize), WorldSize = WorldSize };
    }

    /// <summary>Counters since creation (also published on the <c>WindowDataset</c> meter).</summary>
    public LoaderStatistics GetStatistics()
    {
        LoaderStatistics snapshot = _metrics.Snapshot() with { BytesRead = _plan.Counters.BytesRead };
        if (_plan.Mixture is { } mixture)
        {
            snapshot = snapshot with { ComponentWindows = mixture.DeliveredSnapshot() };
        }
        ChunkCache? input = _plan.InputCache, labels = _plan.LabelCache;
        if (_plan.Source.Remote is not null || _plan.Labels?.Remote is not null)
        {
            Remote.RemoteStatistics? a = _plan.Source.Remote?.Statistics, b = _plan.Labels?.Remote?.Statistics;
            snapshot = snapshot with
            {
                RemoteRequests = (a?.Requests ?? 0) + (b?.Requests ?? 0),
                RemoteBytesFetched = (a?.BytesFetched ?? 0) + (b?.BytesFetched ?? 0),
                RemoteRetries = (a?.Retries ?? 0) + (b?.Retries ?? 0),
                RemoteCacheHits = (a?.RamHits ?? 0) + (a?.DiskHits ?? 0) + (b?.RamHits ?? 0) + (b?.DiskHits ?? 0),
            };
        }

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

    private static BatchBufferRequest[] InputRequests(BatchLayout layout, int batchSize)
    {
        var requests = new BatchBufferRequest[layout.InputBuffers - 1];
        for (int k = 0; k < requests.Length; k++)
        {
            InputLayout input = layout.Inputs![k + 1];
            requests[k] = new BatchBufferRequest(BatchBufferRole.Input, input.ElementType, input.Shape(batchSize, layout.Window), input.BatchBytes(batchSize));
        }

        return requests;
    }

    private static long WindowsBefore(WindowSampler sampler, long batch) => Math.Min(batch * sampler.BatchSize, sampler.WindowsPerRank);

    private LoaderState WithGlobal(LoaderState position, long origin) =>
        position with { WindowsConsumed = origin + (position.Batch * BatchSize * WorldSize), WorldSize = WorldSize };

    /// <summary>
    /// The split that a state's epoch continues with, and the batch in it. A state without a global position, or one
    /// saved at this world size, keeps its batch numbering; one saved at another world size continues with the
    /// windows after its global position, split among this world size from batch 0.
    /// </summary>
    private (WindowSampler Sampler, long Batch) Locate(LoaderState start)
    {
        WindowSampler main = Sampler;
        if (start.WindowsConsumed is not { } consumed)
        {
            return (main, start.Batch);
        }

        int saved = start.WorldSize ?? WorldSize;
        if (saved < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"state: worldSize: expected >= 1; found {saved} ({start}).");
        }

        long limit = main.WindowsPerEpoch + saved - 1; // padding reads at most worldSize - 1 windows past the end
        if (consumed < 0 || consumed > limit)
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"state: windowsConsumed: expected 0..{limit} ({main.WindowsPerEpoch} windows per epoch with these options); found {consumed} ({start}).");
        }

        long perBatch = (long)BatchSize * WorldSize;
        if (saved == WorldSize && start.Batch >= 0 && start.Batch <= consumed / perBatch)
        {
            return (main.Resplit(consumed - (start.Batch * perBatch)), start.Batch);
        }

        return (main.Resplit(consumed), 0);
    }

    private ReadSegment[] Segments(ReadRange range)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long perEpoch = BatchesPerEpoch;
        (WindowSampler first, long startBatch) = Locate(range.Start);
        long firstPerEpoch = first.BatchesPerEpoch;
        bool sameEpoch = range.End.Epoch == range.Start.Epoch;
        if (startBatch > firstPerEpoch || range.End.Batch > (sameEpoch ? firstPerEpoch : perEpoch) || (sameEpoch && range.End.Batch < startBatch))
        {
            throw new ArgumentOutOfRangeException(nameof(range), $"range: expected batch indexes <= {firstPerEpoch} (batches per epoch); found {range}.");
        }

        try
        {
            if (first == Sampler)
            {
                return [new(_gatherer, range.Start.Epoch, startBatch, checked(((range.End.Epoch - range.Start.Epoch) * perEpoch) + range.End.Batch - startBatch), TracksPosition: true)];
            }

            // The resumed epoch has its own split (and batch count): one run for its rest, one for the epochs after it.
            BatchGatherer resumed = _gatherer.WithSampler(first);
            if (sameEpoch)
            {
                return [new(resumed, range.Start.Epoch, startBatch, range.End.Batch - startBatch, TracksPosition: true)];
            }

            long rest = checked(((range.End.Epoch - range.Start.Epoch - 1) * perEpoch) + range.End.Batch);
            return
            [
                new(resumed, range.Start.Epoch, startBatch, firstPerEpoch - startBatch, TracksPosition: true),
                new(_gatherer, range.Start.Epoch + 1, 0, rest, TracksPosition: true),
            ];
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

    private EpochRun Start(ReadSegment segment, CancellationToken cancellationToken)
    {
        (BatchGatherer gatherer, long epoch, long startBatch, long count, bool tracksPosition) = segment;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_active is not null)
            {
                throw new InvalidOperationException("A WindowLoader runs one enumeration at a time: dispose the previous enumerator (finish or break out of its foreach) before starting another.");
            }

            _pool.EnsureAllocated();
            _scratch ??= new WorkerScratch(_plan.Workers, _gatherer.ScratchBytes);
            // Adaptive workers: each run starts with the active count the last one settled on (all of them at first).
            WorkerController? controller = _plan.AdaptiveWorkers ? new WorkerController(_plan.Workers, _metrics.LastActiveWorkers is > 0 and int last ? last : _plan.Workers) : null;
            var run = new EpochRun(gatherer, _pool, _scratch, _layout, _metrics, epoch, startBatch, count, _plan.Workers, _readAhead, cancellationToken, _disposing.Token, controller);
            _active = run;
            _activeTracksPosition = tracksPosition;
            _activeSampler = gatherer.Sampler;
            if (_activeTracksPosition)
            {
                bool inEpoch = startBatch < gatherer.Sampler.BatchesPerEpoch;
                _position = inEpoch ? new LoaderState(epoch, startBatch) : new LoaderState(epoch + 1, 0);
                _origin = inEpoch ? gatherer.Sampler.Origin : 0;
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
                bool inEpoch = slot.Index + 1 < _activeSampler!.BatchesPerEpoch;
                _position = inEpoch ? new LoaderState(slot.Epoch, slot.Index + 1) : new LoaderState(slot.Epoch + 1, 0);
                _origin = inEpoch ? _activeSampler.Origin : 0;
            }
        }

        _plan.Mixture?.Delivered(slot.Starts.AsSpan(0, slot.Count));
        return new WindowBatch(slot, _layout, _release);
    }

    private Exception Translate(OperationCanceledException ex, CancellationToken userToken) =>
        _disposed && !userToken.IsCancellationRequested ? new ObjectDisposedException(nameof(WindowLoader), "The loader was disposed during the enumeration.") : ex;

    private IEnumerable<WindowBatch> Iterate(ReadSegment[] segments, CancellationToken cancellationToken)
    {
        foreach (ReadSegment segment in segments)
        {
            EpochRun run = Start(segment, cancellationToken);
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
                        break;
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

    private async IAsyncEnumerable<WindowBatch> IterateAsync(ReadSegment[] segments, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (ReadSegment segment in segments)
        {
            EpochRun run = Start(segment, cancellationToken);
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
                        break;
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
}
