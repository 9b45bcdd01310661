using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using WindowDataset.Sources;

namespace WindowDataset.Formats.Hdf5;

/// <summary>
/// An HDF5 dataset as a chunk grid: chunked (any index, located once at describe time), compact (the whole dataset
/// as one in-memory chunk) or contiguous but never written (every chunk unwritten). Decoding preads the stored
/// bytes and runs the filter pipeline in reverse, honouring each chunk's filter mask. Thread-safe.
/// </summary>
internal sealed class Hdf5ChunkedArray : ChunkedArray
{
    private readonly Hdf5Io? _io;
    private readonly Dictionary<long, Hdf5ChunkLocation>? _chunks;
    private readonly long _implicitAddress = -1;
    private readonly long[]? _implicitDown;
    private readonly byte[]? _compact;
    private readonly Hdf5Filter[] _filters;
    private readonly bool _edgeUnfiltered;
    private readonly long _maxStored;

    private Hdf5ChunkedArray(string path, Hdf5Io? io, string name, ElementType type, bool bigEndian, long[] shape, int[] chunkShape, byte[] fill, string codec, Hdf5Filter[] filters, Dictionary<long, Hdf5ChunkLocation>? chunks = null, bool edgeUnfiltered = false, byte[]? compact = null)
        : base(path, name, type, bigEndian, shape, chunkShape, fill, codec)
    {
        _io = io;
        _filters = filters;
        _chunks = chunks;
        _edgeUnfiltered = edgeUnfiltered;
        _compact = compact;
        _maxStored = Math.Min(int.MaxValue - 64, (ChunkBytes * 2) + 4096);
    }

    private Hdf5ChunkedArray(Hdf5Io io, string name, ElementType type, bool bigEndian, long[] shape, int[] chunkShape, byte[] fill, string codec, long implicitAddress, long[] implicitDown)
        : this(io.Path, io, name, type, bigEndian, shape, chunkShape, fill, codec, [])
    {
        _implicitAddress = implicitAddress;
        _implicitDown = implicitDown;
    }

    /// <summary>Located chunks, keyed by the C-order linear index over <see cref="ChunkedArray.GridShape"/>.</summary>
    public static Hdf5ChunkedArray Indexed(Hdf5Io io, string name, ElementType type, bool bigEndian, long[] shape, int[] chunkShape, byte[] fill, string codec, Hdf5Filter[] filters, Dictionary<long, Hdf5ChunkLocation> chunks, bool edgeUnfiltered) =>
        new(io.Path, io, name, type, bigEndian, shape, chunkShape, fill, codec, filters, chunks, edgeUnfiltered);

    /// <summary>Unfiltered chunks laid out back to back from <paramref name="address"/> in linear order over the grid <paramref name="maxGrid"/>.</summary>
    public static Hdf5ChunkedArray Implicit(Hdf5Io io, string name, ElementType type, bool bigEndian, long[] shape, int[] chunkShape, byte[] fill, string codec, long address, long[] maxGrid)
    {
        long total = 1;
        for (int i = 0; i < maxGrid.Length; i++)
        {
            total = checked(total * maxGrid[i]);
        }

        var array = new Hdf5ChunkedArray(io, name, type, bigEndian, shape, chunkShape, fill, codec, address, Down(maxGrid));
        io.Absolute(address, checked(total * array.ChunkBytes), "implicit chunk storage");
        return array;
    }

    /// <summary>A compact dataset: the whole array as one chunk held in memory.</summary>
    public static Hdf5ChunkedArray InMemory(string path, string name, ElementType type, bool bigEndian, long[] shape, byte[] data, string codec)
    {
        var chunk = new int[shape.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            chunk[i] = (int)Math.Max(1, shape[i]);
        }

        return new Hdf5ChunkedArray(path, null, name, type, bigEndian, shape, chunk, [], codec, [], compact: data);
    }

    /// <summary>Storage never allocated: every chunk reads as the fill value.</summary>
    public static Hdf5ChunkedArray Unwritten(string path, string name, ElementType type, bool bigEndian, long[] shape, int[] chunkShape, byte[] fill, string codec) =>
        new(path, null, name, type, bigEndian, shape, chunkShape, fill, codec, []);

    /// <summary>Chunks the index located (for tests and <c>info</c>).</summary>
    public int StoredChunks => _chunks?.Count ?? (_compact is null ? 0 : 1);

