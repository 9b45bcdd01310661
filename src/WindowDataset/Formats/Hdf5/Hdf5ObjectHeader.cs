namespace WindowDataset.Formats.Hdf5;

/// <summary>
/// Reads the messages of an object header (version 1, or version 2 "OHDR" with "OCHK" continuation blocks and
/// their checksums), following continuation messages with a visited set and a bound on blocks and messages.
/// </summary>
internal static class Hdf5ObjectHeader
{
    private const int MaxBlocks = 4096;
    private const int MaxMessages = 1 << 16;

    public static List<Hdf5Message> Read(Hdf5Io io, long address, string where)
    {
        string what = $"object header at address {address}";
        byte[] prefix = io.ReadAtMost(address, 64, what);
        var messages = new List<Hdf5Message>();
        var pending = new Queue<(long Address, long Length)>();
        var visited = new HashSet<long> { address };
        int version;
        int v2Flags = 0;
        if (prefix.Length >= 4 && prefix[0] == 'O' && prefix[1] == 'H' && prefix[2] == 'D' && prefix[3] == 'R')
        {
            version = 2;
            var c = new Hdf5Cursor(prefix, where, what, io.OffsetSize, io.LengthSize);
            c.Skip(4);
            int v = c.U8();
            if (v != 2)
            {
                throw Hdf5Error.Invalid(where, what, "object header version 2 after the OHDR signature", $"version {v}");
            }

            v2Flags = c.U8();
            if ((v2Flags & 0x20) != 0)
            {
                c.Skip(16);
            }

            if ((v2Flags & 0x10) != 0)
            {
                c.Skip(4);
            }

            int sizeBytes = 1 << (v2Flags & 3);
            long chunkSize = c.Checked(c.UInt(sizeBytes), "a chunk size");
            long start = c.Position;
            byte[] block = io.Read(address, start + chunkSize + 4, what);
            Hdf5Checksum.Verify(block, where, what);
            ParseV2(block.AsSpan((int)start, (int)chunkSize), v2Flags, messages, pending, io, where, what);
        }
        else
        {
            if (prefix.Length < 16)
            {
                throw Hdf5Error.Invalid(where, what, "a 16-byte version 1 object header", $"{prefix.Length} bytes before the end of the file");
            }

            version = prefix[0];
            if (version != 1)
            {
                throw Hdf5Error.Invalid(where, what, "object header version 1 or an OHDR signature", $"version {version}");
            }

            var c = new Hdf5Cursor(prefix, where, what, io.OffsetSize, io.LengthSize);
            c.Skip(8);
            long size = c.U32();
            byte[] block = io.Read(address + 16, size, what);
            ParseV1(block, messages, pending, io, where, what);
        }

        int blocks = 1;
        while (pending.Count > 0)
        {
            (long next, long length) = pending.Dequeue();
            if (!visited.Add(next))
            {
                throw Hdf5Error.Invalid(where, what, "continuation blocks that each appear once", $"address {next} twice (a continuation loop)");
            }

            if (++blocks > MaxBlocks)
            {
                throw Hdf5Error.Invalid(where, what, $"at most {MaxBlocks} continuation blocks", "more");
            }

            string blockWhat = $"object header continuation block at address {next}";
            byte[] block = io.Read(next, length, blockWhat);
            if (version == 1)
            {
                ParseV1(block, messages, pending, io, where, blockWhat);
            }
            else
            {
                if (block.Length < 8 || block[0] != 'O' || block[1] != 'C' || block[2] != 'H' || block[3] != 'K')
                {
                    throw Hdf5Error.Invalid(where, blockWhat, "the signature OCHK", "other bytes");
                }

                Hdf5Checksum.Verify(block, where, blockWhat);
                ParseV2(block.AsSpan(4, block.Length - 8), v2Flags, messages, pending, io, where, blockWhat);
            }
        }

        return messages;
    }

    private static void ParseV1(ReadOnlySpan<byte> block, List<Hdf5Message> messages, Queue<(long, long)> pending, Hdf5Io io, string where, string what)
    {
        var c = new Hdf5Cursor(block, where, what, io.OffsetSize, io.LengthSize);
        while (c.Remaining >= 8)
        {
            int type = c.U16();
            int size = c.U16();
            int flags = c.U8();
            c.Skip(3);
            Add(c.Bytes(size).ToArray(), type, flags, messages, pending, io, where, what);
        }
    }

    private static void ParseV2(ReadOnlySpan<byte> block, int headerFlags, List<Hdf5Message> messages, Queue<(long, long)> pending, Hdf5Io io, string where, string what)
    {
        var c = new Hdf5Cursor(block, where, what, io.OffsetSize, io.LengthSize);
        int headerSize = (headerFlags & 0x04) != 0 ? 6 : 4;
        while (c.Remaining >= headerSize)
        {
            int type = c.U8();
            int size = c.U16();
            int flags = c.U8();
            if (headerSize == 6)
            {
                c.Skip(2);
            }

            Add(c.Bytes(size).ToArray(), type, flags, messages, pending, io, where, what);
        }
    }

    private static void Add(byte[] data, int type, int flags, List<Hdf5Message> messages, Queue<(long, long)> pending, Hdf5Io io, string where, string what)
    {
        if (messages.Count >= MaxMessages)
        {
            throw Hdf5Error.Invalid(where, what, $"at most {MaxMessages} header messages", "more");
        }

        if (type == Hdf5Message.Continuation)
        {
            var c = new Hdf5Cursor(data, where, "continuation message", io.OffsetSize, io.LengthSize);
            long address = c.Offset();
            long length = c.Length();
            pending.Enqueue((address, length));
            return;
        }

        if (type != 0)
        {
            messages.Add(new Hdf5Message(type, flags, data));
        }
    }
}
