namespace WindowDataset.Formats.Hdf5;

/// <summary>
/// The array chunk indexes of layout version 4: fixed array ("FAHD"/"FADB", paged data blocks included) and
/// extensible array ("EAHD"/"EAIB"/"EASB"/"EADB"). Each calls back with (linear index, location) for every defined
/// element; element counts are bounded by the caller's chunk grid before anything is read.
/// </summary>
internal static class Hdf5ArrayIndex
{
    public static void FixedArray(Hdf5Io io, long address, bool filtered, long chunkBytes, long maxEntries, string where, Action<long, Hdf5ChunkLocation> found)
    {
        string what = $"fixed array header at address {address}";
        byte[] h = io.Read(address, 4 + 1 + 1 + 1 + 1 + io.LengthSize + io.OffsetSize + 4, what);
        Signature(h, "FAHD", where, what);
        Hdf5Checksum.Verify(h, where, what);
        var c = new Hdf5Cursor(h, where, what, io.OffsetSize, io.LengthSize);
        c.Skip(5);
        int client = c.U8();
        int entrySize = c.U8();
        int pageBits = c.U8();
        long entries = c.Length();
        long block = c.Offset();
        CheckEntry(io, client, entrySize, filtered, where, what);
        if (entries > maxEntries || pageBits > 32)
        {
            throw Hdf5Error.Invalid(where, what, $"at most {maxEntries} entries (the chunk grid) and page bits of at most 32", $"{entries} entries, {pageBits} page bits");
        }

        if (block < 0)
        {
            return;
        }

        what = $"fixed array data block at address {block}";
        long pageElements = 1L << pageBits;
        bool paged = entries > pageElements;
        long pages = paged ? (entries + pageElements - 1) / pageElements : 0;
        int bitmap = (int)((pages + 7) / 8);
        int prefix = 6 + io.OffsetSize + bitmap;
        if (!paged)
        {
            byte[] d = io.Read(block, prefix + (entries * entrySize) + 4, what);
            Signature(d, "FADB", where, what);
            Hdf5Checksum.Verify(d, where, what);
            Entries(d.AsSpan(prefix, (int)(entries * entrySize)), 0, entrySize, filtered, chunkBytes, io, where, what, found);
            return;
        }

        byte[] head = io.Read(block, prefix + 4, what);
        Signature(head, "FADB", where, what);
        Hdf5Checksum.Verify(head, where, what);
        long pageBytes = (pageElements * entrySize) + 4;
        for (long p = 0; p < pages; p++)
        {
            if ((head[6 + io.OffsetSize + (p / 8)] & (0x80 >> (int)(p % 8))) == 0)
            {
                continue; // page never initialized: all its chunks unwritten
            }

            long count = Math.Min(pageElements, entries - (p * pageElements));
            string pageWhat = $"fixed array page {p} at address {block + prefix + 4 + (p * pageBytes)}";
            byte[] page = io.Read(block + prefix + 4 + (p * pageBytes), (count * entrySize) + 4, pageWhat);
            Hdf5Checksum.Verify(page, where, pageWhat);
            Entries(page.AsSpan(0, (int)(count * entrySize)), p * pageElements, entrySize, filtered, chunkBytes, io, where, pageWhat, found);
        }
    }

