namespace WindowDataset;

/// <summary>A snapshot of a loader's counters since it was created.</summary>
public sealed record LoaderStatistics
{
    /// <summary>Batches delivered to the consumer.</summary>
    public long Batches { get; init; }

    /// <summary>Windows delivered to the consumer.</summary>
    public long Windows { get; init; }

    /// <summary>Bytes of input (and target) data delivered, in the output type.</summary>
    public long Bytes { get; init; }

    /// <summary>Bytes the workers read from the sources, in the file's element type (a row shared by windows of a batch counts once when reads are coalesced).</summary>
    public long BytesRead { get; init; }

    /// <summary>Bytes of input (and target) data delivered, in the output type: <see cref="Bytes"/>.</summary>
    public long BytesDelivered => Bytes;

    /// <summary>Time enumerations were running (from the first request to the end of the enumeration).</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Time the consumer spent blocked waiting for the next batch.</summary>
    public TimeSpan ConsumerWait { get; init; }

    /// <summary>Time workers spent waiting for a free buffer (the consumer is the bottleneck when this is high).</summary>
    public TimeSpan ProducerWait { get; init; }

    /// <summary>Chunked sources: chunk requests served from the decoded-chunk cache.</summary>
    public long ChunkHits { get; init; }

    /// <summary>Chunked sources: chunk requests that decoded the chunk (single flight: one per chunk while it stays cached).</summary>
    public long ChunkMisses { get; init; }

    /// <summary>Chunked sources: bytes of chunks decoded (or filled, for chunks never written).</summary>
    public long ChunkBytesDecoded { get; init; }

    /// <summary>Chunked sources: bytes the chunk cache may hold, part of the memory budget.</summary>
    public long ChunkCacheBytes { get; init; }

    /// <summary>Chunked sources: <see cref="ChunkBytesDecoded"/> / <see cref="Bytes"/> (0 before any delivery; 0 for flat sources).</summary>
    public double ReadAmplification => Bytes > 0 ? (double)ChunkBytesDecoded / Bytes : 0;

    /// <summary>Sources by URL: ranged requests sent (retries included).</summary>
    public long RemoteRequests { get; init; }

    /// <summary>Sources by URL: body bytes received from the network.</summary>
    public long RemoteBytesFetched { get; init; }

    /// <summary>Sources by URL: requests retried.</summary>
    public long RemoteRetries { get; init; }

    /// <summary>Sources by URL: blocks served by the RAM or disk block cache instead of a request.</summary>
    public long RemoteCacheHits { get; init; }

    /// <summary>Mixtures: windows delivered from each component, in the order of <see cref="WindowLoaderOptions.Mixture"/>; null for a single source.</summary>
    public IReadOnlyList<long>? ComponentWindows { get; init; }

    /// <summary>Worker threads started per enumeration (with <c>workers: "auto"</c>, the most that can be active).</summary>
    public int Workers { get; init; }

    /// <summary>True when the loader adjusts its active workers (<c>workers: "auto"</c>).</summary>
    public bool AdaptiveWorkers { get; init; }

    /// <summary>Workers claiming batches now (or at the end of the last enumeration); <see cref="Workers"/> with a fixed count.</summary>
    public int ActiveWorkers { get; init; }

    /// <summary>Active workers averaged over <see cref="Elapsed"/>.</summary>
    public double MeanActiveWorkers { get; init; }

    /// <summary>Times the adaptive loader added an active worker (the consumer waited for data).</summary>
    public long WorkerIncreases { get; init; }

    /// <summary>Times the adaptive loader parked a worker (the others had room to spare and the consumer did not wait).</summary>
    public long WorkerDecreases { get; init; }

    /// <summary>The most recent changes of the active worker count, oldest first (at most 16).</summary>
    public IReadOnlyList<WorkerDecision> WorkerDecisions { get; init; } = [];

    /// <summary>Batches per second over <see cref="Elapsed"/>.</summary>
    public double BatchesPerSecond => Elapsed > TimeSpan.Zero ? Batches / Elapsed.TotalSeconds : 0;

    /// <summary>Windows per second over <see cref="Elapsed"/>.</summary>
    public double WindowsPerSecond => Elapsed > TimeSpan.Zero ? Windows / Elapsed.TotalSeconds : 0;

    /// <summary>Bytes per second over <see cref="Elapsed"/>.</summary>
    public double BytesPerSecond => Elapsed > TimeSpan.Zero ? Bytes / Elapsed.TotalSeconds : 0;

    /// <summary>Share (0..1) of <see cref="Elapsed"/> the consumer spent waiting for data.</summary>
    public double DataWaitShare => Elapsed > TimeSpan.Zero ? Math.Clamp(ConsumerWait / Elapsed, 0, 1) : 0;
}