    /// <summary>The located chunk at grid coordinates <paramref name="chunk"/>, if the index holds one (tests, diagnostics).</summary>
    internal bool TryGetLocation(ReadOnlySpan<long> chunk, out Hdf5ChunkLocation location)
    {
        location = default;
        long linear = 0;
        for (int i = 0; i < chunk.Length; i++)
        {
            linear = (linear * GridShape[i]) + chunk[i];
        }

        return _chunks is not null && _chunks.TryGetValue(linear, out location);
    }

    public override bool TryReadChunk(ReadOnlySpan<long> chunk, Span<byte> destination)
    {
        if (chunk.Length != Shape.Length || destination.Length != ChunkBytes)
        {
            throw new ArgumentException($"{Describe(chunk)}: expected {Shape.Length} coordinates and {ChunkBytes} destination bytes; found {chunk.Length} and {destination.Length}.", nameof(destination));
        }

        long linear = 0;
        for (int i = 0; i < chunk.Length; i++)
        {
            if ((ulong)chunk[i] >= (ulong)GridShape[i])
            {
                throw new ArgumentOutOfRangeException(nameof(chunk), $"{Describe(chunk)}: expected coordinates inside the grid ({string.Join(", ", GridShape)}).");
            }

            linear = (linear * GridShape[i]) + chunk[i];
        }

        if (_compact is not null)
        {
            _compact.AsSpan(0, (int)ChunkBytes).CopyTo(destination);
            return true;
        }

        if (_implicitDown is not null)
        {
            long index = 0;
            for (int i = 0; i < chunk.Length; i++)
            {
                index += chunk[i] * _implicitDown[i];
            }

            Read(_implicitAddress + (index * ChunkBytes), destination, chunk);
            return true;
        }

        if (_chunks is null || !_chunks.TryGetValue(linear, out Hdf5ChunkLocation location))
        {
            return false;
        }

        uint mask = location.FilterMask;
        if (_edgeUnfiltered && IsEdge(chunk))
        {
            mask = uint.MaxValue;
        }

        bool anyFilter = false;
        for (int i = 0; i < _filters.Length; i++)
        {
            anyFilter |= (mask & (1u << i)) == 0;
        }

        if (!anyFilter)
        {
            if (location.Size != ChunkBytes)
            {
                throw new InvalidDataException($"{Describe(chunk)}: stored size: expected {ChunkBytes} bytes (an unfiltered chunk); found {location.Size}.");
            }

            Read(location.Address, destination, chunk);
            return true;
        }

        if (location.Size <= 0 || location.Size > _maxStored)
        {
            throw new InvalidDataException($"{Describe(chunk)}: stored size: expected 1 to {_maxStored} bytes; found {location.Size}.");
        }

        if (location.Address < 0 || location.Address > _io!.Length - _io.BaseAddress - location.Size)
        {
            throw new InvalidDataException($"{Describe(chunk)}: address: expected {location.Size} stored bytes at {location.Address} within the file ({_io!.Length} bytes); found them past the end of the file (truncated or corrupt index).");
        }

        int capacity = (int)Math.Max(location.Size, ChunkBytes + 64);
        byte[] a = ArrayPool<byte>.Shared.Rent(capacity);
        byte[] b = ArrayPool<byte>.Shared.Rent(capacity);
        try
        {
            int length = (int)location.Size;
            Read(location.Address, a.AsSpan(0, length), chunk);
            for (int i = _filters.Length - 1; i >= 0; i--)
            {
                if ((mask & (1u << i)) != 0)
                {
                    continue;
                }

                // The last stage unshuffles straight into the destination, saving a copy of the chunk.
                if (_filters[i].Id == Hdf5Filter.Shuffle && length == ChunkBytes && (mask & ((1u << i) - 1)) == (1u << i) - 1)
                {
                    Unshuffle(a.AsSpan(0, length), destination, ShuffleSize(_filters[i]));
                    return true;
                }

                length = Apply(_filters[i], a, length, b, chunk);
                (a, b) = (b, a);
            }

            if (length != ChunkBytes)
            {
                throw new InvalidDataException($"{Describe(chunk)}: decoded size: expected {ChunkBytes} bytes; found {length} (corrupt chunk).");
            }

            a.AsSpan(0, length).CopyTo(destination);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(a);
            ArrayPool<byte>.Shared.Return(b);
        }
    }

