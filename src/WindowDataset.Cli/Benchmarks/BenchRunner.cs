using System.Diagnostics;
using System.Runtime;
using WindowDataset.Cli.Benchmarks.Baselines;
using WindowDataset.Cli.Commands;
using WindowDataset.Shared.Progress;

namespace WindowDataset.Cli.Benchmarks;

/// <summary>
/// Runs each configuration (io x cache): the loader, then each baseline, on the same starts (the loader's
/// <see cref="WindowLoader.GetStarts"/> for epoch 0). Warm: the windows are read once before each method. Cold: the
/// files are evicted (and the eviction checked with mincore) before each method.
/// </summary>
internal sealed class BenchRunner
{
    private const double ColdTolerance = 0.01;

    /// <summary>
    /// Untimed reading before the timed epoch: the JIT's tiered compilation needs about half a second for the
    /// conversion kernels and up to two for the chunk decoders (inflate, Blosc): measured, a chunked source's first
    /// epoch ran at half its steady speed.
    /// </summary>
    private const int WarmUpMilliseconds = 2000;

    /// <summary>
    /// The warm-up goes on until the JIT has compiled nothing for this long: on 2 busy cores its tiering thread ran
    /// through a 2 s warm-up and took a fifth of the client's CPU during a timed remote epoch (perf, 20,000 windows).
    /// </summary>
    private const int JitQuietMilliseconds = 500;

    /// <summary>A warm-up never runs longer, should the JIT never go quiet.</summary>
    private const int MaxWarmUpMilliseconds = 20_000;
    private readonly BenchSettings _settings;
    private readonly CommandContext _context;
    private readonly CancellationToken _cancellationToken;

    public BenchRunner(BenchSettings settings, CommandContext context, CancellationToken cancellationToken)
    {
        _settings = settings;
        _context = context;
        _cancellationToken = cancellationToken;
    }

    public void Run()
    {
        WindowLoaderOptions options = _settings.Options;
        IReadOnlyList<BenchVariant> variants = _settings.Variants.Count > 0 ? _settings.Variants : [new BenchVariant(options.Sampler, options.Stride, options.Coalesce)];
        var comparison = new BenchComparison();
        foreach (IoMode io in _settings.IoModes)
        {
            options.Io = io;
            variants[0].Apply(options);
            WarmUpCode(options);
            foreach (bool cold in _settings.CacheModes)
            {
                MachineCeilings? ceilings = null;
                foreach (BenchVariant variant in variants)
                {
                    options.Io = io;
                    variant.Apply(options);
                    BenchConfiguration configuration = Describe(options, io, cold, variant);
                    if (_settings.Ceilings && ceilings is null)
                    {
                        using (_context.Progress($"bench ceilings io={LoaderConfig.Name(io)} cache={(cold ? "cold" : "warm")}"))
                        {
                            ceilings = MachineCeilings.Measure(configuration.Plan, cold, configuration.Workers, _cancellationToken);
                        }
                    }

                    configuration = configuration with { Ceilings = ceilings };
                    RunConfiguration(configuration, io, cold, comparison);
                }
            }
        }

        comparison.Write(_context.Out, _settings.Json);
        _context.Out.Flush();
    }

    private void RunConfiguration(BenchConfiguration configuration, IoMode io, bool cold, BenchComparison comparison)
    {
        if (_settings.StartsOut is { } startsOut)
        {
            Commands.StartsFile.Write(startsOut, configuration.Plan.Starts);
        }

        var runs = new List<RunResult>();
        int methods = 1 + BitCount(configuration.Baselines) + (configuration.RemoteBaselines ? 2 : 0);
        using (ProgressScope bar = _context.Progress($"bench io={LoaderConfig.Name(io)} cache={(cold ? "cold" : "warm")} {configuration.Variant.Name}"))
        {
            for (int r = 0; r < _settings.Repeat; r++)
            {
                runs.Add(RunOnce(configuration, cold, done => bar.Report((double)((r * methods) + done) / (_settings.Repeat * methods))));
            }
        }

        var report = new BenchReport(configuration, runs);
        comparison.Add(configuration, report);
        if (_settings.Json)
        {
            report.WriteJson(_context.Out);
        }
        else
        {
            report.WriteTable(_context.Out);
        }

        _context.Out.Flush();
        if (cold && runs.Max(r => r.ColdResidentFraction ?? 0) > ColdTolerance)
        {
            _context.Warn($"cold eviction did not take effect: up to {runs.Max(r => r.ColdResidentFraction ?? 0):P1} of the file stayed in the page cache after POSIX_FADV_DONTNEED (pages mapped or locked by another process, or a filesystem that ignores the hint); the cold figures are partly warm.");
        }
    }

