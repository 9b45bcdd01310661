using System.Buffers.Binary;

namespace WindowDataset.Formats.Hdf5;

/// <summary>Parses one dataset's object header (dataspace, datatype, fill value, layout, filters) into an <see cref="ArrayDescription"/>.</summary>
internal static class Hdf5Dataset
{
    /// <summary>Chunk grids larger than this are refused: the chunk map is built in memory at describe time.</summary>
    public const long MaxGridChunks = 1L << 26;

    public static ArrayDescription Describe(Hdf5Io io, string name, long address)
    {
        string where = $"{io.Path}: {name}";
        List<Hdf5Message> messages = Hdf5ObjectHeader.Read(io, address, where);
        Hdf5Message? space = null, type = null, fill = null, fillOld = null, layout = null, pipeline = null;
        foreach (Hdf5Message m in messages)
        {
            switch (m.Type)
            {
                case Hdf5Message.Dataspace: space ??= m; break;
                case Hdf5Message.Datatype: type ??= m; break;
                case Hdf5Message.FillValue: fill ??= m; break;
                case Hdf5Message.FillValueOld: fillOld ??= m; break;
                case Hdf5Message.Layout: layout ??= m; break;
                case Hdf5Message.FilterPipeline: pipeline ??= m; break;
                case Hdf5Message.ExternalFiles:
                    throw Hdf5Error.NotSupported(where, "external data files (message 0x0007)", "the data lives in other files; copy it into the HDF5 file or read those files as raw sources");
            }
        }

        if (space is null || type is null || layout is null)
        {
            throw Hdf5Error.Invalid(where, "object header", "dataspace, datatype and layout messages", "one of them missing");
        }

        if (type.Value.IsShared)
        {
            throw Hdf5Error.NotSupported(where, "committed (shared) datatype", "the dataset's datatype is stored as a named object; create the dataset with a plain dtype");
        }

        (ElementType elementType, bool bigEndian) = Hdf5Datatype.Parse(type.Value.Data, io, where);
        int size = ElementTypeInfo.SizeOf(elementType);
        (long[] shape, long[] maxShape) = Dataspace(space.Value.Data, io, where);
        long elements = 1;
        foreach (long d in shape)
        {
            elements = d == 0 ? 0 : elements <= long.MaxValue / d ? elements * d : throw Hdf5Error.Invalid(where, "dataspace", "a shape whose element count fits 64 bits", $"({Join(shape)})");
        }

        if (elements > long.MaxValue / size)
        {
            throw Hdf5Error.Invalid(where, "dataspace", "a shape whose byte size fits 64 bits", $"({Join(shape)}) of {size}-byte elements");
        }

        long totalBytes = elements * size;
        byte[] fillValue = FillValue(fill, fillOld, size, io, where);
        Hdf5Layout l = Hdf5Layout.Parse(layout.Value.Data, io, where);
        Hdf5Filter[] filters = pipeline is null ? [] : Hdf5Filter.ParsePipeline(pipeline.Value.Data, io, where);
        foreach (Hdf5Filter f in filters)
        {
            CheckFilter(f, where);
        }

        // Named in decode order (the pipeline reversed), as the chunk seam documents: deflate(1)+shuffle.
        string[] labels = Array.ConvertAll(filters, f => f.Label);
        Array.Reverse(labels);
        string codec = filters.Length == 0 ? "none" : string.Join('+', labels);
        switch (l.Class)
        {
            case Hdf5Layout.Contiguous:
                {
                    if (l.ContiguousSize >= 0 && l.ContiguousSize < totalBytes)
                    {
                        throw Hdf5Error.Invalid(where, "data layout message", $"contiguous storage of {totalBytes} bytes ({Join(shape)} x {size})", $"{l.ContiguousSize} bytes");
                    }

                    if (l.Address < 0)
                    {
                        int[] chunk = UnwrittenChunk(shape, size, where);
                        return new ArrayDescription(elementType, bigEndian, shape, "hdf5 contiguous (never written: fill value)", -1,
                            Hdf5ChunkedArray.Unwritten(io.Path, name, elementType, bigEndian, shape, chunk, fillValue, "none"));
                    }

                    long offset;
                    try
                    {
                        offset = io.Absolute(l.Address, totalBytes, "contiguous data");
                    }
                    catch (InvalidDataException ex)
                    {
                        throw Hdf5Error.Invalid(where, "contiguous data", $"{totalBytes} bytes at address {l.Address} within the file ({io.Length} bytes)", "them past the end of the file (truncated)", ex);
                    }

                    return new ArrayDescription(elementType, bigEndian, shape, "hdf5 contiguous", offset, null);
                }

            case Hdf5Layout.Compact:
                {
                    if (l.CompactData.Length < totalBytes)
                    {
                        throw Hdf5Error.Invalid(where, "compact data", $"{totalBytes} bytes ({Join(shape)} x {size})", $"{l.CompactData.Length} bytes");
                    }

                    if (totalBytes == 0)
                    {
                        return new ArrayDescription(elementType, bigEndian, shape, "hdf5 compact", -1,
                            Hdf5ChunkedArray.Unwritten(io.Path, name, elementType, bigEndian, shape, UnwrittenChunk(shape, size, where), fillValue, "none"));
                    }

                    byte[] data = l.CompactData.AsSpan(0, (int)totalBytes).ToArray();
                    return new ArrayDescription(elementType, bigEndian, shape, "hdf5 compact", -1,
                        Hdf5ChunkedArray.InMemory(io.Path, name, elementType, bigEndian, shape, data, "none"));
                }

            default:
                return Chunked(io, name, where, l, filters, codec, elementType, bigEndian, shape, maxShape, fillValue);
        }
    }

