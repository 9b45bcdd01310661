using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;
using WindowDataset.Sources;

namespace WindowDataset.Formats.Zarr;

/// <summary>
/// A Zarr v2 or v3 array in a directory store, as a <see cref="ChunkedArray"/>: one chunk file per chunk (or, with
/// sharding, one inner chunk of a shard file located through the shard's index). Chunk files are read with
/// positional reads, so workers decode different chunks at once.
/// </summary>
internal sealed class ZarrArray : ChunkedArray
{
    /// <summary>Bytes of decoded shard indexes kept (an index is 16 bytes per inner chunk).</summary>
    public const long ShardIndexCacheBytes = 16L << 20;

    private readonly string _directory;
    private readonly ZarrArrayMetadata _metadata;
    private readonly ZarrShardLayout? _shard;
    private readonly ZarrCodec[] _codecs;
    private readonly long _maxStoredBytes;
    private readonly long[] _shardGrid;

    public ZarrArray(string directory, string name, ZarrArrayMetadata metadata)
        : base(directory, name, metadata.Type, metadata.BigEndian, metadata.Shape, metadata.Shard?.InnerShape ?? metadata.ChunkShape, metadata.FillValue, metadata.CodecDescription)
    {
        _directory = directory;
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

    /// <summary>Decoded shard indexes (sharded arrays only).</summary>
    public ShardIndexCache Indexes { get; }

    /// <summary>The stored chunk (or shard) file of a chunk-grid position (of stored chunks, not inner chunks).</summary>
    public string ChunkFile(ReadOnlySpan<long> storedChunk)
    {
        var key = new StringBuilder(_metadata.KeyPrefix);
        for (int i = 0; i < storedChunk.Length; i++)
        {
            if (i > 0)
            {
                key.Append(_metadata.KeySeparator);
            }

            key.Append(storedChunk[i].ToString(CultureInfo.InvariantCulture));
        }

        return System.IO.Path.Combine(_directory, key.ToString());
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

    private bool ReadChunkFile(ReadOnlySpan<long> chunk, Span<byte> destination)
    {
        string file = ChunkFile(chunk);
        if (!TryOpen(file, out SafeFileHandle? handle))
        {
            return false;
        }

        using (handle)
        {
            long length = RandomAccess.GetLength(handle);
            if (length > _maxStoredBytes)
            {
                throw new InvalidDataException($"{Describe(chunk)}: {file}: expected a stored chunk of at most {_maxStoredBytes} bytes (decoded size {ChunkBytes}); found {length} bytes.");
            }

            DecodeRange(handle, 0, (int)length, destination, Describe(chunk));
            return true;
        }
    }

    private bool ReadInnerChunk(ReadOnlySpan<long> chunk, Span<byte> destination)
    {
        ZarrShardLayout shard = _shard!;
        int rank = chunk.Length;
        Span<long> shardPosition = stackalloc long[rank];
        long shardLinear = 0;
        long innerLinear = 0;
        for (int i = 0; i < rank; i++)
        {
            shardPosition[i] = chunk[i] / shard.InnerPerShard[i];
            shardLinear = (shardLinear * _shardGrid[i]) + shardPosition[i];
            innerLinear = (innerLinear * shard.InnerPerShard[i]) + (chunk[i] % shard.InnerPerShard[i]);
        }

        string file = ChunkFile(shardPosition);
        if (!TryOpen(file, out SafeFileHandle? handle))
        {
            return false;
        }

        using (handle)
        {
            long length = RandomAccess.GetLength(handle);
            if (!Indexes.TryGet(shardLinear, out ulong[] index))
            {
                index = ReadIndex(handle, length, file, chunk);
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

            DecodeRange(handle, (long)offset, (int)nbytes, destination, Describe(chunk));
            return true;
        }
    }

    private ulong[] ReadIndex(SafeFileHandle handle, long length, string file, ReadOnlySpan<long> chunk)
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
            ReadExactly(handle, raw.AsSpan(0, size), shard.IndexAtStart ? 0 : length - size, file);
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

    private void DecodeRange(SafeFileHandle handle, long offset, int count, Span<byte> destination, string what)
    {
        byte[] stored = ArrayPool<byte>.Shared.Rent(Math.Max(count, 1));
        try
        {
            ReadExactly(handle, stored.AsSpan(0, count), offset, what);
            ZarrChunkDecoder.Decode(_codecs, stored.AsSpan(0, count), destination, what);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(stored);
        }
    }

    private static void ReadExactly(SafeFileHandle handle, Span<byte> buffer, long offset, string what)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = RandomAccess.Read(handle, buffer[total..], offset + total);
            if (n == 0)
            {
                throw new InvalidDataException($"{what}: expected {buffer.Length} bytes at offset {offset}; found {total} (file shrank while reading?).");
            }

            total += n;
        }
    }

    private static bool TryOpen(string file, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SafeFileHandle? handle)
    {
        try
        {
            handle = File.OpenHandle(file, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
            return true;
        }
        catch (FileNotFoundException)
        {
        }
        catch (DirectoryNotFoundException)
        {
        }

        handle = null;
        return false;
    }
}
