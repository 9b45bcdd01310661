namespace WindowDataset.Cli.Benchmarks;

/// <summary>One run of one configuration: the loader and each baseline on the same windows.</summary>
internal sealed record RunResult
{
    public required TimeSpan LoaderTime { get; init; }

    public required long Windows { get; init; }

    /// <summary>Bytes the loader delivered (output type).</summary>
    public required long LoaderBytes { get; init; }

    public required double FirstBatchMs { get; init; }

    /// <summary>Bytes read from storage during the timed epoch (<c>/proc/self/io</c> read_bytes); null where unavailable.</summary>
    public long? StorageBytesRead { get; init; }

    /// <summary>Bytes the loader read from its sources in the timed epoch (<see cref="LoaderStatistics.BytesRead"/>, file type).</summary>
    public long LoaderBytesRead { get; init; }

    public required double DataWaitShare { get; init; }

    /// <summary>Chunked sources: bytes of chunks decoded per byte delivered in the timed epoch (0 for flat sources).</summary>
    public double ReadAmplification { get; init; }

    /// <summary>Sources by URL: the loader's ranged requests, bytes received and retries in the timed epoch.</summary>
    public long RemoteRequests { get; init; }

    public long RemoteBytesFetched { get; init; }

    public long RemoteRetries { get; init; }

    /// <summary>Sources by URL: the same windows as ranged GETs, one at a time, and with <c>remote.concurrency</c> in flight.</summary>
    public TimeSpan? GetSerial { get; init; }

    public TimeSpan? GetParallel { get; init; }

    /// <summary>Sources by URL: windows whose bytes differ from the parallel-GET baseline's (null when not checked).</summary>
    public long? WrongWindows { get; init; }

    /// <summary>Chunked sources: share of chunk requests the cache served.</summary>
    public double ChunkHitShare { get; init; }

    public required double ProducerWaitShare { get; init; }

    public TimeSpan? Pread { get; init; }

    public TimeSpan? PreadThreads { get; init; }

    public TimeSpan? Madvise { get; init; }

    public TimeSpan? Memcpy { get; init; }

    public required MemorySample Before { get; init; }

    public required MemorySample Peak { get; init; }

    public required bool HwmReset { get; init; }

    /// <summary>File pages made resident during the loader run (mincore after - before), in bytes.</summary>
    public required long PageCacheGrowthBytes { get; init; }

    /// <summary>/proc/meminfo Cached after - before the loader run, in bytes (whole system).</summary>
    public long? CachedDeltaBytes { get; init; }

    /// <summary>Cold runs: the largest resident fraction of the files measured right after an eviction.</summary>
    public double? ColdResidentFraction { get; init; }
}
