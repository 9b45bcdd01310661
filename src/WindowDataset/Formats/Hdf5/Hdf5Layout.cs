namespace WindowDataset.Formats.Hdf5;

/// <summary>A parsed data layout message (0x0008), versions 1 to 4.</summary>
internal sealed class Hdf5Layout
{
    public const int Compact = 0;
    public const int Contiguous = 1;
    public const int Chunked = 2;
    public const int Virtual = 3;

    public const int IndexBTree1 = 0;
    public const int IndexSingle = 1;
    public const int IndexImplicit = 2;
    public const int IndexFixedArray = 3;
    public const int IndexExtensibleArray = 4;
    public const int IndexBTree2 = 5;

    public int Version { get; private set; }

    public int Class { get; private set; }

    /// <summary>Contiguous data, or the chunk index (B-tree, array header, single chunk, implicit storage).</summary>
    public long Address { get; private set; } = -1;

    public long ContiguousSize { get; private set; } = -1;

    public byte[] CompactData { get; private set; } = [];

    /// <summary>Chunk dimensions, without the trailing element-size dimension HDF5 stores.</summary>
    public int[] ChunkDims { get; private set; } = [];

    public int ChunkElementSize { get; private set; }

    public int Flags { get; private set; }

    public int IndexType { get; private set; }

    public int PageBits { get; private set; }

    public long SingleFilteredSize { get; private set; } = -1;

    public uint SingleFilterMask { get; private set; }

    public static Hdf5Layout Parse(ReadOnlySpan<byte> data, Hdf5Io io, string where)
    {
        var c = new Hdf5Cursor(data, where, "data layout message", io.OffsetSize, io.LengthSize);
        var l = new Hdf5Layout { Version = c.U8() };
        if (l.Version is 1 or 2)
        {
            int dims = c.U8();
            l.Class = c.U8();
            c.Skip(5);
            if (l.Class != Compact)
            {
                l.Address = c.Offset();
            }

            CheckRank(dims, where);
            var sizes = new long[dims];
            for (int i = 0; i < dims; i++)
            {
                sizes[i] = c.U32();
            }

            if (l.Class == Chunked)
            {
                l.SetChunk(sizes, where);
                c.Skip(4);
            }
            else if (l.Class == Compact)
            {
                l.CompactData = c.Bytes((int)c.U32()).ToArray();
            }

            return l;
        }

        if (l.Version is not (3 or 4))
        {
            throw Hdf5Error.NotSupported(where, $"data layout message version {l.Version}", "versions 1 to 4 are read");
        }

        l.Class = c.U8();
        switch (l.Class)
        {
            case Compact:
                l.CompactData = c.Bytes(c.U16()).ToArray();
                break;
            case Contiguous:
                l.Address = c.Offset();
                l.ContiguousSize = c.Length();
                break;
            case Chunked when l.Version == 3:
                {
                    int dims = c.U8();
                    CheckRank(dims, where);
                    l.Address = c.Offset();
                    var sizes = new long[dims];
                    for (int i = 0; i < dims; i++)
                    {
                        sizes[i] = c.U32();
                    }

                    l.SetChunk(sizes, where);
                    l.IndexType = IndexBTree1;
                    break;
                }

            case Chunked:
                {
                    l.Flags = c.U8();
                    int dims = c.U8();
                    CheckRank(dims, where);
                    int width = c.U8();
                    if (width is < 1 or > 8)
                    {
                        throw Hdf5Error.Invalid(where, "data layout message", "chunk dimensions encoded in 1 to 8 bytes", $"{width}");
                    }

                    var sizes = new long[dims];
                    for (int i = 0; i < dims; i++)
                    {
                        sizes[i] = c.Checked(c.UInt(width), "a chunk dimension");
                    }

                    l.SetChunk(sizes, where);
                    l.IndexType = c.U8();
                    switch (l.IndexType)
                    {
                        case IndexSingle:
                            if ((l.Flags & 0x02) != 0)
                            {
                                l.SingleFilteredSize = c.Length();
                                l.SingleFilterMask = c.U32();
                            }

                            break;
                        case IndexImplicit:
                            break;
                        case IndexFixedArray:
                            l.PageBits = c.U8();
                            break;
                        case IndexExtensibleArray:
                            c.Skip(5);
                            break;
                        case IndexBTree2:
                            c.Skip(6);
                            break;
                        default:
                            throw Hdf5Error.NotSupported(where, $"chunk index type {l.IndexType}", "single chunk, implicit, fixed array, extensible array and B-tree indexes are read");
                    }

                    l.Address = c.Offset();
                    break;
                }

            case Virtual:
                throw Hdf5Error.NotSupported(where, "virtual dataset (layout class 3)", "its data lives in other datasets; read the source datasets instead");
            default:
                throw Hdf5Error.Invalid(where, "data layout class", "0 (compact), 1 (contiguous), 2 (chunked) or 3 (virtual)", $"{l.Class}");
        }

        return l;
    }

    public string IndexName => IndexType switch
    {
        IndexBTree1 => "v1 B-tree",
        IndexSingle => "single chunk",
        IndexImplicit => "implicit",
        IndexFixedArray => "fixed array",
        IndexExtensibleArray => "extensible array",
        _ => "v2 B-tree",
    };

    private static void CheckRank(int dims, string where)
    {
        if (dims is < 1 or > 33)
        {
            throw Hdf5Error.Invalid(where, "data layout message", "a dimensionality of 1 to 33", $"{dims}");
        }
    }

    private void SetChunk(long[] sizes, string where)
    {
        if (sizes.Length < 2)
        {
            throw Hdf5Error.Invalid(where, "chunk dimensions", "the dataset rank plus the element size", $"{sizes.Length} values");
        }

        ChunkDims = new int[sizes.Length - 1];
        for (int i = 0; i < ChunkDims.Length; i++)
        {
            if (sizes[i] is < 1 or > int.MaxValue)
            {
                throw Hdf5Error.Invalid(where, "chunk dimensions", "dimensions of 1 to 2^31-1", $"({string.Join(", ", sizes[..^1])})");
            }

            ChunkDims[i] = (int)sizes[i];
        }

        ChunkElementSize = (int)Math.Min(int.MaxValue, sizes[^1]);
    }
}