    private static ArrayDescription Chunked(Hdf5Io io, string name, string where, Hdf5Layout l, Hdf5Filter[] filters, string codec, ElementType elementType, bool bigEndian, long[] shape, long[] maxShape, byte[] fillValue)
    {
        int size = ElementTypeInfo.SizeOf(elementType);
        int rank = shape.Length;
        if (l.ChunkDims.Length != rank)
        {
            throw Hdf5Error.Invalid(where, "chunk dimensions", $"{rank} dimensions (the dataset rank)", $"({Join(l.ChunkDims)})");
        }

        if (l.ChunkElementSize != size)
        {
            throw Hdf5Error.Invalid(where, "chunk dimensions", $"an element size of {size} bytes", $"{l.ChunkElementSize}");
        }

        long grid = 1;
        var maxGrid = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            long g = shape[i] == 0 ? 0 : ((shape[i] - 1) / l.ChunkDims[i]) + 1;
            grid = g == 0 ? 0 : grid <= MaxGridChunks / g ? grid * g : MaxGridChunks + 1;
            maxGrid[i] = maxShape[i] < 0 ? -1 : Math.Max(g, maxShape[i] == 0 ? 0 : ((maxShape[i] - 1) / l.ChunkDims[i]) + 1);
        }

        if (grid > MaxGridChunks)
        {
            throw Hdf5Error.NotSupported(where, "chunk grid", $"more than {MaxGridChunks} chunks of ({Join(l.ChunkDims)}) for shape ({Join(shape)}); rechunk with larger chunks");
        }

        string format = $"hdf5 chunked ({Join(l.ChunkDims)}) {codec}, {l.IndexName}";
        long chunkBytes = size;
        foreach (int d in l.ChunkDims)
        {
            chunkBytes = chunkBytes <= long.MaxValue / d ? chunkBytes * d : long.MaxValue;
        }

        if (chunkBytes > Sources.ChunkedArray.MaxChunkBytes)
        {
            throw Hdf5Error.Invalid(where, "chunk dimensions", $"a chunk of at most {Sources.ChunkedArray.MaxChunkBytes} bytes", $"({Join(l.ChunkDims)}) x {size} bytes");
        }

