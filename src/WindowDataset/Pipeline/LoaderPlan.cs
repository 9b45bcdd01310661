using System.Diagnostics;
using WindowDataset.Conversion;
using WindowDataset.Sampling;
using WindowDataset.Sources;
using WindowDataset.Statistics;

namespace WindowDataset.Pipeline;

/// <summary>
/// Everything a loader (or a <see cref="WindowReader"/>) decides before it reads: the open sources and their
/// readers, the valid starts, the sampler, the batch layout, and how many batch buffers the budget holds. Owns the
/// open files until disposed.
/// </summary>
internal sealed class LoaderPlan : IDisposable
{
    private LoaderPlan(ArraySource source, ArraySource? labels)
    {
        Source = source;
        Labels = labels;
    }

    public ArraySource Source { get; }

    public ArraySource? Labels { get; }

    /// <summary>The components of a mixture source (<see cref="Source"/> is then their combined shards); null for a single source.</summary>
    public MixturePlan? Mixture { get; private init; }

    public RowReader Reader { get; private set; } = null!;

    public RowReader? LabelReader { get; private set; }

    public TargetOptions Target { get; private set; } = null!;

    public StartIndex Index { get; private set; } = null!;

    public WindowSampler Sampler { get; private set; } = null!;

    public BatchLayout Layout { get; private set; } = null!;

    public BatchGatherer Gatherer { get; private set; } = null!;

    /// <summary>The aligned inputs (<see cref="WindowLoaderOptions.Inputs"/>); null with a single source. <see cref="Source"/> is input 0.</summary>
    public InputSet? Inputs { get; private set; }

    public int Rank { get; private set; }

    public int WorldSize { get; private set; }

    /// <summary>Where <see cref="Rank"/> and <see cref="WorldSize"/> came from ("rank 2 of 4 from SLURM_PROCID/SLURM_NTASKS").</summary>
    public string RankSource { get; private set; } = "rank 0 of 1 (no ranks)";

    /// <summary>Worker threads started per enumeration (with adaptive workers, the most that can be active).</summary>
    public int Workers { get; private set; }

    /// <summary>Batches ahead whose windows are announced: <see cref="WindowLoaderOptions.ReadAhead"/>, deeper for remote sources (<see cref="RemoteOptions.ReadAheadBytes"/>).</summary>
    public int ReadAhead { get; private set; }

    /// <summary>True for <c>workers: "auto"</c>: a <see cref="WorkerController"/> decides how many of <see cref="Workers"/> are active.</summary>
    public bool AdaptiveWorkers { get; private set; }

    /// <summary>Bytes of one full batch's buffers, input and target (the input buffer holds a strided view's run).</summary>
    public long BatchBytes => InputBufferBytes + Layout.TargetBatchBytes + Layout.ExtraInputBatchBytes;

    /// <summary>Rows per window in the input buffer's shape (B, <see cref="InputBufferWindow"/>, *row): the window, or more so a strided view's run fits.</summary>
    public int InputBufferWindow { get; private set; }

    /// <summary>Bytes of one input buffer.</summary>
    public long InputBufferBytes => (long)Layout.BatchSize * InputBufferWindow * (Layout.WindowBytes / Layout.Window);

    /// <summary>The input buffers' shape: (B, <see cref="InputBufferWindow"/>, *row).</summary>
    public long[] InputBufferShape()
    {
        long[] shape = Layout.InputShape(Layout.BatchSize);
        shape[1] = InputBufferWindow;
        return shape;
    }

    /// <summary>Bytes read from the sources by every gatherer of this plan.</summary>
    public ReadCounters Counters { get; } = new();

    private bool _coalesce;
    private int _dilation = 1;
    private long _stridedRows;
    private long _runRowsLimit = long.MaxValue;

    /// <summary>Conversion scratch of all workers, and for chunked sources the decoders' two pool buffers per worker (and the remote block caches).</summary>
    public long ScratchBytes => (Workers * (Gatherer.ScratchBytes + _decodeScratchBytes)) + RemoteCacheBytes + (Inputs?.FixedBytes ?? 0);

    /// <summary>The remote engines' RAM block caches (0 for local sources): fixed by <c>remote.memoryCacheBytes</c>, counted with the scratch.</summary>
    public long RemoteCacheBytes => Source.RemoteCacheBytes + (Labels?.RemoteCacheBytes ?? 0);

