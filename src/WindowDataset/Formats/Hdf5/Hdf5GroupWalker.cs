using System.Text;

namespace WindowDataset.Formats.Hdf5;

/// <summary>
/// Finds every dataset reachable from the root group by hard links: old-style groups (symbol table, v1 B-tree,
/// symbol nodes, local heap) and new-style groups (link messages, or dense links in a fractal heap indexed by a
/// v2 B-tree). A group reached twice is walked once; depth and object counts are bounded.
/// </summary>
internal sealed class Hdf5GroupWalker
{
    public const int MaxDepth = 64;
    public const int MaxObjects = 1 << 20;

    private readonly Hdf5Io _io;
    private readonly HashSet<long> _groups = [];
    private int _objects;

    public Hdf5GroupWalker(Hdf5Io io)
    {
        _io = io;
    }

    /// <summary>Dataset path to object header address.</summary>
    public Dictionary<string, long> Datasets { get; } = new(StringComparer.Ordinal);

    /// <summary>Names that are links of a kind we do not follow (soft, external), path to kind.</summary>
    public Dictionary<string, string> OtherLinks { get; } = new(StringComparer.Ordinal);

    public void Walk(long rootAddress)
    {
        _groups.Add(rootAddress);
        var stack = new Stack<(long Address, string Path, int Depth, List<Hdf5Message> Messages)>();
        stack.Push((rootAddress, string.Empty, 0, Hdf5ObjectHeader.Read(_io, rootAddress, $"{_io.Path}: group /")));
        while (stack.Count > 0)
        {
            (long address, string path, int depth, List<Hdf5Message> messages) = stack.Pop();
            string where = $"{_io.Path}: group {(path.Length == 0 ? "/" : path)}";
            foreach (Hdf5Link link in Links(messages, where))
            {
                if (++_objects > MaxObjects)
                {
                    throw Hdf5Error.Invalid(_io.Path, "groups", $"at most {MaxObjects} links", "more");
                }

                string child = path + "/" + link.Name;
                if (link.Kind != Hdf5Link.Hard)
                {
                    OtherLinks[child] = link.KindName;
                    continue;
                }

                List<Hdf5Message> childMessages = Hdf5ObjectHeader.Read(_io, link.Address, $"{_io.Path}: {child}");
                if (Has(childMessages, Hdf5Message.Layout))
                {
                    Datasets[child] = link.Address;
                }
                else if (Has(childMessages, Hdf5Message.SymbolTable) || Has(childMessages, Hdf5Message.LinkInfo) || Has(childMessages, Hdf5Message.Link))
                {
                    if (depth + 1 > MaxDepth)
                    {
                        throw Hdf5Error.Invalid(_io.Path, child, $"groups nested at most {MaxDepth} deep", "deeper");
                    }

                    if (_groups.Add(link.Address))
                    {
                        stack.Push((link.Address, child, depth + 1, childMessages));
                    }
                }
            }
        }
    }

    private static bool Has(List<Hdf5Message> messages, int type)
    {
        foreach (Hdf5Message m in messages)
        {
            if (m.Type == type)
            {
                return true;
            }
        }

        return false;
    }

    private List<Hdf5Link> Links(List<Hdf5Message> messages, string where)
    {
        var links = new List<Hdf5Link>();
        foreach (Hdf5Message m in messages)
        {
            switch (m.Type)
            {
                case Hdf5Message.Link:
                    links.Add(Hdf5Link.Parse(m.Data, _io, where));
                    break;
                case Hdf5Message.SymbolTable:
                    SymbolTable(m.Data, where, links);
                    break;
                case Hdf5Message.LinkInfo:
                    Dense(m.Data, where, links);
                    break;
            }
        }

        return links;
    }

    private void SymbolTable(byte[] data, string where, List<Hdf5Link> links)
    {
        var c = new Hdf5Cursor(data, where, "symbol table message", _io.OffsetSize, _io.LengthSize);
        long btree = c.Offset();
        long heap = c.Offset();
        byte[] names = LocalHeap(heap, where);
        int entrySize = (2 * _io.OffsetSize) + 24;
        foreach ((byte[] _, long snod) in Hdf5BTree1.Leaves(_io, btree, 0, _io.LengthSize, where, MaxObjects))
        {
            string what = $"symbol table node at address {snod}";
            byte[] head = _io.Read(snod, 8, what);
            if (head[0] != 'S' || head[1] != 'N' || head[2] != 'O' || head[3] != 'D' || head[4] != 1)
            {
                throw Hdf5Error.Invalid(where, what, "the signature SNOD, version 1", $"the bytes {Convert.ToHexString(head, 0, 5)}");
            }

            int count = head[6] | (head[7] << 8);
            byte[] body = _io.Read(snod + 8, (long)count * entrySize, what);
            var e = new Hdf5Cursor(body, where, what, _io.OffsetSize, _io.LengthSize);
            for (int i = 0; i < count; i++)
            {
                long nameOffset = e.Checked(e.UInt(_io.OffsetSize), "a name offset");
                long header = e.Offset();
                e.Skip(24);
                links.Add(new Hdf5Link(HeapString(names, nameOffset, where), Hdf5Link.Hard, header));
            }
        }
    }

    private byte[] LocalHeap(long address, string where)
    {
        string what = $"local heap at address {address}";
        byte[] head = _io.Read(address, 8 + (2 * _io.LengthSize) + _io.OffsetSize, what);
        if (head[0] != 'H' || head[1] != 'E' || head[2] != 'A' || head[3] != 'P' || head[4] != 0)
        {
            throw Hdf5Error.Invalid(where, what, "the signature HEAP, version 0", $"the bytes {Convert.ToHexString(head, 0, 5)}");
        }

        var c = new Hdf5Cursor(head, where, what, _io.OffsetSize, _io.LengthSize);
        c.Skip(8);
        long size = c.Length();
        c.Length();
        long data = c.Offset();
        return _io.Read(data, size, what);
    }

    private static string HeapString(byte[] heap, long offset, string where)
    {
        if (offset < 0 || offset >= heap.Length)
        {
            throw Hdf5Error.Invalid(where, "link name", $"an offset within the local heap ({heap.Length} bytes)", $"{offset}");
        }

        int end = Array.IndexOf(heap, (byte)0, (int)offset);
        if (end < 0)
        {
            throw Hdf5Error.Invalid(where, "link name", "a NUL-terminated name in the local heap", "no terminator");
        }

        return Encoding.UTF8.GetString(heap, (int)offset, end - (int)offset);
    }

    private void Dense(byte[] data, string where, List<Hdf5Link> links)
    {
        var c = new Hdf5Cursor(data, where, "link info message", _io.OffsetSize, _io.LengthSize);
        int version = c.U8();
        int flags = c.U8();
        if (version != 0)
        {
            throw Hdf5Error.Invalid(where, "link info message", "version 0", $"version {version}");
        }

        if ((flags & 1) != 0)
        {
            c.Skip(8);
        }

        long heapAddress = c.Offset();
        long nameIndex = c.Offset();
        if (heapAddress < 0)
        {
            return; // compact storage: the links are link messages of this header
        }

        var heap = new Hdf5FractalHeap(_io, heapAddress, where);
        foreach (byte[] record in Hdf5BTree2.Records(_io, nameIndex, 5, where, MaxObjects))
        {
            if (record.Length < 5)
            {
                throw Hdf5Error.Invalid(where, "link name index record", "a hash and a heap ID", $"{record.Length} bytes");
            }

            links.Add(Hdf5Link.Parse(heap.Get(record.AsSpan(4)), _io, where));
        }
    }
}