    public static void ExtensibleArray(Hdf5Io io, long address, bool filtered, long chunkBytes, long maxEntries, string where, Action<long, Hdf5ChunkLocation> found)
    {
        string what = $"extensible array header at address {address}";
        byte[] h = io.Read(address, 12 + (6 * io.LengthSize) + io.OffsetSize + 4, what);
        Signature(h, "EAHD", where, what);
        Hdf5Checksum.Verify(h, where, what);
        var c = new Hdf5Cursor(h, where, what, io.OffsetSize, io.LengthSize);
        c.Skip(5);
        int client = c.U8();
        int entrySize = c.U8();
        int maxBits = c.U8();
        int indexElements = c.U8();
        int minElements = c.U8();
        int minPointers = c.U8();
        int pageBits = c.U8();
        for (int i = 0; i < 4; i++)
        {
            c.Length();
        }

        long maxIndex = c.Length();
        c.Length();
        long indexBlock = c.Offset();
        CheckEntry(io, client, entrySize, filtered, where, what);
        if (maxBits is < 1 or > 64 || minElements < 1 || (minElements & (minElements - 1)) != 0 || minPointers < 1 || (minPointers & (minPointers - 1)) != 0
            || pageBits > 32 || Log2(minElements) > maxBits)
        {
            throw Hdf5Error.Invalid(where, what, "power-of-two block parameters within the element bits", $"max bits {maxBits}, min elements {minElements}, min pointers {minPointers}, page bits {pageBits}");
        }

        if (maxIndex > maxEntries)
        {
            throw Hdf5Error.Invalid(where, what, $"at most {maxEntries} elements (the chunk grid)", $"{maxIndex}");
        }

        if (indexBlock < 0)
        {
            return;
        }

        int superBlocks = 1 + maxBits - Log2(minElements);
        int indexSuper = 2 * Log2(minPointers);
        int indexData = 2 * (minPointers - 1);
        int indexSuperAddrs = Math.Max(0, superBlocks - indexSuper);
        int offsetBytes = (maxBits + 7) / 8;
        what = $"extensible array index block at address {indexBlock}";
        long ibSize = 6 + io.OffsetSize + ((long)indexElements * entrySize) + ((long)(indexData + indexSuperAddrs) * io.OffsetSize) + 4;
        byte[] ib = io.Read(indexBlock, ibSize, what);
        Signature(ib, "EAIB", where, what);
        Hdf5Checksum.Verify(ib, where, what);
        int at = 6 + io.OffsetSize;
        long inIndex = Math.Min(indexElements, maxIndex);
        Entries(ib.AsSpan(at, (int)(inIndex * entrySize)), 0, entrySize, filtered, chunkBytes, io, where, what, found);
        var a = new Hdf5Cursor(ib.AsSpan(at + (indexElements * entrySize)), where, what, io.OffsetSize, io.LengthSize);
        var dataAddrs = new long[indexData];
        for (int i = 0; i < indexData; i++)
        {
            dataAddrs[i] = a.Offset();
        }

        var superAddrs = new long[indexSuperAddrs];
        for (int i = 0; i < indexSuperAddrs; i++)
        {
            superAddrs[i] = a.Offset();
        }

        long pageElements = 1L << pageBits;
        long start = indexElements;
        int dataBlock = 0;
        for (int s = 0; s < superBlocks && start < maxIndex; s++)
        {
            long blocks = 1L << (s / 2);
            long elements = (1L << ((s + 1) / 2)) * minElements;
            long[] addrs;
            if (s < indexSuper)
            {
                addrs = new long[blocks];
                for (long d = 0; d < blocks; d++)
                {
                    addrs[d] = dataBlock < dataAddrs.Length ? dataAddrs[dataBlock] : -1;
                    dataBlock++;
                }
            }
            else
            {
                long sb = superAddrs[s - indexSuper];
                if (sb < 0)
                {
                    start += blocks * elements;
                    continue;
                }

                if (elements > pageElements)
                {
                    throw Hdf5Error.NotSupported(where, "extensible array with paged data blocks", $"chunk {start} onwards of an array with more than {pageElements} chunks per data block");
                }

                string sbWhat = $"extensible array super block at address {sb}";
                byte[] sbBytes = io.Read(sb, 6 + io.OffsetSize + offsetBytes + (blocks * io.OffsetSize) + 4, sbWhat);
                Signature(sbBytes, "EASB", where, sbWhat);
                Hdf5Checksum.Verify(sbBytes, where, sbWhat);
                var sc = new Hdf5Cursor(sbBytes.AsSpan(6 + io.OffsetSize + offsetBytes), where, sbWhat, io.OffsetSize, io.LengthSize);
                addrs = new long[blocks];
                for (long d = 0; d < blocks; d++)
                {
                    addrs[d] = sc.Offset();
                }
            }

            foreach (long db in addrs)
            {
                if (start >= maxIndex)
                {
                    break;
                }

                if (db >= 0)
                {
                    if (elements > pageElements)
                    {
                        throw Hdf5Error.NotSupported(where, "extensible array with paged data blocks", $"chunk {start} onwards");
                    }

                    string dbWhat = $"extensible array data block at address {db}";
                    int prefix = 6 + io.OffsetSize + offsetBytes;
                    byte[] d = io.Read(db, prefix + (elements * entrySize) + 4, dbWhat);
                    Signature(d, "EADB", where, dbWhat);
                    Hdf5Checksum.Verify(d, where, dbWhat);
                    long count = Math.Min(elements, maxIndex - start);
                    Entries(d.AsSpan(prefix, (int)(count * entrySize)), start, entrySize, filtered, chunkBytes, io, where, dbWhat, found);
                }

                start += elements;
            }
        }
    }

    private static int Log2(long v) => 63 - (int)long.LeadingZeroCount(Math.Max(v, 1));

    private static void Signature(byte[] b, string signature, string where, string what)
    {
        if (b.Length < 6 || b[0] != signature[0] || b[1] != signature[1] || b[2] != signature[2] || b[3] != signature[3] || b[4] != 0)
        {
            throw Hdf5Error.Invalid(where, what, $"the signature {signature}, version 0", $"the bytes {Convert.ToHexString(b, 0, Math.Min(5, b.Length))}");
        }
    }

    private static void CheckEntry(Hdf5Io io, int client, int entrySize, bool filtered, string where, string what)
    {
        int expectedClient = filtered ? 1 : 0;
        bool sizeOk = filtered ? entrySize > io.OffsetSize + 4 && entrySize <= io.OffsetSize + 12 : entrySize == io.OffsetSize;
        if (client != expectedClient || !sizeOk)
        {
            throw Hdf5Error.Invalid(where, what, $"{(filtered ? "filtered" : "unfiltered")} chunk entries (client {expectedClient})", $"client {client} with {entrySize}-byte entries");
        }
    }

    private static void Entries(ReadOnlySpan<byte> data, long first, int entrySize, bool filtered, long chunkBytes, Hdf5Io io, string where, string what, Action<long, Hdf5ChunkLocation> found)
    {
        var c = new Hdf5Cursor(data, where, what, io.OffsetSize, io.LengthSize);
        for (long i = first; c.Remaining >= entrySize; i++)
        {
            long address = c.Offset();
            long size = chunkBytes;
            uint mask = 0;
            if (filtered)
            {
                size = c.Checked(c.UInt(entrySize - io.OffsetSize - 4), "a chunk size");
                mask = c.U32();
            }

            if (address >= 0)
            {
                found(i, new Hdf5ChunkLocation(address, size, mask));
            }
        }
    }
}
