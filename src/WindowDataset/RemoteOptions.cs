using System.Text.Json.Serialization;
using WindowDataset.Configuration;
using WindowDataset.Remote;
using static System.FormattableString;

namespace WindowDataset;

/// <summary>
/// How sources given by URL (<c>s3://</c>, <c>az://</c>, <c>https://</c>) are read: requests in flight, request
/// unit, RAM and disk block caches, timeouts and retries.
/// </summary>
public sealed class RemoteOptions
{
    /// <summary>
    /// Ranged requests in flight at once in this process (read-ahead and demand reads together). Default 32
    /// (measured on localhost: 32 beat 16 against s3rver in most runs and was within noise of it against Kestrel;
    /// real stores have more latency per request, which more requests in flight hide).
    /// </summary>
    public int Concurrency { get; set; } = 32;

    /// <summary>
    /// The unit of ranged requests and of both caches, in bytes: a read fetches the blocks it touches, consecutive
    /// missing blocks in one request. Smaller blocks fetch fewer bytes per byte delivered (each window rounds out to
    /// whole blocks), larger ones keep fewer cache entries. Default 16 KiB (measured on localhost, 256,000-byte
    /// windows at random rows: 1.04 bytes fetched per byte delivered against 1.22 at 64 KiB, at 1.06 requests per
    /// window either way, and 0.84x the parallel-GET baseline in the median of 7 runs against 0.74x of 5).
    /// </summary>
    [JsonConverter(typeof(ByteSizeConverter))]
    public long BlockSize { get; set; } = 16 * 1024;

    /// <summary>
    /// RAM for fetched blocks (LRU), including blocks being read ahead; part of the memory budget. 0 (default): sized
    /// for the loader's read-ahead, (readAhead + 2) batches of every worker's windows plus a block each, at least
    /// 64 MiB and at most half the budget (measured: a 64 MiB cache held only about a third of the read-ahead of 2
    /// workers over 256 KB windows, which then waited on one request at a time).
    /// </summary>
    [JsonConverter(typeof(ByteSizeConverter))]
    public long MemoryCacheBytes { get; set; }

    /// <summary>
    /// For remote sources, read ahead by bytes rather than batches: the loader announces that many bytes of the next
    /// batches' windows (at least <c>readAhead</c> batches, at most 64) and sizes the block cache to hold them, within
    /// half the memory budget or the fixed <see cref="MemoryCacheBytes"/>. Default 0: <c>readAhead</c> batches, as for
    /// local files (measured on localhost with 5 ms per request: 128 MiB ahead, 7 batches, ran at 0.45x the parallel
    /// GETs against 0.57-0.75x with 2 batches; with 10 % 503s and no latency it made no difference). Raise it where
    /// a batch's requests take longer than the workers take to gather one batch.
    /// </summary>
    [JsonConverter(typeof(ByteSizeConverter))]
    public long ReadAheadBytes { get; set; }

    /// <summary>A folder for a local disk cache of fetched blocks, shared safely by processes on one machine. Null: no disk cache.</summary>
    public string? CacheDirectory { get; set; }

    /// <summary>Cap of the disk cache in bytes; the least recently used blocks are deleted past it. Default 10 GiB.</summary>
    [JsonConverter(typeof(ByteSizeConverter))]
    public long CacheBytes { get; set; } = 10L << 30;

    /// <summary>Time allowed for one request, headers and body, in milliseconds, before it is retried. Default 30000.</summary>
    public long RequestTimeoutMilliseconds { get; set; } = 30_000;

    /// <summary>Retries of one request (429, 5xx, timeouts, dropped connections, truncated bodies) before it fails. Default 5.</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>
    /// Retries the loader may spend before failures are no longer retried. Every request that succeeds earns back a
    /// fifth of a retry, up to this budget, so a steady failure rate below one request in five is retried for as long
    /// as the run lasts while an outage spends the budget and fails clearly. Default 1000.
    /// </summary>
    public int RetryBudget { get; set; } = 1000;

    /// <summary>S3 endpoint (an S3-compatible server: <c>http://127.0.0.1:9000</c>); path-style addressing is used with it. Null: the <c>AWS_ENDPOINT_URL</c> environment variable, else AWS.</summary>
    public string? Endpoint { get; set; }

    /// <summary>The most a first retry waits, in milliseconds (full jitter: 0 to it); each further retry's ceiling is 4 times the last, up to 2 s (<see cref="RetryBackoff"/>).</summary>
    internal int BackoffMilliseconds { get; set; } = 5;

    /// <summary>A copy.</summary>
    public RemoteOptions Clone() => (RemoteOptions)MemberwiseClone();

    /// <summary>The first rule <paramref name="o"/> breaks, as a message naming <paramref name="key"/> (the options' JSON path, e.g. <c>remote</c>), or null.</summary>
    internal static string? Check(RemoteOptions o, string key)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (o.Concurrency is < 1 or > 1024)
        {
            return Invariant($"{key}.concurrency: expected 1..1024; found {o.Concurrency}.");
        }

        if (o.BlockSize is < 4096 or > (64L << 20))
        {
            return Invariant($"{key}.blockSize: expected 4KiB..64MiB; found {o.BlockSize}.");
        }

        if (o.MemoryCacheBytes != 0 && o.MemoryCacheBytes < 4 * o.BlockSize)
        {
            return Invariant($"{key}.memoryCacheBytes: expected 0 (sized for the read-ahead) or at least 4 blocks ({4 * o.BlockSize} bytes); found {o.MemoryCacheBytes}.");
        }

        if (o.CacheDirectory is { Length: 0 })
        {
            return Invariant($"{key}.cacheDirectory: expected a folder or null; found an empty string.");
        }

        if (o.CacheBytes < o.BlockSize)
        {
            return Invariant($"{key}.cacheBytes: expected at least one block ({o.BlockSize} bytes); found {o.CacheBytes}.");
        }

        if (o.RequestTimeoutMilliseconds is < 1 or > 3_600_000)
        {
            return Invariant($"{key}.requestTimeoutMilliseconds: expected 1..3600000; found {o.RequestTimeoutMilliseconds}.");
        }

        if (o.ReadAheadBytes < 0)
        {
            return Invariant($"{key}.readAheadBytes: expected >= 0; found {o.ReadAheadBytes}.");
        }

        if (o.MaxRetries is < 0 or > 100)
        {
            return Invariant($"{key}.maxRetries: expected 0..100; found {o.MaxRetries}.");
        }

        if (o.RetryBudget is < 0 or > 10_000_000)
        {
            return Invariant($"{key}.retryBudget: expected 0..10000000; found {o.RetryBudget}.");
        }

        if (o.Endpoint is { } endpoint && !(Uri.TryCreate(endpoint, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            return Invariant($"{key}.endpoint: expected an http:// or https:// URL or null; found '{RemoteUrl.Redact(endpoint)}'.");
        }

        return null;
    }
}
