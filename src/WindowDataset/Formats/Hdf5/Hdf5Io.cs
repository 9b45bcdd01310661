using WindowDataset.Sources;

namespace WindowDataset.Formats.Hdf5;

/// <summary>
/// Bounded reads of HDF5 structures: every address is relative to the superblock's base, checked against the file
/// length before a buffer is allocated, and the number of structures one file may make us read is capped so a
/// hostile file cannot keep the parser busy forever. Thread-safe (positional reads only).
/// </summary>
internal sealed class Hdf5Io
{
    /// <summary>Largest single metadata structure read (object header chunk, heap, index block).</summary>
    public const int MaxStructureBytes = 1 << 26;

    /// <summary>Structures one operation (an open, a describe) may make us read, a bound on parse time.</summary>
    public const int MaxReads = 4_000_000;

    private int _reads;

    public Hdf5Io(string path, ByteSource bytes, long length, long baseAddress, int offsetSize, int lengthSize)
    {
        Path = path;
        Bytes = bytes;
        Length = length;
        BaseAddress = baseAddress;
        OffsetSize = offsetSize;
        LengthSize = lengthSize;
    }

    public string Path { get; }

    /// <summary>The same file with a fresh read budget, for one more operation.</summary>
    public Hdf5Io Fork() => new(Path, Bytes, Length, BaseAddress, OffsetSize, LengthSize);

    /// <summary>The file's bytes: a local file, or a remote object.</summary>
    public ByteSource Bytes { get; }

    public long Length { get; }

    public long BaseAddress { get; }

    public int OffsetSize { get; }

    public int LengthSize { get; }

    /// <summary>The absolute file position of <paramref name="address"/>, checked so that <paramref name="size"/> bytes fit in the file.</summary>
    public long Absolute(long address, long size, string what)
    {
        if (address < 0)
        {
            throw Hdf5Error.Invalid(Path, what, "a defined address", "the undefined address");
        }

        if (size < 0 || address > Length - BaseAddress || size > Length - BaseAddress - address)
        {
            throw Hdf5Error.Invalid(Path, what, $"{size} bytes at address {address} within the file ({Length} bytes)", "them past the end of the file (truncated)");
        }

        return BaseAddress + address;
    }

    /// <summary>Reads exactly <paramref name="size"/> bytes of a structure at <paramref name="address"/>.</summary>
    public byte[] Read(long address, long size, string what)
    {
        if (size > MaxStructureBytes)
        {
            throw Hdf5Error.Invalid(Path, what, $"at most {MaxStructureBytes} bytes", $"{size} bytes");
        }

        long position = Absolute(address, size, what);
        CountRead(what);
        byte[] buffer = new byte[size];
        ReadExactly(position, buffer, what);
        return buffer;
    }

    /// <summary>Reads up to <paramref name="size"/> bytes at <paramref name="address"/>, fewer where the file ends.</summary>
    public byte[] ReadAtMost(long address, int size, string what)
    {
        long available = Length - BaseAddress - Math.Max(address, 0);
        return Read(address, Math.Max(0, Math.Min(size, available)), what);
    }

    public void CountRead(string what)
    {
        if (Interlocked.Increment(ref _reads) > MaxReads)
        {
            throw Hdf5Error.Invalid(Path, what, $"a file whose structures take at most {MaxReads} reads to parse", "more (a cycle or a hostile file)");
        }
    }

    public void ReadExactly(long position, Span<byte> buffer, string what)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int got = Bytes.ReadAtMost(position + done, buffer[done..]);
            if (got <= 0)
            {
                throw Hdf5Error.Invalid(Path, what, $"{buffer.Length} bytes at position {position}", $"{done} (the file shrank while reading?)");
            }

            done += got;
        }
    }
}
