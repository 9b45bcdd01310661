using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using WindowDataset.Sources;

namespace WindowDataset.Formats.Zarr;

/// <summary>
/// A Zarr v2 or v3 array of a store (a directory, or a URL), as a <see cref="ChunkedArray"/>: one chunk object per
/// chunk, read whole (or, with sharding, one inner chunk of a shard object located through the shard's index, read
/// by offset). Workers decode different chunks at once; a missing chunk or shard is the fill value.
/// </summary>
internal sealed class ZarrArray : ChunkedArray
{
    /// <summary>Bytes of decoded shard indexes kept (an index is 16 bytes per inner chunk).</summary>
    public const long ShardIndexCacheBytes = 16L << 20;

    /// <summary>Shard indexes read at once for read-ahead hints: each holds a thread for a ranged GET.</summary>
    private const int MaxIndexLoads = 4;

    /// <summary>Hints kept for one shard while its index is read (more are dropped: their chunks are read on demand).</summary>
    private const int MaxPendingHints = 1024;

    private readonly ZarrStorage _storage;
    private readonly string _prefix;
    private readonly ZarrArrayMetadata _metadata;
    private readonly ZarrShardLayout? _shard;
    private readonly ZarrCodec[] _codecs;
    private readonly long _maxStoredBytes;
    private readonly long[] _shardGrid;

    /// <summary>
    /// Shards whose index a read-ahead hint is reading (at most <see cref="MaxIndexLoads"/> at once), each with the
    /// hints for its inner chunks that came meanwhile, hinted again once the index is cached.
    /// </summary>
    private readonly ConcurrentDictionary<long, ConcurrentQueue<PendingHint>> _indexLoads = new();
    private int _indexLoadCount;
    private int _disposed;

    /// <summary>The array at <paramref name="prefix"/> of <paramref name="storage"/> (owned: disposed with the array).</summary>
    public ZarrArray(ZarrStorage storage, string prefix, string name, ZarrArrayMetadata metadata)
        : base(storage.Describe(prefix), name, metadata.Type, metadata.BigEndian, metadata.Shape, metadata.Shard?.InnerShape ?? metadata.ChunkShape, metadata.FillValue, metadata.CodecDescription)
    {
        _storage = storage;
        _prefix = prefix;
        _metadata = metadata;
        _shard = metadata.Shard;
        _codecs = _shard?.InnerCodecs ?? metadata.Codecs;
        _maxStoredBytes = ChunkBytes + (ChunkBytes / 8) + (64 << 10);
        _shardGrid = new long[Shape.Length];
        for (int i = 0; i < Shape.Length; i++)
        {
            _shardGrid[i] = Shape[i] == 0 ? 0 : ((Shape[i] - 1) / metadata.ChunkShape[i]) + 1;
        }

        Indexes = new ShardIndexCache(ShardIndexCacheBytes);
    }

    public ZarrArrayMetadata Metadata => _metadata;

    /// <summary>Shard indexes being read for read-ahead hints now.</summary>
    internal int IndexLoadsInFlight => Volatile.Read(ref _indexLoadCount);

    /// <summary>Decoded shard indexes (sharded arrays only).</summary>
    public ShardIndexCache Indexes { get; }

    /// <summary>The stored chunk (or shard) file or URL of a chunk-grid position (of stored chunks, not inner chunks).</summary>
    public string ChunkFile(ReadOnlySpan<long> storedChunk) => _storage.Describe(ChunkKey(storedChunk));

    /// <summary>The store key of a stored chunk (or shard).</summary>
    public string ChunkKey(ReadOnlySpan<long> storedChunk)
    {
        var key = new StringBuilder(_prefix);
        if (_prefix.Length > 0)
        {
            key.Append('/');
        }

        key.Append(_metadata.KeyPrefix);
        for (int i = 0; i < storedChunk.Length; i++)
        {
            if (i > 0)
            {
                key.Append(_metadata.KeySeparator);
            }

            key.Append(storedChunk[i].ToString(CultureInfo.InvariantCulture));
        }

        return key.ToString();
    }