    /// <summary>The smallest budget that holds two batches, the workers' scratch and the smallest chunk caches.</summary>
    public long MinimumBudget => (2 * BatchBytes) + (Workers * (Gatherer.BaseScratchBytes + _decodeScratchBytes)) + RemoteCacheBytes + (Inputs?.FixedBytes ?? 0) + _minimumCacheBytes;

    /// <summary>Bytes of the chunk caches (0 for flat sources).</summary>
    public long CacheBytes => (InputCache?.CapacityBytes ?? 0) + (LabelCache?.CapacityBytes ?? 0);

    /// <summary>The decoded-chunk cache of the input, when it has chunked shards.</summary>
    public ChunkCache? InputCache { get; private set; }

    /// <summary>The decoded-chunk cache of the labels, when they have chunked shards.</summary>
    public ChunkCache? LabelCache { get; private set; }

    private long _decodeScratchBytes;
    private long _minimumCacheBytes;

    /// <summary>Batch buffers: as many as the budget holds, at most prefetch + 1, at least 2.</summary>
    public int BufferCount { get; private set; }

    /// <summary>Plans a pipelined loader: the options' sampler, ranks, workers and budget. Options must be validated.</summary>
    public static LoaderPlan ForLoader(WindowLoaderOptions options) => Create(options, pipelined: true);

    /// <summary>Plans random access in file order (every stride-th valid start, or the explicit starts): no ranks, workers or budget.</summary>
    public static LoaderPlan ForReader(WindowLoaderOptions options) => Create(options, pipelined: false);

    /// <summary>A sampler over explicit starts with this plan's batch size (for reads of given windows).</summary>
    public WindowSampler SamplerFor(IList<long> starts) =>
        new(Index, SamplerKind.Sequential, 0, 1, null, Layout.BatchSize, dropLast: false, rank: 0, worldSize: 1, starts);

    public void Dispose()
    {
        Reader?.Dispose();
        LabelReader?.Dispose();
        Inputs?.Dispose();
        Labels?.Dispose();
        Source.Dispose();
    }

    private static LoaderPlan Create(WindowLoaderOptions options, bool pipelined)
    {
        MixturePlan? mixture = null;
        InputSet? inputs = options.Inputs is null ? null : InputSet.Open(options);
        ArraySource source = inputs?.First ?? (options.Mixture is null ? ArraySource.Open(options.Source, "source", options.Remote) : MixturePlan.Open(options, out mixture));
        LoaderPlan? plan = null;
        try
        {
            TargetOptions target = options.Target ?? new TargetOptions();
            ArraySource? labels = target.Kind == TargetKind.File ? ArraySource.Open(target.Source!, "target.source", options.Remote) : null;
            plan = new LoaderPlan(source, labels) { Target = target, Mixture = mixture, Inputs = inputs };
            plan.Build(options, pipelined);
            return plan;
        }
        catch
        {
            if (plan is null)
            {
                inputs?.Dispose();
                source.Dispose();
            }
            else
            {
                plan.Dispose();
            }

            throw;
        }
    }