    /// <summary>A file by URL: the chunk's stored bytes (located at describe time) go to the block read-ahead.</summary>
    public override bool ReadsAhead => _io is not null && _io.Bytes.ReadsAhead && (_chunks is not null || _implicitDown is not null);

    public override void WillNeedChunk(ReadOnlySpan<long> chunk, Func<bool>? stillNeeded)
    {
        if (!ReadsAhead || chunk.Length != Shape.Length)
        {
            return;
        }

        long linear = 0;
        long implicitIndex = 0;
        for (int i = 0; i < chunk.Length; i++)
        {
            if ((ulong)chunk[i] >= (ulong)GridShape[i])
            {
                return;
            }

            linear = (linear * GridShape[i]) + chunk[i];
            implicitIndex += _implicitDown is null ? 0 : chunk[i] * _implicitDown[i];
        }

        long address, size;
        if (_implicitDown is not null)
        {
            (address, size) = (_implicitAddress + (implicitIndex * ChunkBytes), ChunkBytes);
        }
        else if (_chunks!.TryGetValue(linear, out Hdf5ChunkLocation location) && location.Size is > 0 && location.Size <= _maxStored)
        {
            (address, size) = (location.Address, location.Size);
        }
        else
        {
            return;
        }

        Hdf5Io io = _io!;
        if (address >= 0 && address <= io.Length - io.BaseAddress - size)
        {
            io.Bytes.WillNeed(io.BaseAddress + address, size);
        }
    }

    private static long[] Down(long[] grid)
    {
        var down = new long[grid.Length];
        long product = 1;
        for (int i = grid.Length - 1; i >= 0; i--)
        {
            down[i] = product;
            product = checked(product * grid[i]);
        }

        return down;
    }

    private bool IsEdge(ReadOnlySpan<long> chunk)
    {
        for (int i = 0; i < chunk.Length; i++)
        {
            if ((chunk[i] + 1) * ChunkShape[i] > Shape[i])
            {
                return true;
            }
        }

        return false;
    }

    private void Read(long address, Span<byte> destination, ReadOnlySpan<long> chunk)
    {
        Hdf5Io io = _io!;
        long position;
        try
        {
            position = io.Absolute(address, destination.Length, "chunk");
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{Describe(chunk)}: address: expected {destination.Length} bytes at {address} within the file ({io.Length} bytes); found them past the end of the file (truncated or corrupt index).", ex);
        }

        int done = 0;
        while (done < destination.Length)
        {
            int got = io.Bytes.ReadAtMost(position + done, destination[done..]);
            if (got <= 0)
            {
                throw new InvalidDataException($"{Describe(chunk)}: expected {destination.Length} stored bytes at position {position}; found {done} (the file shrank?).");
            }

            done += got;
        }
    }

    private int Apply(Hdf5Filter filter, byte[] input, int length, byte[] output, ReadOnlySpan<long> chunk)
    {
        int limit = (int)ChunkBytes + 64;
        switch (filter.Id)
        {
            case Hdf5Filter.Deflate:
                return Inflate(input, length, output, limit, chunk);

            case Hdf5Filter.Shuffle:
                {
                    int size = ShuffleSize(filter);
                    if (length > limit)
                    {
                        throw new InvalidDataException($"{Describe(chunk)}: shuffle: expected at most {limit} bytes; found {length}.");
                    }

                    Unshuffle(input.AsSpan(0, length), output.AsSpan(0, length), size);
                    return length;
                }

            case Hdf5Filter.Fletcher32:
                {
                    if (length < 4)
                    {
                        throw new InvalidDataException($"{Describe(chunk)}: fletcher32: expected a checksum after the data; found {length} bytes.");
                    }

                    uint stored = BinaryPrimitives.ReadUInt32LittleEndian(input.AsSpan(length - 4));
                    uint computed = Hdf5Checksum.Fletcher32(input.AsSpan(0, length - 4));
                    uint swapped = ((computed & 0x00FF00FF) << 8) | ((computed >> 8) & 0x00FF00FF);
                    if (stored != computed && stored != swapped)
                    {
                        throw new InvalidDataException($"{Describe(chunk)}: fletcher32: expected checksum 0x{computed:x8}; found 0x{stored:x8} (corrupt chunk).");
                    }

                    input.AsSpan(0, length - 4).CopyTo(output);
                    return length - 4;
                }

            case Hdf5Filter.Lzf:
                {
                    int written = Hdf5Lzf.Decompress(input.AsSpan(0, length), output.AsSpan(0, limit));
                    return written >= 0 ? written : throw new InvalidDataException($"{Describe(chunk)}: lzf: expected an LZF stream that decodes to at most {limit} bytes; found corrupt bytes.");
                }

            default:
                throw new InvalidOperationException($"{Describe(chunk)}: filter {filter.Id} was accepted but has no decoder.");
        }
    }

