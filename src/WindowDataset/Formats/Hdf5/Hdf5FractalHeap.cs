namespace WindowDataset.Formats.Hdf5;

/// <summary>
/// A fractal heap ("FRHP"), as far as dense link storage needs it: managed objects in direct blocks reached through
/// the root (direct or indirect) block, and tiny objects held in the heap ID. Blocks are located once, at
/// construction, by walking the doubling table with a visited set and a depth limit.
/// </summary>
internal sealed class Hdf5FractalHeap
{
    private const int MaxDepth = 16;
    private readonly Hdf5Io _io;
    private readonly string _where;
    private readonly List<(long Offset, long Size, long Address)> _blocks = [];
    private readonly int _offsetBytes;
    private readonly int _idLength;
    private readonly bool _checksummed;
    private readonly int _width;
    private readonly long _startSize;
    private readonly int _maxDirectRows;

    public Hdf5FractalHeap(Hdf5Io io, long address, string where)
    {
        _io = io;
        _where = where;
        string what = $"fractal heap at address {address}";
        int fixedSize = 4 + 1 + 2 + 2 + 1 + 4 + (io.LengthSize * 12) + (io.OffsetSize * 3) + 2 + 2 + 2 + 2;
        byte[] head = io.Read(address, fixedSize, what);
        if (head[0] != 'F' || head[1] != 'R' || head[2] != 'H' || head[3] != 'P' || head[4] != 0)
        {
            throw Hdf5Error.Invalid(where, what, "the signature FRHP, version 0", $"the bytes {Convert.ToHexString(head, 0, 5)}");
        }

        var c = new Hdf5Cursor(head, where, what, io.OffsetSize, io.LengthSize);
        c.Skip(5);
        _idLength = c.U16();
        int filterLength = c.U16();
        int flags = c.U8();
        _checksummed = (flags & 0x02) != 0;
        c.Skip(4); // max managed object size
        c.Length(); // next huge object id
        c.Offset(); // huge objects B-tree
        c.Length(); // free space
        c.Offset(); // free space manager
        c.Length(); // managed space
        c.Length(); // allocated managed space
        c.Length(); // direct block allocation iterator
        c.Length(); // managed objects
        c.Length(); // huge size
        c.Length(); // huge count
        c.Length(); // tiny size
        c.Length(); // tiny count
        _width = c.U16();
        _startSize = c.Length();
        long maxDirect = c.Length();
        int maxHeapBits = c.U16();
        c.U16(); // starting rows
        long root = c.Offset();
        int rootRows = c.U16();
        if (filterLength != 0)
        {
            throw Hdf5Error.NotSupported(where, "filtered fractal heap", "link storage heaps are not filtered by HDF5 itself");
        }

        if (_width is < 1 or > 4096 || _startSize < 16 || !IsPowerOfTwo(_startSize) || maxDirect < _startSize || !IsPowerOfTwo(maxDirect) || maxHeapBits is < 1 or > 64 || rootRows > 64)
        {
            throw Hdf5Error.Invalid(where, what, "a doubling table of width 1-4096 with power-of-two block sizes", $"width {_width}, start {_startSize}, max direct {maxDirect}, heap bits {maxHeapBits}, rows {rootRows}");
        }

        Hdf5Checksum.Verify(io.Read(address, fixedSize + 4, what), where, what);
        _offsetBytes = (maxHeapBits + 7) / 8;
        _maxDirectRows = Log2(maxDirect) - Log2(_startSize) + 2;
        if (root >= 0)
        {
            if (rootRows == 0)
            {
                _blocks.Add((0, _startSize, root));
            }
            else
            {
                Indirect(root, 0, rootRows, 0, []);
            }
        }
    }