    private void Build(WindowLoaderOptions options, bool pipelined)
    {
        ElementType output = Inputs?.FirstType ?? options.OutputType ?? NormalizePlan.DefaultOutputType(options, Source.ElementType);
        if (!ElementConverter.CanConvert(Source.ElementType, output))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"outputType: expected the file's type ({ElementTypeInfo.Name(Source.ElementType)}), float32 or float64; found {ElementTypeInfo.Name(output)}.");
        }

        long span = options.Window;
        long? labelRows = null;
        int[]? targetShape = null;
        ElementType targetType = output;
        long targetBytes = 0;
        if (Target.Kind == TargetKind.Next)
        {
            span += Target.Horizon;
            targetShape = [Target.Horizon, .. Source.RowShape];
            targetBytes = Target.Horizon * Source.RowElements * ElementTypeInfo.SizeOf(output);
        }
        else if (Labels is not null)
        {
            targetType = options.OutputType ?? Labels.ElementType;
            if (!ElementConverter.CanConvert(Labels.ElementType, targetType))
            {
                throw new ArgumentOutOfRangeException(nameof(options), $"outputType: expected the labels' type ({ElementTypeInfo.Name(Labels.ElementType)}), float32 or float64; found {ElementTypeInfo.Name(targetType)}.");
            }

            if (Labels.TotalRows != Source.TotalRows)
            {
                throw new InvalidDataException($"{Labels.Shards[0].Path}: target.source rows: expected {Source.TotalRows} (one label row per input row); found {Labels.TotalRows}.");
            }

            labelRows = Labels.TotalRows;
            targetShape = [.. Labels.ItemShape]; // (N,) labels give (B,) targets
            targetBytes = Labels.RowElements * ElementTypeInfo.SizeOf(targetType);
        }

        if (Inputs is not null && Target.Kind == TargetKind.Next)
        {
            (targetShape, targetType, targetBytes) = Inputs.NextTarget(Target.Horizon);
        }

        span = new WindowGeometry(options.Window, options.Dilation, Target).Span; // dilation and lead time
        Index = Mixture is not null ? Mixture.BuildIndex(options, span) : RestrictedStarts.Build(Inputs?.Segments ?? Source, Labels, options);
        if (Index.Count == 0)
        {
            long longest = 0;
            foreach (ShardFile s in (Inputs?.Segments ?? Source).Shards)
            {
                longest = Math.Max(longest, s.Rows);
            }

            throw new ArgumentOutOfRangeException(nameof(options),
                $"window: expected at most {longest - (span - options.Window)} rows (the longest shard has {longest} rows{(span > options.Window ? $" and the target needs {span - options.Window} more" : string.Empty)}); found {options.Window}: no window fits.");
        }

        if (pipelined)
        {
            (Rank, WorldSize, RankSource) = options.ResolveRank();
            Workers = options.ResolveWorkers();
            AdaptiveWorkers = options.ResolveAutoWorkers();
            (long blockStarts, int blocksPerSet) = ShuffleBlocks(options, Source);
            Sampler = new WindowSampler(Index, options.Sampler, options.Seed, options.Stride, options.WindowsPerEpoch, options.BatchSize, options.DropLast, Rank, WorldSize, options.Starts, options.EvenRanks, blockStarts, blocksPerSet, Mixture?.CreateSampler(options.Sampler, options.WindowsPerEpoch));
        }
        else
        {
            (Rank, WorldSize, Workers) = (0, 1, 1);
            Sampler = new WindowSampler(Index, SamplerKind.Sequential, options.Seed, options.Stride, null, 1, dropLast: false, rank: 0, worldSize: 1, options.Starts);
        }

        int batchSize = pipelined ? options.BatchSize : 1;
        long windowBytes = options.Window * Source.RowElements * ElementTypeInfo.SizeOf(output);
        Layout = new BatchLayout(batchSize, options.Window, Source.RowShape, output, windowBytes, targetShape, targetType, targetBytes);
        if (Inputs is not null)
        {
            Layout = Inputs.Shape(Layout);
            windowBytes = Layout.WindowBytes;
        }

        if (Layout.InputBatchBytes > int.MaxValue || Layout.TargetBatchBytes > int.MaxValue || Layout.ExtraInputBatchBytes > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"batchSize: expected a batch of at most {int.MaxValue} bytes; found {batchSize} windows of {windowBytes} bytes = {Layout.InputBatchBytes} bytes.");
        }

        Reader = RowReader.Create(Source, output, options.Io, options.PageCache, NormalizePlan.Build(options, Source, output));
        _dilation = options.Dilation;
        (_coalesce, _stridedRows, InputBufferWindow) = ReadOnce(options, pipelined, span);
        if (Labels is not null)
        {
            LabelReader = RowReader.Create(Labels, targetType, options.Io, options.PageCache);
        }

        // Chunk caches: each holds at least one chunk per thread that reads at once, so no reader ever waits for
        // another to release a chunk for long; the batch buffers come first, the cache takes what they leave.
        long inputSlot = LargestChunk(Source), labelSlot = Labels is null ? 0 : LargestChunk(Labels);
        int readers = pipelined ? Workers : 1;
        // The decoders rent their stored-chunk and intermediate buffers from the shared array pool, which rounds up
        // to a power of two: count two such buffers per worker.
        Inputs?.OpenReaders(options.Io, options.PageCache, pipelined ? Workers + 1 : 8);
        long slot = Math.Max(Math.Max(inputSlot, labelSlot), Inputs?.LargestExtraChunk ?? 0);
        _decodeScratchBytes = slot == 0 ? 0 : 2 * (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)(slot + (slot / 8) + (64 << 10)));
        // A block shuffle keeps its set of chunks (and the one its windows run into) resident as well.
        // A block shuffle keeps its set resident: every chunk of a block's row band (the chunks across the row's
        // axes too) for each block of the set, and the band its windows run into.
        int resident = readers + (options.ShuffleBlock is { } shuffle && pipelined ? (int)Math.Min(1 << 20, (shuffle.Chunks + 1 + ((options.Window - 1) / Math.Max(1, FirstChunkRows(Source)))) * ChunksPerRowBand(Source)) : 0);
        _minimumCacheBytes = (inputSlot * resident) + (labelSlot * resident);
        readers = resident;
        Gatherer = NewGatherer();
        ReadAhead = options.ReadAhead;
        if (!pipelined)
        {
            BufferCount = 0;
            AttachCaches(output, targetType, options, inputSlot, labelSlot, readers, inputSlot == 0 ? 0 : Math.Max(readers, ReaderCacheBytes / inputSlot), labelSlot == 0 ? 0 : readers);
            return;
        }

        long budget = options.MemoryBudget;
        long minimumCache = options.ChunkCache is { } asked && _minimumCacheBytes > 0 ? Math.Max(asked, _minimumCacheBytes) : _minimumCacheBytes;
        if (Source.Remote is { } remote)
        {
            ReadAhead = ObjectReadAhead(options, remote, span, budget, minimumCache) ? options.ReadAhead : RemoteReadAhead(options, remote, span, budget);
        }

        if (Labels?.Remote is { } labelRemote && ReadAhead > 0)
        {
            // Labels by URL are read ahead with their windows: a block for each window's label row, unread for as
            // long as the windows' own read-ahead (three quarters of the cache may be unread).
            long labelAhead = (ReadAhead + Workers + 2L) * options.BatchSize * options.Remote.BlockSize * 4 / 3;
            labelRemote.GrowCache(Math.Min(labelAhead, budget / 4));
        }

        if (options.ChunkCache is { } cache && _minimumCacheBytes > 0 && cache < _minimumCacheBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(options),
                $"chunkCache: expected at least {_minimumCacheBytes} bytes (one decoded chunk of {Math.Max(inputSlot, labelSlot)} bytes for each of {readers} workers); found {cache}.");
        }

        FitRunBuffers(budget, minimumCache, span);
        long fitting = (budget - ScratchBytes - minimumCache) / BatchBytes;
        if (fitting < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(options),
                $"memoryBudget: expected at least {(2 * BatchBytes) + ScratchBytes + minimumCache} bytes (2 batches of {BatchBytes} bytes{(ScratchBytes - RemoteCacheBytes > 0 ? $" + {ScratchBytes - RemoteCacheBytes} bytes of scratch for {Workers} workers" : string.Empty)}{(RemoteCacheBytes > 0 ? $" + {RemoteCacheBytes} bytes of remote block cache" : string.Empty)}{(minimumCache > 0 ? $" + a chunk cache of {minimumCache} bytes" : string.Empty)}); found {budget}.");
        }

        int prefetch = options.Prefetch ?? (2 * Workers);
        BufferCount = (int)Math.Max(2, Math.Min(fitting, prefetch + 1L));
        long cacheBytes = options.ChunkCache is { } explicitBytes ? explicitBytes : budget - ScratchBytes - (BufferCount * BatchBytes);
        if (_minimumCacheBytes > 0)
        {
            // Split between input and labels in proportion to their chunk sizes.
            long perSlotPair = inputSlot + labelSlot;
            long pairs = Math.Max(readers, cacheBytes / perSlotPair);
            AttachCaches(output, targetType, options, inputSlot, labelSlot, readers, inputSlot == 0 ? 0 : pairs, labelSlot == 0 ? 0 : pairs);
        }

        Debug.Assert(BufferCount * BatchBytes + ScratchBytes + CacheBytes <= options.MemoryBudget);
    }

    /// <summary>The planner's settings: coalescing, the strided view's run rows (0: none) and the input buffer's rows per window.</summary>
    /// <summary>
    /// The read-ahead distance for a remote source, in batches (<c>readAhead</c>, or more by
    /// <see cref="RemoteOptions.ReadAheadBytes"/>), and the block cache sized to hold it: read-ahead may hold three
    /// quarters of the cache (<see cref="Remote.BlockCache"/>), the rest is for the batches being gathered. A cache
    /// too small for the distance (fixed <c>memoryCacheBytes</c>, or half the budget) shortens the distance instead
    /// of dropping read-ahead that does not fit.
    /// </summary>
    private int RemoteReadAhead(WindowLoaderOptions options, Remote.RemoteEngine remote, long span, long budget)
    {
        if (options.ReadAhead == 0)
        {
            return 0;
        }

        // Bytes a batch fetches: each window rounds out to blocks, about one block more than its bytes.
        long batchFetch = options.BatchSize * ((span * Source.RowBytes) + options.Remote.BlockSize);
        long wanted = Math.Max(options.ReadAhead, Math.Min(64, (options.Remote.ReadAheadBytes + batchFetch - 1) / batchFetch));
        // Not read yet at any time: the batches announced ahead, those the workers are gathering and the one a
        // worker announces next; a read-ahead that does not fit is dropped and its windows wait one request each.
        long cache = (wanted + Workers + 2) * batchFetch * 4 / 3;
        remote.GrowCache(Math.Min(cache, budget / 2));
        long fits = (remote.CacheCapacity * 3 / 4 / batchFetch) - Workers - 1;
        return (int)Math.Clamp(Math.Min(wanted, fits), 1, 64);
    }

    /// <summary>
    /// Remote Zarr arrays of whole chunk objects: the chunks the next batches' windows touch are fetched ahead as
    /// whole objects into the engine's whole-object read-ahead, sized here, in the budget: (readAhead + 1) batches of
    /// the chunks their windows may touch, each the largest pooled buffer its object may need, at most a quarter of
    /// the budget and half of what the batch buffers, scratch and the chunk cache leave (hints past it are
    /// dropped, their chunks read on demand). Their ETag table takes at most 16 MiB (a sixteenth of the budget).
    /// The chunk cache takes the rest, as before. True when every chunked shard is of that kind (the block cache,
    /// which whole chunk objects do not use, is then not grown for the read-ahead).
    /// </summary>
    private bool ObjectReadAhead(WindowLoaderOptions options, Remote.RemoteEngine remote, long span, long budget, long minimumCache)
    {
        long perChunk = 0, chunkRows = 1, band = 1;
        bool all = true;
        foreach (ShardFile s in Source.Shards)
        {
            long bytes = s.Chunks?.ReadAheadObjectBytes ?? 0;
            all &= bytes > 0;
            if (bytes > perChunk)
            {
                perChunk = bytes;
                chunkRows = s.Chunks!.ChunkShape[0];
                band = 1;
                for (int axis = 1; axis < s.Chunks.GridShape.Length; axis++)
                {
                    band *= s.Chunks.GridShape[axis];
                }
            }
        }

        if (perChunk == 0)
        {
            return false;
        }

        // What the batch buffers, scratch and the chunk cache (the one asked for, else the smallest) leave.
        long room = Math.Max(0, budget - ScratchBytes - minimumCache - (2 * BatchBytes));
        long versions = Math.Min(Math.Min(Remote.ObjectVersions.DefaultCapacityBytes, budget / 16), room / 2);
        long windowChunks = (((span - 1) / chunkRows) + 2) * band;
        long batchBytes = Math.Min(options.BatchSize * windowChunks, Math.Max(1, TotalChunks(Source))) * perChunk;
        long share = options.ReadAhead == 0 ? 0 : Math.Min(Math.Min((options.ReadAhead + 1L) * batchBytes, budget / 4), (room - versions) / 2);
        remote.ConfigureObjects(share < perChunk ? 0 : share, versions);
        return all;
    }

    private (bool Coalesce, long StridedRows, int BufferWindow) ReadOnce(WindowLoaderOptions options, bool pipelined, long span)
    {
        if (!pipelined)
        {
            return (false, 0, Layout.Window);
        }

        // Runs are whole windows with their next rows right after them: not dilated or lead-time windows, nor aligned inputs.
        bool plain = options.Dilation == 1 && Target.LeadTime == 0 && Inputs is null;
        if (!plain || !options.StridedWindows || options.Sampler != SamplerKind.Sequential || options.Stride >= options.Window || options.BatchSize < 2)
        {
            return (plain && options.Coalesce, 0, Layout.Window);
        }

        // The run of a full batch: (B - 1) * stride + window (+ horizon) rows, in buffers of B x W' rows.
        long run = ((options.BatchSize - 1L) * options.Stride) + span;
        int bufferWindow = (int)Math.Max(Layout.Window, (run + options.BatchSize - 1) / options.BatchSize);
        return (options.Coalesce, (long)options.BatchSize * bufferWindow, bufferWindow);
    }

    /// <summary>
    /// The run buffers make reads cheaper but are not needed: when two batches and the rest leave too little of the
    /// budget for them, they shrink to what is left, or coalescing is off (the smallest budget is the same with it or without).
    /// </summary>
    private void FitRunBuffers(long budget, long minimumCache, long span)
    {
        if (!_coalesce || (2 * BatchBytes) + ScratchBytes + minimumCache <= budget)
        {
            return;
        }

        _runRowsLimit = 0;
        Gatherer = NewGatherer();
        long perWorker = ((budget - ((2 * BatchBytes) + ScratchBytes + minimumCache)) / Workers) - 64;
        long rows = perWorker / ((Layout.WindowBytes / Layout.Window) + Source.RowBytes);
        if (rows >= 2 * span)
        {
            _runRowsLimit = rows;
            Gatherer = NewGatherer();
        }

        Debug.Assert((2 * BatchBytes) + ScratchBytes + minimumCache <= budget);
    }

    private BatchGatherer NewGatherer()
    {
        bool coalesce = _coalesce && _runRowsLimit > 0;
        ReadPlanner? planner = coalesce || _stridedRows > 0 ? new ReadPlanner(Reader, Layout, Target, coalesce, _runRowsLimit, _stridedRows, Counters) : null;
        return new BatchGatherer(Sampler, Reader, LabelReader, Layout, Target, _dilation, Inputs?.WithFirst(Reader), planner, Counters);
    }

    /// <summary>A <see cref="WindowReader"/> has no budget: its cache holds this much (or one chunk per reader).</summary>
    private const long ReaderCacheBytes = 64L << 20;

    /// <summary>The block shuffle's block (starts per chunk) and blocks per set; (0, 0) for a plain permutation.</summary>
    private static (long, int) ShuffleBlocks(WindowLoaderOptions options, ArraySource source)
    {
        if (options.ShuffleBlock is not { } block)
        {
            return (0, 0);
        }

        if (block.Rows is { } rows)
        {
            return (rows, block.Chunks);
        }

        foreach (ShardFile s in source.Shards)
        {
            if (s.Chunks is { } c)
            {
                return (c.ChunkShape[0], block.Chunks);
            }
        }

        throw new ArgumentException($"{source.Shards[0].Path}: shuffleBlock.rows: expected a block height for a source without chunks ({source.Shards[0].Format}); found none.", nameof(options));
    }

    private static long FirstChunkRows(ArraySource source)
    {
        foreach (ShardFile s in source.Shards)
        {
            if (s.Chunks is { } c)
            {
                return c.ChunkShape[0];
            }
        }

        return 0;
    }

    private static long ChunksPerRowBand(ArraySource source)
    {
        foreach (ShardFile s in source.Shards)
        {
            if (s.Chunks is { } c)
            {
                long n = 1;
                for (int axis = 1; axis < c.GridShape.Length; axis++)
                {
                    n *= c.GridShape[axis];
                }

                return n;
            }
        }

        return 1;
    }

    private static long LargestChunk(ArraySource source)
    {
        long largest = 0;
        foreach (ShardFile s in source.Shards)
        {
            if (s.Chunks is { } c)
            {
                largest = Math.Max(largest, c.ChunkBytes);
            }
        }

        return largest;
    }

    private static long TotalChunks(ArraySource source)
    {
        long total = 0;
        foreach (ShardFile s in source.Shards)
        {
            if (s.Chunks is { } c)
            {
                long n = 1;
                foreach (long g in c.GridShape)
                {
                    n = n > long.MaxValue / Math.Max(1, g) ? long.MaxValue : n * g;
                }

                total = total > long.MaxValue - n ? long.MaxValue : total + n;
            }
        }

        return total;
    }

    private void AttachCaches(ElementType output, ElementType targetType, WindowLoaderOptions options, long inputSlot, long labelSlot, int readers, long inputSlots, long labelSlots)
    {
        if (inputSlot > 0)
        {
            // No more slots than chunks: a small array is cached whole without reserving the rest of the budget.
            int slots = (int)Math.Clamp(Math.Min(inputSlots, TotalChunks(Source)), readers, 1 << 20);
            InputCache = new ChunkCache(inputSlot, slots);
            Reader = new ChunkedRowReader(Source, output, options.PageCache, Reader, InputCache);
        }

        if (labelSlot > 0 && Labels is not null && LabelReader is not null)
        {
            int slots = (int)Math.Clamp(Math.Min(labelSlots, TotalChunks(Labels)), readers, 1 << 20);
            LabelCache = new ChunkCache(labelSlot, slots);
            LabelReader = new ChunkedRowReader(Labels, targetType, options.PageCache, LabelReader, LabelCache);
        }

        Gatherer = NewGatherer();
    }
}