    private int ShuffleSize(Hdf5Filter filter) => filter.ClientData.Length > 0 && filter.ClientData[0] is > 0 and < 256 ? (int)filter.ClientData[0] : ElementTypeInfo.SizeOf(ElementType);

    private int Inflate(byte[] input, int length, byte[] output, int limit, ReadOnlySpan<long> chunk)
    {
        int done = 0;
        bool more;
        try
        {
            using var source = new MemoryStream(input, 0, length, writable: false);
            using var inflater = new ZLibStream(source, CompressionMode.Decompress);
            while (done < limit)
            {
                int got = inflater.Read(output, done, limit - done);
                if (got == 0)
                {
                    return done;
                }

                done += got;
            }

            Span<byte> probe = stackalloc byte[1];
            more = inflater.Read(probe) != 0;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            throw new InvalidDataException($"{Describe(chunk)}: deflate: expected a zlib stream; found corrupt bytes ({ex.Message}).", ex);
        }

        return more ? throw new InvalidDataException($"{Describe(chunk)}: deflate: expected at most {limit} decoded bytes; found more (corrupt chunk).") : done;
    }

    /// <summary>Undoes HDF5's byte shuffle: byte <c>b</c> of element <c>i</c> was stored at <c>b * count + i</c>; a tail shorter than an element is kept.</summary>
    internal static unsafe void Unshuffle(ReadOnlySpan<byte> input, Span<byte> output, int size)
    {
        if (size <= 1 || input.Length < size)
        {
            input.CopyTo(output);
            return;
        }

        int count = input.Length / size;
        fixed (byte* src = input)
        fixed (byte* dst = output)
        {
            // Output written in order, one element per step, gathering byte b from stream b: the strided-write
            // order is several times slower.
            if (size == 8)
            {
                byte* s0 = src, s1 = src + count, s2 = src + (2L * count), s3 = src + (3L * count);
                byte* s4 = src + (4L * count), s5 = src + (5L * count), s6 = src + (6L * count), s7 = src + (7L * count);
                ulong* d = (ulong*)dst;
                int i = 0;
                if (Sse2.IsSupported)
                {
                    // 16 elements per step: an 8 x 16 byte transpose in three rounds of unpacks.
                    for (; i + 16 <= count; i += 16)
                    {
                        Vector128<byte> r0 = Sse2.LoadVector128(s0 + i), r1 = Sse2.LoadVector128(s1 + i);
                        Vector128<byte> r2 = Sse2.LoadVector128(s2 + i), r3 = Sse2.LoadVector128(s3 + i);
                        Vector128<byte> r4 = Sse2.LoadVector128(s4 + i), r5 = Sse2.LoadVector128(s5 + i);
                        Vector128<byte> r6 = Sse2.LoadVector128(s6 + i), r7 = Sse2.LoadVector128(s7 + i);
                        Vector128<ushort> t0 = Sse2.UnpackLow(r0, r1).AsUInt16(), t1 = Sse2.UnpackHigh(r0, r1).AsUInt16();
                        Vector128<ushort> t2 = Sse2.UnpackLow(r2, r3).AsUInt16(), t3 = Sse2.UnpackHigh(r2, r3).AsUInt16();
                        Vector128<ushort> t4 = Sse2.UnpackLow(r4, r5).AsUInt16(), t5 = Sse2.UnpackHigh(r4, r5).AsUInt16();
                        Vector128<ushort> t6 = Sse2.UnpackLow(r6, r7).AsUInt16(), t7 = Sse2.UnpackHigh(r6, r7).AsUInt16();
                        Vector128<uint> u0 = Sse2.UnpackLow(t0, t2).AsUInt32(), u1 = Sse2.UnpackHigh(t0, t2).AsUInt32();
                        Vector128<uint> u2 = Sse2.UnpackLow(t1, t3).AsUInt32(), u3 = Sse2.UnpackHigh(t1, t3).AsUInt32();
                        Vector128<uint> u4 = Sse2.UnpackLow(t4, t6).AsUInt32(), u5 = Sse2.UnpackHigh(t4, t6).AsUInt32();
                        Vector128<uint> u6 = Sse2.UnpackLow(t5, t7).AsUInt32(), u7 = Sse2.UnpackHigh(t5, t7).AsUInt32();
                        byte* o = (byte*)(d + i);
                        Sse2.Store(o, Sse2.UnpackLow(u0, u4).AsByte());
                        Sse2.Store(o + 16, Sse2.UnpackHigh(u0, u4).AsByte());
                        Sse2.Store(o + 32, Sse2.UnpackLow(u1, u5).AsByte());
                        Sse2.Store(o + 48, Sse2.UnpackHigh(u1, u5).AsByte());
                        Sse2.Store(o + 64, Sse2.UnpackLow(u2, u6).AsByte());
                        Sse2.Store(o + 80, Sse2.UnpackHigh(u2, u6).AsByte());
                        Sse2.Store(o + 96, Sse2.UnpackLow(u3, u7).AsByte());
                        Sse2.Store(o + 112, Sse2.UnpackHigh(u3, u7).AsByte());
                    }
                }

                for (; i < count; i++)
                {
                    ulong lo = s0[i] | ((uint)s1[i] << 8) | ((uint)s2[i] << 16) | ((uint)s3[i] << 24);
                    ulong hi = s4[i] | ((uint)s5[i] << 8) | ((uint)s6[i] << 16) | ((uint)s7[i] << 24);
                    System.Runtime.CompilerServices.Unsafe.WriteUnaligned(d + i, lo | (hi << 32));
                }
            }
            else if (size == 4)
            {
                byte* s0 = src, s1 = src + count, s2 = src + (2L * count), s3 = src + (3L * count);
                int i = 0;
                if (Sse2.IsSupported)
                {
                    for (; i + 16 <= count; i += 16)
                    {
                        Vector128<byte> r0 = Sse2.LoadVector128(s0 + i), r1 = Sse2.LoadVector128(s1 + i);
                        Vector128<byte> r2 = Sse2.LoadVector128(s2 + i), r3 = Sse2.LoadVector128(s3 + i);
                        Vector128<ushort> t0 = Sse2.UnpackLow(r0, r1).AsUInt16(), t1 = Sse2.UnpackHigh(r0, r1).AsUInt16();
                        Vector128<ushort> t2 = Sse2.UnpackLow(r2, r3).AsUInt16(), t3 = Sse2.UnpackHigh(r2, r3).AsUInt16();
                        byte* o = dst + (4L * i);
                        Sse2.Store(o, Sse2.UnpackLow(t0, t2).AsByte());
                        Sse2.Store(o + 16, Sse2.UnpackHigh(t0, t2).AsByte());
                        Sse2.Store(o + 32, Sse2.UnpackLow(t1, t3).AsByte());
                        Sse2.Store(o + 48, Sse2.UnpackHigh(t1, t3).AsByte());
                    }
                }

                for (; i < count; i++)
                {
                    uint v = s0[i] | ((uint)s1[i] << 8) | ((uint)s2[i] << 16) | ((uint)s3[i] << 24);
                    System.Runtime.CompilerServices.Unsafe.WriteUnaligned(dst + (4L * i), v);
                }
            }
            else if (size == 2)
            {
                byte* s0 = src, s1 = src + count;
                for (int i = 0; i < count; i++)
                {
                    System.Runtime.CompilerServices.Unsafe.WriteUnaligned(dst + (2L * i), (ushort)(s0[i] | (s1[i] << 8)));
                }
            }
            else
            {
                for (int b = 0; b < size; b++)
                {
                    byte* sb = src + ((long)b * count);
                    byte* db = dst + b;
                    for (int i = 0; i < count; i++)
                    {
                        db[(long)i * size] = sb[i];
                    }
                }
            }
        }

        int tail = count * size;
        input[tail..].CopyTo(output[tail..]);
    }
}