    /// <summary>The bytes of the object a heap ID names (managed or tiny).</summary>
    public byte[] Get(ReadOnlySpan<byte> id)
    {
        if (id.Length != _idLength || id.Length < 2)
        {
            throw Hdf5Error.Invalid(_where, "fractal heap ID", $"{_idLength} bytes", $"{id.Length}");
        }

        int kind = (id[0] >> 4) & 3;
        if ((id[0] >> 6) != 0)
        {
            throw Hdf5Error.Invalid(_where, "fractal heap ID", "version 0", $"version {id[0] >> 6}");
        }

        if (kind == 2)
        {
            int tiny = (id[0] & 0x0F) + 1;
            return tiny > id.Length - 1 ? throw Hdf5Error.Invalid(_where, "tiny heap object", $"at most {id.Length - 1} bytes", $"{tiny}") : id.Slice(1, tiny).ToArray();
        }

        if (kind != 0)
        {
            throw Hdf5Error.NotSupported(_where, "huge fractal heap object", "link messages larger than the heap's managed size");
        }

        var c = new Hdf5Cursor(id, _where, "fractal heap ID", _io.OffsetSize, _io.LengthSize);
        c.Skip(1);
        long offset = c.Checked(c.UInt(_offsetBytes), "a heap offset");
        int lengthBytes = Math.Min(8, id.Length - 1 - _offsetBytes);
        long length = lengthBytes <= 0 ? 0 : c.Checked(c.UInt(lengthBytes), "an object length");
        foreach ((long start, long size, long address) in _blocks)
        {
            if (offset >= start && offset - start < size)
            {
                long inBlock = offset - start;
                if (length > size - inBlock)
                {
                    throw Hdf5Error.Invalid(_where, $"heap object at offset {offset}", $"at most {size - inBlock} bytes (its direct block)", $"{length}");
                }

                int prefix = 5 + _io.OffsetSize + _offsetBytes + (_checksummed ? 4 : 0);
                if (inBlock < prefix)
                {
                    throw Hdf5Error.Invalid(_where, $"heap object at offset {offset}", $"an offset past the direct block header ({prefix} bytes)", $"{inBlock}");
                }

                return _io.Read(address + inBlock, length, $"heap object at offset {offset}");
            }
        }

        throw Hdf5Error.Invalid(_where, "fractal heap ID", "an offset inside an allocated direct block", $"offset {offset}");
    }

    private static bool IsPowerOfTwo(long v) => v > 0 && (v & (v - 1)) == 0;

    private static int Log2(long v) => 63 - (int)long.LeadingZeroCount(v);

    private long RowSize(int row) => row <= 1 ? _startSize : _startSize << (row - 1);

    private void Indirect(long address, long heapOffset, int rows, int depth, HashSet<long> visited)
    {
        string what = $"fractal heap indirect block at address {address}";
        if (depth > MaxDepth || !visited.Add(address))
        {
            throw Hdf5Error.Invalid(_where, what, "an acyclic heap at most 16 levels deep", "a cycle or deeper nesting");
        }

        if (rows > 64 || (long)rows * _width > 1 << 16)
        {
            throw Hdf5Error.Invalid(_where, what, "at most 65536 entries", $"{rows} rows of {_width}");
        }

        long size = 5 + _io.OffsetSize + _offsetBytes + ((long)rows * _width * _io.OffsetSize) + 4;
        byte[] block = _io.Read(address, size, what);
        if (block[0] != 'F' || block[1] != 'H' || block[2] != 'I' || block[3] != 'B')
        {
            throw Hdf5Error.Invalid(_where, what, "the signature FHIB", $"the bytes {Convert.ToHexString(block, 0, 4)}");
        }

        Hdf5Checksum.Verify(block, _where, what);
        var c = new Hdf5Cursor(block, _where, what, _io.OffsetSize, _io.LengthSize);
        c.Skip(5 + _io.OffsetSize + _offsetBytes);
        long offset = heapOffset;
        for (int r = 0; r < rows; r++)
        {
            long rowSize = RowSize(r);
            for (int col = 0; col < _width; col++)
            {
                long child = c.Offset();
                if (child >= 0)
                {
                    if (r < _maxDirectRows)
                    {
                        _blocks.Add((offset, rowSize, child));
                    }
                    else
                    {
                        int childRows = Log2(rowSize) - Log2(_startSize * _width) + 1;
                        Indirect(child, offset, childRows, depth + 1, visited);
                    }
                }

                offset += rowSize;
            }
        }
    }
}
