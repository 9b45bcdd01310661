using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using WindowDataset.Formats;
using WindowDataset.Formats.Hdf5;
using WindowDataset.Tests.Formats.Hdf5.Infrastructure;
using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Formats.Hdf5;

/// <summary>
/// Damaged HDF5 files give an <see cref="InvalidDataException"/> (or <see cref="NotSupportedException"/>) naming
/// the file: never a crash, hang or huge allocation. Every parse runs on the test thread, so a loop would hang the test.
/// </summary>
public sealed class Hdf5HostileInputTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("gzip_shuffle.h5", 0)]
    [InlineData("chunked.h5", 0)]
    [InlineData("types.h5", 0)]
    [InlineData("latest.h5", 2)]
    [InlineData("dense.h5", 2)]
    public void Open_TruncatedAtManyPoints_InvalidDataNamingFile(string fixture, int superblock)
    {
        byte[] original = Hdf5Mutation.Bytes(fixture);
        string path = _dir.File(fixture);
        for (int step = 1; step < 64; step++)
        {
            int cut = (int)((long)original.Length * step / 64);
            File.WriteAllBytes(path, original[..cut]);
            Hdf5Mutation.AssertNamesFile(Hdf5Mutation.ReadEverything(path), path);

            // The same cut with the superblock's end-of-file address patched: the damage is found deeper, or the
            // cut removed nothing the datasets need.
            byte[] patched = original[..cut];
            if (cut >= 48)
            {
                if (superblock == 0)
                {
                    Hdf5Mutation.SetEndOfFileV0(patched, cut);
                }
                else
                {
                    Hdf5Mutation.SetEndOfFileV2(patched, cut);
                }
            }

            File.WriteAllBytes(path, patched);
            Exception? ex = Hdf5Mutation.ReadEverything(path);
            if (ex is not null)
            {
                Hdf5Mutation.AssertNamesFile(ex, path, allowNotSupported: true);
            }
        }
    }

    [Fact]
    public void Open_NotHdf5_InvalidDataNamingFile()
    {
        string path = _dir.File("x.h5");
        File.WriteAllBytes(path, new byte[4096]);
        Hdf5Mutation.AssertNamesFile(Hdf5Mutation.ReadEverything(path), path);
    }

    [Fact]
    public void TryReadChunk_CorruptDeflateBytes_InvalidDataNamingChunk()
    {
        byte[] data = Hdf5Mutation.Bytes("gzip_shuffle.h5");
        Hdf5ChunkLocation location = Locate("gzip_shuffle.h5", "/data", [1, 0]);
        for (long i = location.Address + 2; i < location.Address + location.Size; i++)
        {
            data[i] ^= 0x5A;
        }

        string path = Write("corrupt.h5", data);
        var ex = Assert.Throws<InvalidDataException>(() => Read(path, "/data", [1, 0]));
        Assert.StartsWith($"{path}: /data: chunk (1, 0): ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryReadChunk_FletcherMismatch_InvalidDataNamingChunk()
    {
        byte[] data = Hdf5Mutation.Bytes("chunked.h5");
        Hdf5ChunkLocation location = Locate("chunked.h5", "/shuffle_fletcher", [2, 0]);
        data[location.Address + 5] ^= 0x01;
        string path = Write("fletcher.h5", data);
        var ex = Assert.Throws<InvalidDataException>(() => Read(path, "/shuffle_fletcher", [2, 0]));
        Assert.StartsWith($"{path}: /shuffle_fletcher: chunk (2, 0): fletcher32", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryReadChunk_CorruptLzf_InvalidDataNamingChunk()
    {
        byte[] data = Hdf5Mutation.Bytes("chunked.h5");
        Hdf5ChunkLocation location = Locate("chunked.h5", "/lzf_zeros", [0, 0]);
        Assert.Equal(0u, location.FilterMask);
        data[location.Address] = 0xFF; // a back reference before the start of the output
        string path = Write("lzf.h5", data);
        var ex = Assert.Throws<InvalidDataException>(() => Read(path, "/lzf_zeros", [0, 0]));
        Assert.StartsWith($"{path}: /lzf_zeros: chunk (0, 0): lzf", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(32u, 6u, "expected at most")]
    [InlineData(64u, 12u, "decoded size: expected 6144 bytes; found 3072")]
    public void TryReadChunk_DecodesToWrongSize_InvalidDataNamingChunk(uint rows, uint columns, string expected)
    {
        // The layout message's chunk dimensions (64, 6, element 8) rewritten: chunks now decode to the wrong size.
        byte[] data = Hdf5Mutation.Bytes("gzip_shuffle.h5");
        int at = Hdf5Mutation.FindOnce(data, [64, 0, 0, 0, 6, 0, 0, 0, 8, 0, 0, 0]);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(at), rows);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(at + 4), columns);
        string path = Write("size.h5", data);
        var ex = Assert.Throws<InvalidDataException>(() => Read(path, "/data", [0, 0]));
        Assert.StartsWith($"{path}: /data: chunk (0, 0): ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryReadChunk_AddressPastEnd_InvalidDataNamingChunk()
    {
        byte[] data = Hdf5Mutation.Bytes("gzip_shuffle.h5");
        Hdf5ChunkLocation location = Locate("gzip_shuffle.h5", "/data", [2, 0]);
        int at = Hdf5Mutation.FindOnce(data, Hdf5Mutation.U64((ulong)location.Address));
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(at), 1L << 40);
        string path = Write("past.h5", data);
        var ex = Assert.Throws<InvalidDataException>(() => Read(path, "/data", [2, 0]));
        Assert.StartsWith($"{path}: /data: chunk (2, 0): address", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryReadChunk_StoredSizePastEnd_InvalidDataNamingChunk()
    {
        byte[] data = Hdf5Mutation.Bytes("gzip_shuffle.h5");
        Hdf5ChunkLocation location = Locate("gzip_shuffle.h5", "/data", [4, 0]);
        // v1 B-tree key: size (4), mask (4), offsets (64 x 4 rows, 0, 0) just before the child address.
        int at = Hdf5Mutation.FindOnce(data, [.. BitConverter.GetBytes((uint)location.Size), 0, 0, 0, 0, .. Hdf5Mutation.U64(256, 0, 0)]);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(at), 0x7FFFFFF0);
        string path = Write("size.h5", data);
        var ex = Assert.Throws<InvalidDataException>(() => Read(path, "/data", [4, 0]));
        Assert.StartsWith($"{path}: /data: chunk (4, 0): stored size", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_ContiguousAddressPastEnd_InvalidDataTruncated()
    {
        byte[] data = Hdf5Mutation.Bytes("contig_f8.h5");
        int at = Hdf5Mutation.FindOnce(data, Hdf5Mutation.U64(300 * 5 * 8)) - 8;
        Assert.Equal([3, 1], data[(at - 2)..at]);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(at), 1L << 40);
        string path = Write("contig.h5", data);
        var ex = Assert.Throws<InvalidDataException>(() => Hdf5Fixtures.ReadAll(path, "/data"));
        Assert.StartsWith($"{path}: /data: contiguous data", ex.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1UL << 61, 1UL << 61, "fits 64 bits")]
    [InlineData(1UL << 40, 5, "expected contiguous storage of")]
    [InlineData(ulong.MaxValue - 1, 5, "dims overflow")]
    public void Describe_HugeDims_InvalidData(ulong rows, ulong columns, string expected)
    {
        byte[] data = Hdf5Mutation.Bytes("contig_f8.h5");
        int at = Hdf5Mutation.FindAll(data, Hdf5Mutation.U64(300, 5))[0]; // the dims; the maximum dims follow
        Hdf5Mutation.U64(rows, columns).CopyTo(data, at);
        string path = Write("dims.h5", data);
        var ex = Assert.Throws<InvalidDataException>(() => Hdf5Fixtures.ReadAll(path, "/data"));
        Assert.StartsWith($"{path}: /data: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_ChunkBTreePointsToItself_InvalidDataCycle()
    {
        byte[] data = Hdf5Mutation.Bytes("chunked.h5");
        int root = -1;
        foreach (int at in Hdf5Mutation.FindAll(data, "TREE"u8))
        {
            if (data[at + 4] == 1 && data[at + 5] >= 1)
            {
                root = at;
            }
        }

        Assert.True(root > 0, "no internal chunk B-tree node in chunked.h5");
        int keySize = 8 + (8 * 3);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(root + 24 + keySize), root);
        string path = Write("cycle.h5", data);
        var ex = Assert.Throws<InvalidDataException>(() => Hdf5Fixtures.ReadAll(path, "/many"));
        Assert.StartsWith($"{path}: /many: v1 B-tree node at address {root}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("cycle", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_GroupBTreePointsToItself_InvalidDataCycle()
    {
        byte[] data = Hdf5Mutation.Bytes("types.h5");
        int root = -1;
        foreach (int at in Hdf5Mutation.FindAll(data, "TREE"u8))
        {
            if (data[at + 4] == 0)
            {
                root = at;
            }
        }

        Assert.True(root > 0, "no group B-tree in types.h5");
        data[root + 5] = 1; // level 1: its children are now nodes, and the first is itself
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(root + 24 + 8), root);
        string path = Write("groupcycle.h5", data);
        Exception? ex = Hdf5Mutation.ReadEverything(path);
        Hdf5Mutation.AssertNamesFile(ex, path);
        Assert.Contains("cycle", ex!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_BTreeAbsurdLevel_InvalidData()
    {
        byte[] data = Hdf5Mutation.Bytes("chunked.h5");
        foreach (int at in Hdf5Mutation.FindAll(data, "TREE"u8))
        {
            data[at + 5] = 255;
        }

        string path = Write("deep.h5", data);
        Hdf5Mutation.AssertNamesFile(Hdf5Mutation.ReadEverything(path), path);
    }

    [Fact]
    public void Open_ContinuationLoop_InvalidDataNamingLoop()
    {
        string original = Hdf5Fixtures.Full("contig_f8.h5");
        long header;
        using (SafeFileHandle handle = File.OpenHandle(original))
        {
            header = Hdf5File.Open(original, handle, RandomAccess.GetLength(handle)).AddressOf("/data");
        }

        // Turn the header's NIL padding message into a continuation message pointing back at the header's own messages.
        byte[] data = Hdf5Mutation.Bytes("contig_f8.h5");
        int size = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan((int)header + 8));
        int at = (int)header + 16;
        while (BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(at)) != 0)
        {
            at += 8 + BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(at + 2));
            Assert.True(at < header + 16 + size, "no NIL message in the /data header");
        }

        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(at), 0x0010);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(at + 8), header + 16);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(at + 16), size);
        string path = Write("loop.h5", data);
        Exception? ex = Hdf5Mutation.ReadEverything(path);
        Hdf5Mutation.AssertNamesFile(ex, path);
        Assert.Contains("continuation loop", ex!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dense.h5", 3)]
    [InlineData("latest.h5", 13)]
    [InlineData("nested.h5", 3)]
    [InlineData("chunked.h5", 11)]
    public void ReadEverything_EveryFlippedByte_SucceedsOrNamesFile(string fixture, int stride)
    {
        byte[] original = Hdf5Mutation.Bytes(fixture);
        string path = _dir.File(fixture);
        int limit = Math.Min(original.Length, 12_000);
        for (int i = 0; i < limit; i += stride)
        {
            byte[] data = (byte[])original.Clone();
            data[i] ^= (byte)(0x80 >> (i % 8));
            File.WriteAllBytes(path, data);
            Exception? ex = Hdf5Mutation.ReadEverything(path);
            if (ex is not null)
            {
                Hdf5Mutation.AssertNamesFile(ex, path, allowNotSupported: true);
            }
        }
    }

    private static Hdf5ChunkLocation Locate(string fixture, string dataset, long[] chunk)
    {
        string path = Hdf5Fixtures.Full(fixture);
        using SafeFileHandle handle = File.OpenHandle(path);
        ArrayDescription d = Hdf5File.Open(path, handle, RandomAccess.GetLength(handle)).Describe(dataset);
        Assert.True(((Hdf5ChunkedArray)d.Chunks!).TryGetLocation(chunk, out Hdf5ChunkLocation location));
        return location;
    }

    private static bool Read(string path, string dataset, long[] chunk)
    {
        using SafeFileHandle handle = File.OpenHandle(path);
        ArrayDescription d = Hdf5File.Open(path, handle, RandomAccess.GetLength(handle)).Describe(dataset);
        return d.Chunks!.TryReadChunk(chunk, new byte[d.Chunks.ChunkBytes]);
    }

    private string Write(string name, byte[] data)
    {
        string path = _dir.File(name);
        File.WriteAllBytes(path, data);
        return path;
    }
}
