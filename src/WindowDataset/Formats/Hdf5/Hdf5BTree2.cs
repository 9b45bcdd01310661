namespace WindowDataset.Formats.Hdf5;

/// <summary>
/// Version 2 B-trees ("BTHD", "BTIN", "BTLF"): returns every record, in order. Used for dense group links (type 5)
/// and chunk indexes (types 10 and 11). Node sizes, record counts and depth come from the header and are bounded.
/// </summary>
internal static class Hdf5BTree2
{
    private const int MaxDepth = 32;

    public static List<byte[]> Records(Hdf5Io io, long address, int expectedType, string where, long maxRecords)
    {
        string what = $"v2 B-tree header at address {address}";
        int headerSize = 4 + 1 + 1 + 4 + 2 + 2 + 1 + 1 + io.OffsetSize + 2 + io.LengthSize + 4;
        byte[] header = io.Read(address, headerSize, what);
        if (header[0] != 'B' || header[1] != 'T' || header[2] != 'H' || header[3] != 'D')
        {
            throw Hdf5Error.Invalid(where, what, "the signature BTHD", $"the bytes {Convert.ToHexString(header, 0, 4)}");
        }

        Hdf5Checksum.Verify(header, where, what);
        var c = new Hdf5Cursor(header, where, what, io.OffsetSize, io.LengthSize);
        c.Skip(4);
        int version = c.U8();
        int type = c.U8();
        long nodeSize = c.U32();
        int recordSize = c.U16();
        int depth = c.U16();
        c.Skip(2);
        long root = c.Offset();
        int rootRecords = c.U16();
        long total = c.Length();
        if (version != 0 || type != expectedType)
        {
            throw Hdf5Error.Invalid(where, what, $"version 0 of type {expectedType}", $"version {version} of type {type}");
        }

        if (nodeSize < 16 || nodeSize > Hdf5Io.MaxStructureBytes || recordSize == 0 || recordSize > nodeSize || depth > MaxDepth)
        {
            throw Hdf5Error.Invalid(where, what, "a node size of 16 bytes to 64 MiB, a record size within it and a depth of at most 32", $"node size {nodeSize}, record size {recordSize}, depth {depth}");
        }

        if (total > maxRecords)
        {
            throw Hdf5Error.Invalid(where, what, $"at most {maxRecords} records", $"{total}");
        }

        var records = new List<byte[]>();
        if (root < 0 || total == 0)
        {
            return records;
        }

        // Field widths of the child pointers, as H5B2__hdr_init computes them.
        var maxRecordsAt = new long[depth + 1];
        var cumulative = new long[depth + 1];
        var cumulativeSize = new int[depth + 1];
        maxRecordsAt[0] = (nodeSize - 10) / recordSize;
        cumulative[0] = maxRecordsAt[0];
        int maxNrecSize = EncodedSize(maxRecordsAt[0]);
        for (int d = 1; d <= depth; d++)
        {
            long pointer = io.OffsetSize + maxNrecSize + cumulativeSize[d - 1];
            maxRecordsAt[d] = (nodeSize - 10) / (recordSize + pointer);
            cumulative[d] = Math.Min(long.MaxValue / 4, ((maxRecordsAt[d] + 1) * cumulative[d - 1]) + maxRecordsAt[d]);
            cumulativeSize[d] = EncodedSize(cumulative[d]);
        }

        var visited = new HashSet<long>();
        var walk = new Walk(io, where, expectedType, (int)nodeSize, recordSize, maxNrecSize, cumulativeSize, maxRecordsAt, visited, records, maxRecords);
        walk.Node(root, depth, rootRecords);
        return records;
    }

    /// <summary><c>H5VM_limit_enc_size</c>: bytes that encode values up to <paramref name="value"/>.</summary>
    private static int EncodedSize(long value) => (FloorLog2(value) / 8) + 1;

    private static int FloorLog2(long value) => value <= 0 ? 0 : 63 - (int)long.LeadingZeroCount(value);

    private sealed class Walk(Hdf5Io io, string where, int type, int nodeSize, int recordSize, int maxNrecSize, int[] cumulativeSize, long[] maxRecordsAt, HashSet<long> visited, List<byte[]> records, long maxRecords)
    {
        public void Node(long address, int depth, int count)
        {
            bool leaf = depth == 0;
            string what = $"v2 B-tree {(leaf ? "leaf" : "internal")} node at address {address}";
            if (!visited.Add(address))
            {
                throw Hdf5Error.Invalid(where, what, "each B-tree node reached once", "it reached twice (a cycle)");
            }

            if (count > maxRecordsAt[depth])
            {
                throw Hdf5Error.Invalid(where, what, $"at most {maxRecordsAt[depth]} records", count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            byte[] node = io.Read(address, nodeSize, what);
            string signature = leaf ? "BTLF" : "BTIN";
            if (node[0] != signature[0] || node[1] != signature[1] || node[2] != signature[2] || node[3] != signature[3] || node[5] != type)
            {
                throw Hdf5Error.Invalid(where, what, $"the signature {signature} of type {type}", $"the bytes {Convert.ToHexString(node, 0, 6)}");
            }

            int pointerSize = leaf ? 0 : io.OffsetSize + maxNrecSize + cumulativeSize[depth - 1];
            long used = 6 + ((long)count * recordSize) + (leaf ? 0 : (long)(count + 1) * pointerSize);
            if (used + 4 > nodeSize)
            {
                throw Hdf5Error.Invalid(where, what, $"records that fit its {nodeSize} bytes", $"{used + 4} bytes");
            }

            Hdf5Checksum.Verify(node.AsSpan(0, (int)used + 4), where, what);
            var c = new Hdf5Cursor(node.AsSpan(0, (int)used), where, what, io.OffsetSize, io.LengthSize);
            c.Skip(6);
            var own = new byte[count][];
            for (int i = 0; i < count; i++)
            {
                own[i] = c.Bytes(recordSize).ToArray();
            }

            if (leaf)
            {
                Add(own, what);
                return;
            }

            for (int i = 0; i <= count; i++)
            {
                long child = c.Offset();
                int childCount = (int)Math.Min(int.MaxValue, c.UInt(maxNrecSize));
                if (depth > 1)
                {
                    c.Skip(cumulativeSize[depth - 1]);
                }

                Node(child, depth - 1, childCount);
                if (i < count)
                {
                    Add([own[i]], what);
                }
            }
        }

        private void Add(byte[][] found, string what)
        {
            if (records.Count + found.Length > maxRecords)
            {
                throw Hdf5Error.Invalid(where, what, $"at most {maxRecords} records", "more (corrupt index)");
            }

            records.AddRange(found);
        }
    }
}
