using System.Collections.Concurrent;
using WindowDataset.Formats.Zarr;
using WindowDataset.Remote;
using WindowDataset.Sources;
using WindowDataset.Tests.Infrastructure;
using WindowDataset.Tests.Remote.Infrastructure;

namespace WindowDataset.Tests.Remote;

/// <summary>
/// Read-ahead of remote Zarr chunks (a real Kestrel server, a fault proxy in front): chunk objects of the next
/// batches are fetched before the workers ask, still one GET per chunk, within their share of the budget; windows
/// equal the local store's; a chunk object rewritten during a run fails with both ETags.
/// </summary>
public sealed class ZarrReadAheadTests : IDisposable
{
    private const int Rows = 2000;
    private const int Columns = 16;
    private const int ChunkRows = 50;
    private const int Chunks = Rows / ChunkRows;
    private readonly RangeServer _server = new();
    private readonly TempDirectory _dir = new();
    private readonly string _local;
    private readonly string _url;

    public ZarrReadAheadTests()
    {
        _local = ZarrStoreWriter.Float32(_dir.File("a.zarr"), Rows, Columns, ChunkRows);
        ZarrUpload.Store(_local, "a.zarr", (key, data) => _server.Put(key, data));
        _url = _server.Url("a.zarr");
    }

    public void Dispose()
    {
        _server.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void Read_RemoteZarrEpochWithLatency_ChunksFetchedAheadOneGetEachWithinTheShare()
    {
        var gets = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        using var proxy = new FaultProxy(_server.BaseUrl, r =>
        {
            if (r.Method == "GET" && IsChunk(r.PathAndQuery))
            {
                gets.AddOrUpdate(r.PathAndQuery, 1, (_, n) => n + 1);
                return FaultKind.Slow;
            }

            return FaultKind.None;
        }, TimeSpan.FromMilliseconds(10));
        WindowLoaderOptions options = Options(Through(proxy));
        using var loader = new WindowLoader(options);
        RemoteEngine engine = loader.Plan.Source.Remote!;
        Assert.True(engine.ObjectReadAheadCapacity > 0, "the whole-object read-ahead has a share of the budget");
        Assert.True(loader.Plan.ScratchBytes + (loader.Plan.BufferCount * loader.Plan.BatchBytes) + loader.Plan.CacheBytes <= options.MemoryBudget);
        AssertEqualsLocal(loader, options, epoch: 0);

        RemoteStatistics stats = engine.Statistics;
        Assert.Equal(Chunks, gets.Count);
        Assert.All(gets, g => Assert.Equal(1, g.Value));
        Assert.True(stats.ObjectsReadAhead > 0, "chunks were requested ahead");
        Assert.True(stats.ObjectReadAheadReady + stats.ObjectReadAheadJoined > 0, "workers were served by read-ahead GETs");
        Assert.True(stats.ObjectReadAheadPeakBytes <= engine.ObjectReadAheadCapacity, $"read-ahead held {stats.ObjectReadAheadPeakBytes} bytes, past its share of {engine.ObjectReadAheadCapacity}");
    }

    [Fact]
    public void Read_ThroughProxyWith503sAndLatency_EqualsTheLocalStoreBitForBit()
    {
        int chunkGets = 0;
        using var proxy = new FaultProxy(_server.BaseUrl, r => r.Method == "GET" && IsChunk(r.PathAndQuery)
            ? (Interlocked.Increment(ref chunkGets) % 8 == 0 ? FaultKind.Status503 : FaultKind.Slow)
            : FaultKind.None, TimeSpan.FromMilliseconds(5));
        WindowLoaderOptions options = Options(Through(proxy));
        options.ChunkCache = 8 * ChunkRows * Columns * 4L; // evicts: chunks are fetched (and read ahead) again
        using var loader = new WindowLoader(options);
        AssertEqualsLocal(loader, options, epoch: 0);
        AssertEqualsLocal(loader, options, epoch: 1);
        Assert.True(proxy.Injected > 0);
        Assert.True(loader.Plan.Source.Remote!.Statistics.ObjectsReadAhead > 0);
        Assert.True(loader.Plan.Source.Remote.Statistics.Retries > 0);
    }

    [Fact]
    public void Read_ChunksRewrittenBetweenEpochs_FailsNamingTheChunkAndBothETags()
    {
        WindowLoaderOptions options = Options(_url);
        options.ChunkCache = 4 * ChunkRows * Columns * 4L; // far fewer slots than chunks: epoch 1 reads chunks again
        using var loader = new WindowLoader(options);
        AssertEqualsLocal(loader, options, epoch: 0);
        RemoteEngine engine = loader.Plan.Source.Remote!;
        string before = engine.PinnedETag(_url + "/0.0")!;
        Assert.NotNull(before);

        ZarrUpload.Store(ZarrStoreWriter.Float32(_dir.File("b.zarr"), Rows, Columns, ChunkRows, offset: 0.5f), "a.zarr", (key, data) => _server.Put(key, data));
        IOException ex = Assert.Throws<IOException>(() =>
        {
            foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(1)))
            {
                batch.Dispose();
            }
        });
        Assert.Contains($"{_url}/", ex.Message, StringComparison.Ordinal);
        Assert.Contains(": GET: the object changed since it was first read (ETag \"v", ex.Message, StringComparison.Ordinal);
        Assert.Contains(", now \"v", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryReadChunk_ChunkObjectRewrittenAfterItsFirstRead_IOExceptionWithBothETags()
    {
        using var engine = new RemoteEngine(new RemoteOptions());
        using ChunkedArray chunks = ZarrStore.Open(engine, _url, null).Chunks!;
        byte[] buffer = new byte[chunks.ChunkBytes];
        Assert.True(chunks.TryReadChunk([1, 0], buffer));
        string pinned = engine.PinnedETag(_url + "/1.0")!;
        Assert.True(chunks.TryReadChunk([1, 0], buffer)); // the same version again: fine

        _server.Put("a.zarr/1.0", new byte[buffer.Length]);
        IOException ex = Assert.Throws<IOException>(() => chunks.TryReadChunk([1, 0], buffer));
        Assert.Contains($"{_url}/1.0: GET: the object changed since it was first read (ETag {pinned}, now \"v", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain($"now {pinned})", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WillNeedChunk_MoreHintsThanTheShareHolds_NeverHoldsMoreAndEveryChunkIsOneGet()
    {
        var gets = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        using var proxy = new FaultProxy(_server.BaseUrl, r =>
        {
            if (r.Method == "GET" && IsChunk(r.PathAndQuery))
            {
                gets.AddOrUpdate(r.PathAndQuery, 1, (_, n) => n + 1);
            }

            return FaultKind.None;
        });
        using var engine = new RemoteEngine(new RemoteOptions());
        using ChunkedArray chunks = ZarrStore.Open(engine, Through(proxy), null).Chunks!;
        long share = 3 * chunks.ReadAheadObjectBytes;
        engine.ConfigureObjects(share, 1 << 20);
        for (long c = 0; c < Chunks; c++)
        {
            chunks.WillNeedChunk([c, 0], null);
        }

        RemoteStatistics hinted = engine.Statistics;
        Assert.Equal(3, hinted.ObjectsReadAhead);
        Assert.Equal(Chunks - 3, hinted.ObjectReadAheadDropped);

        using ChunkedArray local = ZarrStore.Open(_local, null).Chunks!;
        byte[] got = new byte[chunks.ChunkBytes];
        byte[] want = new byte[chunks.ChunkBytes];
        for (long c = 0; c < Chunks; c++)
        {
            Assert.True(chunks.TryReadChunk([c, 0], got));
            Assert.True(local.TryReadChunk([c, 0], want));
            Assert.True(want.AsSpan().SequenceEqual(got), $"chunk {c} differs");
        }

        RemoteStatistics stats = engine.Statistics;
        Assert.Equal(3, stats.ObjectReadAheadReady + stats.ObjectReadAheadJoined);
        Assert.True(stats.ObjectReadAheadPeakBytes <= share, $"held {stats.ObjectReadAheadPeakBytes} bytes, past the share of {share}");
        Assert.Equal(Chunks, gets.Count);
        Assert.All(gets, g => Assert.Equal(1, g.Value));
    }

    [Fact]
    public void WillNeedChunk_LocalStore_StartsNothing()
    {
        using ChunkedArray local = ZarrStore.Open(_local, null).Chunks!;
        Assert.False(local.ReadsAhead);
        Assert.Equal(0, local.ReadAheadObjectBytes);
        using var loader = new WindowLoader(Options(_local));
        Assert.Null(loader.Plan.Source.Remote);
    }

    [Fact]
    public void WillNeedChunk_ShardWithItsIndexRead_InnerChunkRangeReadAheadThroughTheBlockCache()
    {
        // Inner chunks of 6,400 bytes in 4 KiB blocks: inner chunk 2 shares no block with inner chunk 0 or the index.
        string store = UploadSharded();
        using RemoteEngine engine = SmallBlockEngine();
        using ZarrArray chunks = OpenSharded(engine);
        using ChunkedArray local = ZarrStore.Open(store, null).Chunks!;
        byte[] got = new byte[chunks.ChunkBytes];
        Assert.True(chunks.ReadsAhead);
        Assert.True(chunks.TryReadChunk([0, 0], got)); // opens the shard and reads its index
        long requests = engine.Statistics.Requests;
        chunks.WillNeedChunk([2, 0], null);
        SpinWait.SpinUntil(() => engine.Statistics.Requests > requests && engine.Statistics.RamBytes > 0, TimeSpan.FromSeconds(10));
        long afterHint = engine.Statistics.Requests;
        Assert.True(afterHint > requests, "the hint sent a ranged GET");
        AssertSameChunk(chunks, local, 2);
        Assert.Equal(afterHint, engine.Statistics.Requests);
    }

    [Fact]
    public void WillNeedChunk_ShardIndexNotReadYet_IndexReadOffTheCallerThenInnerChunkReadAhead()
    {
        string store = UploadSharded();
        using RemoteEngine engine = SmallBlockEngine();
        using ZarrArray chunks = OpenSharded(engine);
        using ChunkedArray local = ZarrStore.Open(store, null).Chunks!;
        long before = engine.Statistics.Requests;
        Assert.Equal(0, chunks.Indexes.Count);

        // Both return at once: the index is read on a thread of its own, then both inner chunks' ranges.
        chunks.WillNeedChunk([2, 0], null);
        chunks.WillNeedChunk([5, 0], null);

        // One ranged GET for the index, one for each inner chunk's blocks (apart: no block in common).
        Assert.True(SpinWait.SpinUntil(() => chunks.IndexLoadsInFlight == 0 && engine.Statistics.Requests >= before + 3, TimeSpan.FromSeconds(10)), $"index cached: {chunks.Indexes.Count}, requests: {engine.Statistics.Requests - before}");
        Assert.Equal(1, chunks.Indexes.Count);
        long afterHint = engine.Statistics.Requests;
        AssertSameChunk(chunks, local, 2);
        AssertSameChunk(chunks, local, 5);

        Assert.Equal(afterHint, engine.Statistics.Requests);
    }

    [Fact]
    public void WillNeedChunk_ShardIndexUnreadable_HintDroppedAndTheReadReportsIt()
    {
        UploadSharded();
        _server.Put("s.zarr/c/0/0", new byte[100]); // the shard, shorter than its index (16 bytes for each of 10 inner chunks)
        using RemoteEngine engine = SmallBlockEngine();
        using ZarrArray chunks = OpenSharded(engine);

        long opens = engine.Statistics.Opens;
        chunks.WillNeedChunk([2, 0], null);
        Assert.True(SpinWait.SpinUntil(() => chunks.IndexLoadsInFlight == 0, TimeSpan.FromSeconds(10)));
        Assert.Equal(opens + 1, engine.Statistics.Opens); // the hint opened the shard and tried its index
        Assert.Equal(0, chunks.Indexes.Count);
        byte[] got = new byte[chunks.ChunkBytes];
        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => chunks.TryReadChunk([2, 0], got));
        Assert.Contains("shard index: expected 160 index bytes at the end; found a shard of 100 bytes", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Uploads s.zarr, a 1,000 x 16 float32 v3 store of one shard of 10 inner chunks of 100 rows (6,400 bytes each); returns the local store.</summary>
    private string UploadSharded()
    {
        string store = ZarrStoreWriter.ShardedFloat32(_dir.File("s.zarr"), 1000, Columns, 100);
        ZarrUpload.Store(store, "s.zarr", (key, data) => _server.Put(key, data));
        return store;
    }

    private ZarrArray OpenSharded(RemoteEngine engine) => (ZarrArray)ZarrStore.Open(engine, _server.Url("s.zarr"), null).Chunks!;

    /// <summary>4 KiB blocks: an inner chunk of 6,400 bytes spans two or three, and inner chunks 2 and 5 share none with chunk 0 or the index.</summary>
    private static RemoteEngine SmallBlockEngine() => new(new RemoteOptions { BlockSize = 4096 });

    private static void AssertSameChunk(ChunkedArray remote, ChunkedArray local, long chunk)
    {
        byte[] got = new byte[remote.ChunkBytes];
        byte[] want = new byte[local.ChunkBytes];
        Assert.True(remote.TryReadChunk([chunk, 0], got));
        Assert.True(local.TryReadChunk([chunk, 0], want));
        Assert.True(want.AsSpan().SequenceEqual(got), $"inner chunk {chunk} differs");
    }

    private static bool IsChunk(string path) => !path.Contains(".zarray", StringComparison.Ordinal) && !path.Contains(".zgroup", StringComparison.Ordinal) && !path.Contains(".zattrs", StringComparison.Ordinal) && !path.Contains(".zmetadata", StringComparison.Ordinal) && !path.Contains("zarr.json", StringComparison.Ordinal);

    private string Through(FaultProxy proxy) => _url.Replace(_server.BaseUrl, proxy.BaseUrl, StringComparison.Ordinal);

    private static WindowLoaderOptions Options(string path) => new()
    {
        Source = SourceOptions.FromPaths(path),
        Window = 8,
        BatchSize = 8,
        Workers = 2,
        Seed = 5,
        ReadAhead = 2,
        Remote = new RemoteOptions { BackoffMilliseconds = 1 },
    };

    /// <summary>Reads epoch <paramref name="epoch"/> and compares every batch with the same options over the local store.</summary>
    private void AssertEqualsLocal(WindowLoader loader, WindowLoaderOptions options, long epoch)
    {
        WindowLoaderOptions reference = options.Clone();
        reference.Source = SourceOptions.FromPaths(_local);
        using var local = new WindowLoader(reference);
        using IEnumerator<WindowBatch> want = local.Read(ReadRange.ForEpoch(epoch)).GetEnumerator();
        long batches = 0;
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(epoch)))
        {
            using (batch)
            {
                Assert.True(want.MoveNext());
                using WindowBatch w = want.Current;
                Assert.Equal(w.Starts.ToArray(), batch.Starts.ToArray());
                Assert.True(w.Data.SequenceEqual(batch.Data), $"batch {batch.Index} of epoch {epoch} differs");
                batches++;
            }
        }

        Assert.False(want.MoveNext());
        Assert.Equal(local.BatchesPerEpoch, batches);
    }
}