    /// <summary>Runs the loader and the baselines once on a few windows (untimed), so the first measured run does not pay for JIT compilation.</summary>
    private void WarmUpCode(WindowLoaderOptions options)
    {
        long? perEpoch = options.WindowsPerEpoch;
        options.WindowsPerEpoch = Math.Min(perEpoch ?? long.MaxValue, 2L * options.BatchSize);
        try
        {
            using var loader = new WindowLoader(options);
            foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0), _cancellationToken))
            {
                _ = batch.Count;
            }

            long[] starts = loader.GetStarts(0, 0);
            var plan = new WindowPlan(loader.Info, loader.Window, loader.BatchSize, loader.BufferCount, starts);
            if (plan.Chunked || plan.Remote)
            {
                return;
            }

            _ = PreadBaseline.Run(plan, 1, _cancellationToken);
            _ = PreadBaseline.Run(plan, loader.Workers, _cancellationToken);
            _ = MadviseBaseline.Run(plan, _cancellationToken);
            _ = MemcpyBaseline.Run(plan, _cancellationToken);
        }
        finally
        {
            options.WindowsPerEpoch = perEpoch;
        }
    }

    private static int BitCount(BaselineSet set) => System.Numerics.BitOperations.PopCount((uint)set);

    private BenchConfiguration Describe(WindowLoaderOptions options, IoMode io, bool cold, BenchVariant variant)
    {
        using var probe = new WindowLoader(options);
        long[] starts = new long[probe.WindowsPerEpoch];
        int at = 0;
        for (long b = 0; b < probe.BatchesPerEpoch; b++)
        {
            long[] batch = probe.GetStarts(0, b);
            batch.CopyTo(starts, at);
            at += batch.Length;
        }

        Debug.Assert(at == starts.Length);
        var plan = new WindowPlan(probe.Info, probe.Window, probe.BatchSize, probe.BufferCount, starts);
        return new BenchConfiguration
        {
            Io = io,
            Cold = cold,
            PageCache = options.PageCache,
            OutputType = probe.OutputType,
            FileType = probe.Info.ElementType,
            FileBigEndian = probe.Info.BigEndian,
            Window = probe.Window,
            BatchSize = probe.BatchSize,
            Workers = probe.Workers,
            BufferCount = probe.BufferCount,
            BatchBytes = probe.BatchBytes,
            MemoryBudget = options.MemoryBudget,
            WindowBytes = probe.WindowBytes,
            StepMs = _settings.StepMs,
            StepSpin = _settings.StepSpin,
            Repeat = _settings.Repeat,
            Plan = plan,

            // Raw-offset baselines read a flat file; a chunked source's baselines are h5py and zarr-python (bench/python/baselines.py).
            Baselines = plan.Chunked || plan.Remote ? BaselineSet.None : _settings.Baselines,
            RemoteBaselines = plan.Remote && !plan.Chunked && _settings.Baselines != BaselineSet.None && probe.Info.Shards.Count == 1
                && _settings.Options.Source.Paths is [string only] && only.IndexOfAny(['*', '?']) < 0 && string.IsNullOrEmpty(_settings.Options.Source.Glob),
            Variant = variant,
            StridedWindows = options.StridedWindows,
            Rows = probe.Info.Rows,
            FileBytes = probe.Info.Shards.Sum(s => s.FileLength),
        };
    }

    private RunResult RunOnce(BenchConfiguration c, bool cold, Action<int> progress)
    {
        WindowPlan plan = c.Plan;
        double coldResident = 0;
        void Prepare()
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (plan.Remote)
            {
                return; // nothing local: every run starts with an empty block cache (a new loader)
            }

            if (cold)
            {
                coldResident = Math.Max(coldResident, PageCache.Evict(plan.Paths));
            }
            else
            {
                WindowFiles.Warm(plan, _cancellationToken);
            }
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        MemorySample peak;
        MemorySample before;
        bool hwmReset;
        TimeSpan loaderTime;
        double firstBatchMs = 0;
        long windows = 0;
        long bytes = 0;
        LoaderStatistics stats;
        long? storageBefore, storageAfter;

        // A source by URL: every window the loader delivers is checked against the parallel-GET baseline's bytes.
        ulong[]? loaderHashes = c.RemoteBaselines && c.OutputType == c.FileType && !c.FileBigEndian ? new ulong[plan.Count] : null;
        long residentBefore;
        long? cachedBefore;
        using (MemoryMonitor monitor = MemoryMonitor.Start())
        {
            before = monitor.Before;
            hwmReset = monitor.HwmReset;
            using var loader = new WindowLoader(_settings.Options);

            // A training loop reuses its loader every epoch: measure that steady state. Untimed batches of another
            // epoch (other windows) allocate and fault in the buffer pool and let the JIT's tiered compilation
            // optimize the conversion kernels, chunk decoders and request paths (at least WarmUpMilliseconds, then
            // until no method was compiled for JitQuietMilliseconds); the timed epoch 0 then pays only for starting
            // its workers, which the first-batch latency reports. The warm-up hashes its windows as the timed epoch
            // does, so that the consumer's own code is compiled too.
            var warmUpClock = Stopwatch.StartNew();
            long warmUpBatches = 0;
            long compiled = JitInfo.GetCompiledMethodCount();
            long lastCompile = 0;
            ulong warmUpHash = 0;
            foreach (WindowBatch batch in loader.Read(ReadRange.ForEpochs(1, 1000), _cancellationToken))
            {
                for (int i = 0; loaderHashes is not null && i < batch.Count; i++)
                {
                    warmUpHash ^= WindowHash.Of(batch.GetWindow(i));
                }

                long now = warmUpClock.ElapsedMilliseconds;
                if (JitInfo.GetCompiledMethodCount() is var count && count != compiled)
                {
                    compiled = count;
                    lastCompile = now;
                }

                if (++warmUpBatches > loader.BufferCount && now > WarmUpMilliseconds && (now - lastCompile > JitQuietMilliseconds || now > MaxWarmUpMilliseconds))
                {
                    break;
                }
            }

            GC.KeepAlive(warmUpHash);
            Prepare();
            (residentBefore, _) = PageCache.Residency(plan.Paths);
            cachedBefore = PageCache.MeminfoCached();
            LoaderStatistics warmUp = loader.GetStatistics();
            storageBefore = ProcessIo.ReadBytes();
            var clock = Stopwatch.StartNew();
            foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0), _cancellationToken))
            {
                if (windows == 0)
                {
                    firstBatchMs = clock.Elapsed.TotalMilliseconds;
                }

                CheckStarts(batch, plan, windows);
                if (loaderHashes is not null)
                {
                    for (int i = 0; i < batch.Count; i++)
                    {
                        loaderHashes[windows + i] = WindowHash.Of(batch.GetWindow(i));
                    }
                }

                windows += batch.Count;
                bytes += batch.Count * batch.WindowBytes; // a strided batch has no Data
                if (c.StepMs > 0)
                {
                    Step(c.StepMs, c.StepSpin);
                }
            }

            clock.Stop();
            storageAfter = ProcessIo.ReadBytes();
            loaderTime = clock.Elapsed;
            LoaderStatistics total = loader.GetStatistics();
            stats = total with
            {
                Batches = total.Batches - warmUp.Batches,
                Windows = total.Windows - warmUp.Windows,
                Bytes = total.Bytes - warmUp.Bytes,
                Elapsed = total.Elapsed - warmUp.Elapsed,
                ConsumerWait = total.ConsumerWait - warmUp.ConsumerWait,
                ProducerWait = total.ProducerWait - warmUp.ProducerWait,
                ChunkHits = total.ChunkHits - warmUp.ChunkHits,
                ChunkMisses = total.ChunkMisses - warmUp.ChunkMisses,
                ChunkBytesDecoded = total.ChunkBytesDecoded - warmUp.ChunkBytesDecoded,
                RemoteRequests = total.RemoteRequests - warmUp.RemoteRequests,
                RemoteBytesFetched = total.RemoteBytesFetched - warmUp.RemoteBytesFetched,
                RemoteRetries = total.RemoteRetries - warmUp.RemoteRetries,
                BytesRead = total.BytesRead - warmUp.BytesRead,
            };
            peak = monitor.Stop();
        }

        (long residentAfter, _) = PageCache.Residency(plan.Paths);
        long? cachedAfter = PageCache.MeminfoCached();
        progress(1);
        int done = 1;
        TimeSpan? Measure(BaselineSet which, Func<TimeSpan> method)
        {
            if ((c.Baselines & which) == 0)
            {
                return null;
            }

            Prepare();
            TimeSpan t = method();
            progress(++done);
            return t;
        }

        TimeSpan? pread = Measure(BaselineSet.Pread, () => PreadBaseline.Run(plan, 1, _cancellationToken));
        TimeSpan? preadThreads = Measure(BaselineSet.PreadThreads, () => PreadBaseline.Run(plan, c.Workers, _cancellationToken));
        TimeSpan? madvise = Measure(BaselineSet.Madvise, () => MadviseBaseline.Run(plan, _cancellationToken));
        TimeSpan? memcpy = Measure(BaselineSet.Memcpy, () => MemcpyBaseline.Run(plan, _cancellationToken));
        (TimeSpan Time, long Requests)? getSerial = null, getParallel = null;
        long? wrongWindows = null;
        if (c.RemoteBaselines)
        {
            // The same windows as ranged GETs of exactly their bytes: one at a time (a naive client), and with as
            // many in flight as the loader may have (the link's limit here).
            string url = _settings.Options.Source.Paths[0];
            var ranges = new (long Offset, int Length)[plan.Count];
            for (int i = 0; i < ranges.Length; i++)
            {
                ranges[i] = (plan.Offset[i], (int)plan.FileWindowBytes);
            }

            string? endpoint = _settings.Options.Source.Endpoint ?? _settings.Options.Remote.Endpoint;
            (long _, double serialSeconds, long serialRequests) = RemoteBaselines.OneAtATime(url, ranges, endpoint, _cancellationToken);
            getSerial = (TimeSpan.FromSeconds(serialSeconds), serialRequests);
            progress(++done);
            ulong[]? baselineHashes = loaderHashes is null ? null : new ulong[plan.Count];
            (long _, double parallelSeconds, long parallelRequests) = RemoteBaselines.Parallel(url, ranges, _settings.Options.Remote.Concurrency, endpoint, _cancellationToken, baselineHashes);
            if (baselineHashes is not null)
            {
                wrongWindows = 0;
                for (int i = 0; i < baselineHashes.Length; i++)
                {
                    wrongWindows += baselineHashes[i] == loaderHashes![i] ? 0 : 1;
                }
            }

            getParallel = (TimeSpan.FromSeconds(parallelSeconds), parallelRequests);
            progress(++done);
        }

        long pageSize = Environment.SystemPageSize;
        return new RunResult
        {
            LoaderTime = loaderTime,
            Windows = windows,
            LoaderBytes = bytes,
            FirstBatchMs = firstBatchMs,
            StorageBytesRead = storageBefore is { } sb && storageAfter is { } sa ? sa - sb : null,
            LoaderBytesRead = stats.BytesRead,
            DataWaitShare = stats.DataWaitShare,
            ReadAmplification = stats.ReadAmplification,
            RemoteRequests = stats.RemoteRequests,
            RemoteBytesFetched = stats.RemoteBytesFetched,
            RemoteRetries = stats.RemoteRetries,
            GetSerial = getSerial?.Time,
            GetParallel = getParallel?.Time,
            WrongWindows = wrongWindows,
            ChunkHitShare = stats.ChunkHits + stats.ChunkMisses > 0 ? (double)stats.ChunkHits / (stats.ChunkHits + stats.ChunkMisses) : 0,
            ProducerWaitShare = stats.Elapsed > TimeSpan.Zero ? Math.Clamp(stats.ProducerWait / stats.Elapsed / Math.Max(1, c.Workers), 0, 1) : 0,
            Pread = pread,
            PreadThreads = preadThreads,
            Madvise = madvise,
            Memcpy = memcpy,
            Before = before,
            Peak = peak,
            HwmReset = hwmReset,
            PageCacheGrowthBytes = (residentAfter - residentBefore) * pageSize,
            CachedDeltaBytes = cachedBefore is { } cb && cachedAfter is { } ca ? ca - cb : null,
            ColdResidentFraction = cold ? coldResident : null,
        };
    }

    private static void CheckStarts(WindowBatch batch, WindowPlan plan, long first)
    {
        ReadOnlySpan<long> starts = batch.Starts;
        for (int i = 0; i < starts.Length; i++)
        {
            if (starts[i] != plan.Starts[first + i])
            {
                throw new InvalidOperationException($"bench: the loader delivered start {starts[i]} at window {first + i}; GetStarts promised {plan.Starts[first + i]} (the baselines would not read the same windows).");
            }
        }
    }

    private static void Step(double milliseconds, bool spin)
    {
        if (!spin)
        {
            Thread.Sleep(TimeSpan.FromMilliseconds(milliseconds));
            return;
        }

        long until = Stopwatch.GetTimestamp() + (long)(milliseconds * Stopwatch.Frequency / 1000);
        while (Stopwatch.GetTimestamp() < until)
        {
            Thread.SpinWait(20);
        }
    }
}