    public override bool TryReadChunk(ReadOnlySpan<long> chunk, Span<byte> destination)
    {
        if (chunk.Length != Shape.Length)
        {
            throw new ArgumentException($"{Path}: chunk coordinates: expected {Shape.Length}; found {chunk.Length}.", nameof(chunk));
        }

        for (int i = 0; i < chunk.Length; i++)
        {
            if ((ulong)chunk[i] >= (ulong)GridShape[i])
            {
                throw new ArgumentOutOfRangeException(nameof(chunk), $"{Describe(chunk)}: expected coordinates within the grid ({string.Join(", ", GridShape)}).");
            }
        }

        if (destination.Length != ChunkBytes)
        {
            throw new ArgumentException($"{Describe(chunk)}: destination: expected {ChunkBytes} bytes; found {destination.Length}.", nameof(destination));
        }

        return _shard is null ? ReadChunkFile(chunk, destination) : ReadInnerChunk(chunk, destination);
    }

    public override bool ReadsAhead => _storage.ReadsAhead;

    public override long ReadAheadObjectBytes => _storage.ReadsAhead && _shard is null ? (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)_maxStoredBytes + 1) : 0;

    /// <summary>
    /// A whole chunk object: its GET starts now (the engine's whole-object read-ahead). An inner chunk of a shard:
    /// its byte range goes to the shard's block read-ahead once the shard's index is cached; a hint for a shard whose
    /// index is not, reads the index on a thread of its own first (never on the caller, at most
    /// <see cref="MaxIndexLoads"/> shards at once), then hints that chunk and every chunk of the shard hinted
    /// meanwhile; a hint past the limit, or one whose index read fails, is dropped, and the worker's own read reads
    /// the index and reports any error.
    /// </summary>
    public override void WillNeedChunk(ReadOnlySpan<long> chunk, Func<bool>? stillNeeded)
    {
        if (!_storage.ReadsAhead || chunk.Length != Shape.Length)
        {
            return;
        }

        for (int i = 0; i < chunk.Length; i++)
        {
            if ((ulong)chunk[i] >= (ulong)GridShape[i])
            {
                return;
            }
        }

        if (_shard is null)
        {
            _storage.WillNeed(ChunkKey(chunk), _maxStoredBytes, stillNeeded);
            return;
        }

        ZarrShardLayout shard = _shard;
        Span<long> shardPosition = stackalloc long[chunk.Length];
        (long shardLinear, long innerLinear) = LocateInShard(shard, chunk, shardPosition);

        if (!Indexes.TryGet(shardLinear, out ulong[] index))
        {
            LoadIndexAhead(shardLinear, shardPosition, chunk, stillNeeded);
            return;
        }

        ulong offset = index[2 * innerLinear];
        ulong nbytes = index[(2 * innerLinear) + 1];
        if (nbytes == 0 || nbytes > (ulong)_maxStoredBytes)
        {
            return; // unwritten (all ones) or invalid: the read says which
        }

        using ZarrObject? shardObject = _storage.OpenedObject(ChunkKey(shardPosition));
        if (shardObject is not null && offset <= (ulong)shardObject.Length && nbytes <= (ulong)shardObject.Length - offset)
        {
            shardObject.WillNeed((long)offset, (long)nbytes);
        }
    }

    /// <summary>Starts reading a shard's index for a hint, or adds the hint to the read already under way (see <see cref="WillNeedChunk"/>).</summary>
    private void LoadIndexAhead(long shardLinear, ReadOnlySpan<long> shardPosition, ReadOnlySpan<long> chunk, Func<bool>? stillNeeded)
    {
        if (Volatile.Read(ref _disposed) != 0 || _shard!.IndexBytes > ShardIndexCacheBytes)
        {
            return; // an index the cache cannot keep would be read again for every hint
        }

        var hint = new PendingHint(chunk.ToArray(), stillNeeded);
        if (_indexLoads.TryGetValue(shardLinear, out ConcurrentQueue<PendingHint>? waiting))
        {
            if (waiting.Count < MaxPendingHints)
            {
                waiting.Enqueue(hint);
            }

            return;
        }

        if (Interlocked.Increment(ref _indexLoadCount) > MaxIndexLoads)
        {
            Interlocked.Decrement(ref _indexLoadCount);
            return;
        }

        var queue = new ConcurrentQueue<PendingHint>();
        queue.Enqueue(hint);
        if (!_indexLoads.TryAdd(shardLinear, queue))
        {
            Interlocked.Decrement(ref _indexLoadCount);
            if (_indexLoads.TryGetValue(shardLinear, out waiting))
            {
                waiting.Enqueue(hint);
            }

            return;
        }

        // A thread of its own: the index read blocks until its GET completes, and that completion needs a pool thread
        // (a few blocked pool threads on 2 cores stall every other request until the pool grows).
        var state = new IndexLoad(this, shardLinear, ChunkKey(shardPosition), queue);
        _ = Task.Factory.StartNew(static s => ((IndexLoad)s!).Run(), state, CancellationToken.None, TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach, TaskScheduler.Default);
    }

    private void LoadIndex(long shardLinear, string key, ConcurrentQueue<PendingHint> hints)
    {
        bool cached = false;
        try
        {
            if (Volatile.Read(ref _disposed) == 0 && hints.TryPeek(out PendingHint? first) && (first.StillNeeded?.Invoke() ?? true))
            {
                if (Indexes.TryGet(shardLinear, out _))
                {
                    cached = true;
                }
                else
                {
                    using ZarrObject? shardObject = _storage.OpenObject(key);
                    if (shardObject is not null)
                    {
                        Indexes.Add(shardLinear, ReadIndex(shardObject, shardObject.Length, shardObject.Name, first.Chunk));
                        cached = true;
                    }
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Only a hint: the worker that reads this chunk reads the index itself and reports what went wrong.
        }
        finally
        {
            // Hints from now on find the index cached (or start another read); those queued until now are hinted here.
            _indexLoads.TryRemove(shardLinear, out _);
            Interlocked.Decrement(ref _indexLoadCount);
        }

        while (cached && Volatile.Read(ref _disposed) == 0 && hints.TryDequeue(out PendingHint? hint))
        {
            try
            {
                WillNeedChunk(hint.Chunk, hint.StillNeeded);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Same: a hint never fails a read.
            }
        }
    }

    private sealed record PendingHint(long[] Chunk, Func<bool>? StillNeeded);

    private sealed record IndexLoad(ZarrArray Array, long Shard, string Key, ConcurrentQueue<PendingHint> Hints)
    {
        public void Run() => Array.LoadIndex(Shard, Key, Hints);
    }

    /// <summary>The shard holding <paramref name="chunk"/> (its grid position written to <paramref name="shardPosition"/>, and its linear index) and the chunk's linear index inside it.</summary>
    private (long Shard, long Inner) LocateInShard(ZarrShardLayout shard, ReadOnlySpan<long> chunk, Span<long> shardPosition)
    {
        long shardLinear = 0;
        long innerLinear = 0;
        for (int i = 0; i < chunk.Length; i++)
        {
            shardPosition[i] = chunk[i] / shard.InnerPerShard[i];
            shardLinear = (shardLinear * _shardGrid[i]) + shardPosition[i];
            innerLinear = (innerLinear * shard.InnerPerShard[i]) + (chunk[i] % shard.InnerPerShard[i]);
        }

        return (shardLinear, innerLinear);
    }

    private bool ReadChunkFile(ReadOnlySpan<long> chunk, Span<byte> destination)
    {
        string key = ChunkKey(chunk);
        ZarrBytes stored = _storage.Read(key, _maxStoredBytes);
        if (stored.Missing)
        {
            return false;
        }

        if (stored.Buffer is null)
        {
            throw new InvalidDataException($"{Describe(chunk)}: {_storage.Describe(key)}: expected a stored chunk of at most {_maxStoredBytes} bytes (decoded size {ChunkBytes}); found {stored.Size} bytes.");
        }

        try
        {
            ZarrChunkDecoder.Decode(_codecs, stored.Span, destination, Describe(chunk));
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(stored.Buffer);
        }
    }

    private bool ReadInnerChunk(ReadOnlySpan<long> chunk, Span<byte> destination)
    {
        ZarrShardLayout shard = _shard!;
        Span<long> shardPosition = stackalloc long[chunk.Length];
        (long shardLinear, long innerLinear) = LocateInShard(shard, chunk, shardPosition);

        using ZarrObject? shardObject = _storage.OpenObject(ChunkKey(shardPosition));
        if (shardObject is null)
        {
            return false;
        }

        string file = shardObject.Name;
        long length = shardObject.Length;
        if (!Indexes.TryGet(shardLinear, out ulong[] index))
        {
            index = ReadIndex(shardObject, length, file, chunk);
            Indexes.Add(shardLinear, index);
        }

        ulong offset = index[2 * innerLinear];
        ulong nbytes = index[(2 * innerLinear) + 1];
        if (offset == ulong.MaxValue && nbytes == ulong.MaxValue)
        {
            return false;
        }

        long indexStart = shard.IndexAtStart ? 0 : length - shard.IndexBytes;
        if (offset > (ulong)length || nbytes > (ulong)length - offset)
        {
            throw new InvalidDataException($"{Describe(chunk)}: {file}: shard index: expected an inner chunk within the shard ({length} bytes); found offset {offset}, nbytes {nbytes} (past the shard end).");
        }

        if ((long)nbytes > _maxStoredBytes)
        {
            throw new InvalidDataException($"{Describe(chunk)}: {file}: shard index: expected an inner chunk of at most {_maxStoredBytes} bytes (decoded size {ChunkBytes}); found {nbytes} bytes.");
        }

        if ((long)offset < indexStart + shard.IndexBytes && (long)offset + (long)nbytes > indexStart)
        {
            throw new InvalidDataException($"{Describe(chunk)}: {file}: shard index: expected an inner chunk outside the index (bytes {indexStart} to {indexStart + shard.IndexBytes}); found offset {offset}, nbytes {nbytes}.");
        }

        DecodeRange(shardObject, (long)offset, (int)nbytes, destination, Describe(chunk));
        return true;
    }

    private ulong[] ReadIndex(ZarrObject shardObject, long length, string file, ReadOnlySpan<long> chunk)
    {
        ZarrShardLayout shard = _shard!;
        if (shard.IndexBytes > length)
        {
            throw new InvalidDataException($"{Describe(chunk)}: {file}: shard index: expected {shard.IndexBytes} index bytes at the {(shard.IndexAtStart ? "start" : "end")}; found a shard of {length} bytes.");
        }

        int size = (int)shard.IndexBytes;
        byte[] raw = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            shardObject.ReadExactly(shard.IndexAtStart ? 0 : length - size, raw.AsSpan(0, size), file);
            ReadOnlySpan<byte> data = raw.AsSpan(0, size);
            for (int c = 0; c < shard.IndexChecksums; c++)
            {
                uint expected = BinaryPrimitives.ReadUInt32LittleEndian(data[^4..]);
                data = data[..^4];
                uint actual = Codecs.Crc32C.Compute(data);
                if (actual != expected)
                {
                    throw new InvalidDataException($"{Describe(chunk)}: {file}: shard index: crc32c: expected the stored checksum 0x{expected:X8}; found 0x{actual:X8} (corrupt index).");
                }
            }

            var index = new ulong[2 * shard.InnerCount];
            for (int i = 0; i < index.Length; i++)
            {
                ReadOnlySpan<byte> entry = data.Slice(8 * i, 8);
                index[i] = shard.IndexBigEndian ? BinaryPrimitives.ReadUInt64BigEndian(entry) : BinaryPrimitives.ReadUInt64LittleEndian(entry);
            }

            return index;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
        }
    }

    private void DecodeRange(ZarrObject shardObject, long offset, int count, Span<byte> destination, string what)
    {
        byte[] stored = ArrayPool<byte>.Shared.Rent(Math.Max(count, 1));
        try
        {
            shardObject.ReadExactly(offset, stored.AsSpan(0, count), what);
            ZarrChunkDecoder.Decode(_codecs, stored.AsSpan(0, count), destination, what);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(stored);
        }
    }

    public override void Dispose()
    {
        Volatile.Write(ref _disposed, 1);
        _storage.Dispose();
        base.Dispose();
    }
}
