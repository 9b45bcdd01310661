namespace WindowDataset.Formats.Hdf5;

/// <summary>
/// Version 1 B-trees ("TREE"): type 0 indexes a group's symbol nodes, type 1 a dataset's chunks. Walked with a
/// visited set and a depth limit, so a node pointing at itself or an ancestor is an error, not a loop.
/// </summary>
internal static class Hdf5BTree1
{
    public const int MaxDepth = 64;

    /// <summary>Collects the (key, child address) pairs of every leaf entry, in key order.</summary>
    /// <remarks>A key is the length size for groups, 8 + 8 x dimensionality for chunks.</remarks>
    public static List<(byte[] Key, long Child)> Leaves(Hdf5Io io, long address, int nodeType, int keySize, string where, long maxEntries)
    {
        var leaves = new List<(byte[], long)>();
        var visited = new HashSet<long>();
        Visit(io, address, nodeType, keySize, where, -1, 0, visited, leaves, maxEntries);
        return leaves;
    }

    private static void Visit(Hdf5Io io, long address, int nodeType, int keySize, string where, int expectedLevel, int depth, HashSet<long> visited, List<(byte[], long)> leaves, long maxEntries)
    {
        string what = $"v1 B-tree node at address {address}";
        if (depth > MaxDepth)
        {
            throw Hdf5Error.Invalid(where, what, $"a B-tree at most {MaxDepth} levels deep", "deeper (corrupt or cyclic)");
        }

        if (!visited.Add(address))
        {
            throw Hdf5Error.Invalid(where, what, "each B-tree node reached once", "it reached twice (a cycle)");
        }

        int headerSize = 8 + (2 * io.OffsetSize);
        byte[] header = io.Read(address, headerSize, what);
        var c = new Hdf5Cursor(header, where, what, io.OffsetSize, io.LengthSize);
        if (header[0] != 'T' || header[1] != 'R' || header[2] != 'E' || header[3] != 'E')
        {
            throw Hdf5Error.Invalid(where, what, "the signature TREE", $"the bytes {Convert.ToHexString(header, 0, 4)}");
        }

        c.Skip(4);
        int type = c.U8();
        int level = c.U8();
        int entries = c.U16();
        if (type != nodeType)
        {
            throw Hdf5Error.Invalid(where, what, $"node type {nodeType}", type.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (expectedLevel >= 0 && level != expectedLevel)
        {
            throw Hdf5Error.Invalid(where, what, $"level {expectedLevel} (one below its parent)", level.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        long bodySize = ((long)(entries + 1) * keySize) + ((long)entries * io.OffsetSize);
        byte[] body = io.Read(address + headerSize, bodySize, what);
        var b = new Hdf5Cursor(body, where, what, io.OffsetSize, io.LengthSize);
        for (int i = 0; i < entries; i++)
        {
            byte[] key = b.Bytes(keySize).ToArray();
            long child = b.Offset();
            if (level == 0)
            {
                if (leaves.Count >= maxEntries)
                {
                    throw Hdf5Error.Invalid(where, what, $"at most {maxEntries} entries", "more (corrupt index)");
                }

                leaves.Add((key, child));
            }
            else
            {
                Visit(io, child, nodeType, keySize, where, level - 1, depth + 1, visited, leaves, maxEntries);
            }
        }
    }
}