        var gridShape = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            gridShape[i] = shape[i] == 0 ? 0 : ((shape[i] - 1) / l.ChunkDims[i]) + 1;
        }

        if (l.Address < 0 || grid == 0)
        {
            return new ArrayDescription(elementType, bigEndian, shape, format, -1, Hdf5ChunkedArray.Unwritten(io.Path, name, elementType, bigEndian, shape, l.ChunkDims, fillValue, codec));
        }

        bool filtered = filters.Length > 0;
        var map = new Dictionary<long, Hdf5ChunkLocation>();
        void Put(long[] coords, Hdf5ChunkLocation location)
        {
            long linear = 0;
            for (int i = 0; i < rank; i++)
            {
                if (coords[i] < 0 || coords[i] >= gridShape[i])
                {
                    return; // outside the current extent (a dataset shrunk after writing): never read
                }

                linear = (linear * gridShape[i]) + coords[i];
            }

            if (!map.TryAdd(linear, location))
            {
                throw Hdf5Error.Invalid(where, $"chunk ({Join(coords)})", "each chunk indexed once", "it indexed twice (corrupt index)");
            }
        }

        // Linear indexes of the array indexes run over the grid of the maximum shape (H5D's max_down_chunks).
        long maxEntries = 1;
        for (int i = 0; i < rank; i++)
        {
            if (maxGrid[i] < 0)
            {
                continue;
            }

            maxEntries = maxGrid[i] == 0 ? 0 : maxEntries <= MaxGridChunks / maxGrid[i] ? maxEntries * maxGrid[i] : MaxGridChunks + 1;
        }

        switch (l.IndexType)
        {
            case Hdf5Layout.IndexBTree1:
                {
                    int keySize = 8 + (8 * (rank + 1));
                    foreach ((byte[] key, long child) in Hdf5BTree1.Leaves(io, l.Address, 1, keySize, where, grid))
                    {
                        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(key);
                        uint mask = BinaryPrimitives.ReadUInt32LittleEndian(key.AsSpan(4));
                        var coords = new long[rank];
                        for (int i = 0; i < rank; i++)
                        {
                            ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(key.AsSpan(8 + (8 * i)));
                            if (offset % (ulong)l.ChunkDims[i] != 0 || offset > long.MaxValue)
                            {
                                throw Hdf5Error.Invalid(where, "v1 B-tree chunk key", $"offsets that are multiples of the chunk ({Join(l.ChunkDims)})", $"{offset} on axis {i}");
                            }

                            coords[i] = (long)(offset / (ulong)l.ChunkDims[i]);
                        }

                        Put(coords, new Hdf5ChunkLocation(child, filtered ? stored : chunkBytes, mask));
                    }

                    break;
                }

            case Hdf5Layout.IndexSingle:
                Put(new long[rank], new Hdf5ChunkLocation(l.Address, l.SingleFilteredSize >= 0 ? l.SingleFilteredSize : chunkBytes, l.SingleFilterMask));
                break;
            case Hdf5Layout.IndexImplicit:
                for (int i = 0; i < rank; i++)
                {
                    if (maxGrid[i] < 0)
                    {
                        throw Hdf5Error.Invalid(where, "implicit chunk index", "a dataset of fixed maximum shape", "an unlimited dimension");
                    }
                }

                if (maxEntries > MaxGridChunks)
                {
                    throw Hdf5Error.NotSupported(where, "chunk grid", $"more than {MaxGridChunks} chunks for the maximum shape ({Join(maxShape)})");
                }

                return new ArrayDescription(elementType, bigEndian, shape, format, -1,
                    Hdf5ChunkedArray.Implicit(io, name, elementType, bigEndian, shape, l.ChunkDims, fillValue, codec, l.Address, maxGrid));
            case Hdf5Layout.IndexFixedArray:
                {
                    if (maxEntries > MaxGridChunks)
                    {
                        throw Hdf5Error.NotSupported(where, "chunk grid", $"more than {MaxGridChunks} chunks for the maximum shape ({Join(maxShape)})");
                    }

                    long[] down = DownProducts(maxGrid, 0);
                    Hdf5ArrayIndex.FixedArray(io, l.Address, filtered, chunkBytes, maxEntries, where, (index, location) => Put(Unravel(index, down, rank, -1), location));
                    break;
                }

            case Hdf5Layout.IndexExtensibleArray:
                {
                    int unlimited = Array.IndexOf(maxGrid, -1L);
                    if (unlimited < 0 || Array.LastIndexOf(maxGrid, -1L) != unlimited)
                    {
                        throw Hdf5Error.Invalid(where, "extensible array chunk index", "exactly one unlimited dimension", $"maximum shape ({Join(maxShape)})");
                    }

                    // Swizzled: the unlimited axis first, then the others in order (H5VM_swizzle_coords).
                    var order = new long[rank];
                    order[0] = 0;
                    for (int i = 0, j = 1; i < rank; i++)
                    {
                        if (i != unlimited)
                        {
                            order[j++] = maxGrid[i];
                        }
                    }

                    long[] down = DownProducts(order, 1);
                    Hdf5ArrayIndex.ExtensibleArray(io, l.Address, filtered, chunkBytes, MaxGridChunks, where, (index, location) => Put(Unravel(index, down, rank, unlimited), location));
                    break;
                }

            case Hdf5Layout.IndexBTree2:
                {
                    int expectedType = filtered ? 11 : 10;
                    foreach (byte[] record in Hdf5BTree2.Records(io, l.Address, expectedType, where, grid))
                    {
                        var c = new Hdf5Cursor(record, where, "v2 B-tree chunk record", io.OffsetSize, io.LengthSize);
                        long chunkAddress = c.Offset();
                        long stored = chunkBytes;
                        uint mask = 0;
                        if (filtered)
                        {
                            int sizeBytes = record.Length - io.OffsetSize - 4 - (8 * rank);
                            if (sizeBytes is < 1 or > 8)
                            {
                                throw Hdf5Error.Invalid(where, "v2 B-tree chunk record", $"{io.OffsetSize} + size + 4 + {8 * rank} bytes", $"{record.Length} bytes");
                            }

                            stored = c.Checked(c.UInt(sizeBytes), "a chunk size");
                            mask = c.U32();
                        }
                        else if (record.Length != io.OffsetSize + (8 * rank))
                        {
                            throw Hdf5Error.Invalid(where, "v2 B-tree chunk record", $"{io.OffsetSize + (8 * rank)} bytes", $"{record.Length} bytes");
                        }

                        var coords = new long[rank];
                        for (int i = 0; i < rank; i++)
                        {
                            coords[i] = c.Checked(c.U64(), "a chunk coordinate");
                        }

                        if (chunkAddress >= 0)
                        {
                            Put(coords, new Hdf5ChunkLocation(chunkAddress, stored, mask));
                        }
                    }

                    break;
                }
        }

        bool edgeUnfiltered = (l.Flags & 0x01) != 0 && l.Version == 4;
        return new ArrayDescription(elementType, bigEndian, shape, format, -1,
            Hdf5ChunkedArray.Indexed(io, name, elementType, bigEndian, shape, l.ChunkDims, fillValue, codec, filters, map, edgeUnfiltered));
    }

    /// <summary>Down products over <paramref name="grid"/> from axis <paramref name="from"/> on (axes before it are the slowest and never multiplied).</summary>
    private static long[] DownProducts(long[] grid, int from)
    {
        var down = new long[grid.Length];
        long product = 1;
        for (int i = grid.Length - 1; i >= 0; i--)
        {
            down[i] = product;
            if (i >= from)
            {
                product = product <= long.MaxValue / Math.Max(1, grid[i]) ? product * Math.Max(1, grid[i]) : long.MaxValue;
            }
        }

        return down;
    }

    /// <summary>Linear index to chunk coordinates; with <paramref name="unlimited"/> >= 0 the index is over swizzled axes.</summary>
    private static long[] Unravel(long index, long[] down, int rank, int unlimited)
    {
        var swizzled = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            swizzled[i] = index / down[i];
            index %= down[i];
        }

        if (unlimited <= 0)
        {
            return swizzled;
        }

        var coords = new long[rank];
        coords[unlimited] = swizzled[0];
        for (int i = 0, j = 1; i < rank; i++)
        {
            if (i != unlimited)
            {
                coords[i] = swizzled[j++];
            }
        }

        return coords;
    }

    private static void CheckFilter(Hdf5Filter f, string where)
    {
        switch (f.Id)
        {
            case Hdf5Filter.Deflate or Hdf5Filter.Shuffle or Hdf5Filter.Fletcher32 or Hdf5Filter.Lzf:
                return;
            case Hdf5Filter.Szip:
                throw Hdf5Error.NotSupported(where, "szip filter (id 4)", "szip is patent-encumbered and not decoded here; rewrite the dataset with gzip or lzf");
            case Hdf5Filter.NBit:
                throw Hdf5Error.NotSupported(where, "n-bit filter (id 5)", "n-bit packing is not decoded; rewrite the dataset without it");
            case Hdf5Filter.ScaleOffset:
                throw Hdf5Error.NotSupported(where, "scale-offset filter (id 6)", "scale-offset is lossy and not decoded; rewrite the dataset without it");
            default:
                throw Hdf5Error.NotSupported(where, $"filter {f.Id} ({(f.Name.Length > 0 ? f.Name : "unnamed")})", "only deflate (gzip), shuffle, fletcher32 and lzf are decoded");
        }
    }

    private static (long[] Shape, long[] MaxShape) Dataspace(ReadOnlySpan<byte> data, Hdf5Io io, string where)
    {
        var c = new Hdf5Cursor(data, where, "dataspace message", io.OffsetSize, io.LengthSize);
        int version = c.U8();
        int rank = c.U8();
        int flags = c.U8();
        int kind = 1;
        if (version == 1)
        {
            c.Skip(5);
            kind = rank == 0 ? 0 : 1;
        }
        else if (version == 2)
        {
            kind = c.U8();
        }
        else
        {
            throw Hdf5Error.NotSupported(where, $"dataspace message version {version}", "versions 1 and 2 are read");
        }

        if (kind != 1 || rank == 0)
        {
            throw Hdf5Error.NotSupported(where, kind == 2 ? "null dataspace" : "scalar dataspace", "a dataset needs at least one dimension to have rows");
        }

        if (rank > 32)
        {
            throw Hdf5Error.Invalid(where, "dataspace", "a rank of at most 32", $"{rank}");
        }

        var shape = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            ulong d = c.UInt(io.LengthSize);
            shape[i] = d <= long.MaxValue / 2 ? (long)d : throw Hdf5Error.Invalid(where, "dataspace", "dimensions below 2^62", $"{d} on axis {i} (dims overflow)");
        }

        var max = (long[])shape.Clone();
        if ((flags & 1) != 0)
        {
            for (int i = 0; i < rank; i++)
            {
                ulong m = c.UInt(io.LengthSize);
                bool unlimited = io.LengthSize == 8 ? m == ulong.MaxValue : m == (1UL << (8 * io.LengthSize)) - 1;
                max[i] = unlimited ? -1 : (long)Math.Min(m, long.MaxValue / 2);
            }
        }

        return (shape, max);
    }

    private static byte[] FillValue(Hdf5Message? fill, Hdf5Message? fillOld, int size, Hdf5Io io, string where)
    {
        byte[]? value = null;
        if (fill is not null)
        {
            var c = new Hdf5Cursor(fill.Value.Data, where, "fill value message", io.OffsetSize, io.LengthSize);
            int version = c.U8();
            bool defined;
            if (version is 1 or 2)
            {
                c.Skip(2);
                defined = c.U8() == 1 || version == 1;
            }
            else if (version == 3)
            {
                int flags = c.U8();
                defined = (flags & 0x20) != 0;
            }
            else
            {
                throw Hdf5Error.NotSupported(where, $"fill value message version {version}", "versions 1 to 3 are read");
            }

            if (defined && c.Remaining >= 4)
            {
                long length = c.U32();
                value = length == 0 ? null : c.Bytes((int)Math.Min(length, int.MaxValue)).ToArray();
            }
        }
        else if (fillOld is not null && fillOld.Value.Data.Length >= 4)
        {
            var c = new Hdf5Cursor(fillOld.Value.Data, where, "fill value message", io.OffsetSize, io.LengthSize);
            long length = c.U32();
            value = length == 0 ? null : c.Bytes((int)Math.Min(length, int.MaxValue)).ToArray();
        }

        if (value is null)
        {
            return new byte[size];
        }

        return value.Length == size ? value : throw Hdf5Error.Invalid(where, "fill value", $"{size} bytes (one element)", $"{value.Length} bytes");
    }

    private static int[] UnwrittenChunk(long[] shape, int size, string where)
    {
        // Storage that was never written has no chunks; a grid of ~1 MiB row blocks keeps the fill cheap to serve.
        long rowBytes = size;
        var chunk = new int[shape.Length];
        for (int i = shape.Length - 1; i >= 1; i--)
        {
            chunk[i] = (int)Math.Clamp(shape[i], 1, int.MaxValue);
            rowBytes = rowBytes <= Sources.ChunkedArray.MaxChunkBytes / chunk[i] ? rowBytes * chunk[i] : Sources.ChunkedArray.MaxChunkBytes + 1;
        }

        if (rowBytes > Sources.ChunkedArray.MaxChunkBytes)
        {
            throw Hdf5Error.NotSupported(where, "row size", $"rows of ({Join(shape[1..])}) elements exceed {Sources.ChunkedArray.MaxChunkBytes} bytes");
        }

        chunk[0] = (int)Math.Clamp((1L << 20) / rowBytes, 1, Math.Clamp(shape[0], 1, int.MaxValue));
        return chunk;
    }

    private static string Join(long[] values) => string.Join(", ", values);

    private static string Join(int[] values) => string.Join(", ", values);
}
