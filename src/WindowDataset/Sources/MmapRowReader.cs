using System.IO.MemoryMappedFiles;
using WindowDataset.Conversion;
using WindowDataset.Interop;

namespace WindowDataset.Sources;

/// <summary>
/// A read-only memory map of every shard, copied (and converted in the same pass) into the batch buffer.
/// Before each copy the file size is re-checked, so a file truncated before a batch raises an
/// <see cref="IOException"/>; a truncation during the copy still raises SIGBUS (see README).
/// </summary>
internal sealed unsafe class MmapRowReader : RowReader
{
    /// <summary>statfs magic numbers of network and user-space filesystems, where another machine can truncate the file under the map.</summary>
    private static readonly long[] s_unsafeFileSystems =
    [
        0x6969, // NFS
        0x517B, // SMB
        0xFF534D42, // CIFS
        0xFE534D42, // SMB2
        0x65735546, // FUSE
        0x01021997, // 9P
        0x00C36400, // Ceph
    ];

    private readonly PreadRowReader _uncached;
    private readonly MemoryMappedFile[] _maps;
    private readonly MemoryMappedViewAccessor[] _views;
    private readonly byte*[] _bases;

    public MmapRowReader(ArraySource source, ElementType outputType, PageCachePolicy pageCache, RowTransform? transform = null)
        : base(source, outputType, pageCache, transform)
    {
        int n = source.Shards.Length;
        _uncached = new PreadRowReader(source, outputType, pageCache, transform);
        _maps = new MemoryMappedFile[n];
        _views = new MemoryMappedViewAccessor[n];
        _bases = new byte*[n];
        try
        {
            for (int i = 0; i < n; i++)
            {
                ShardFile shard = source.Shards[i];
                if (!shard.IsFlat)
                {
                    continue; // read through the chunk cache
                }

                if (LibC.FileSystemType(shard.Path) is { } fs && Array.IndexOf(s_unsafeFileSystems, fs) >= 0)
                {
                    throw new NotSupportedException(
                        $"{shard.Path}: io 'mmap' refused on a network or FUSE filesystem (statfs type 0x{fs:X}): a file truncated by another machine would kill this process with SIGBUS; use io 'pread'.");
                }

                _maps[i] = MemoryMappedFile.CreateFromFile(shard.FlatHandle, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
                _views[i] = _maps[i].CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
                byte* pointer = null;
                _views[i].SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
                _bases[i] = pointer + _views[i].PointerOffset;
                LibC.Advise(_bases[i], shard.FileLength, LibC.MadvRandom);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Scratch for the positional reads of <see cref="ReadUncached"/> (the map itself converts without scratch).</summary>
    public override long ScratchBytes(long rows) => _uncached.ScratchBytes(rows);

    /// <summary>Cold data: one positional read per window (the pages it caches serve later faults on the map).</summary>
    public override void ReadUncached(int shard, long row, int rows, Span<byte> destination, Span<byte> scratch) =>
        _uncached.Read(shard, row, rows, destination, scratch);

    public override void Read(int shard, long row, int rows, Span<byte> destination, Span<byte> scratch)
    {
        ShardFile file = Source.Shards[shard];
        long offset = file.DataOffset + (row * Source.RowBytes);
        int fileBytes = checked((int)(rows * Source.RowBytes));
        long now = RandomAccess.GetLength(file.FlatHandle);
        if (now < offset + fileBytes)
        {
            throw new IOException(
                $"{file.Path}: expected {fileBytes} bytes at offset {offset} (rows {row}..{row + rows - 1}); found a file of {now} bytes, {file.FileLength} when mapped (truncated while in use?).");
        }

        var mapped = new ReadOnlySpan<byte>(_bases[shard] + offset, fileBytes);
        if (Direct)
        {
            mapped.CopyTo(destination);
        }
        else
        {
            ConvertInto(mapped, scratch, destination);
        }

        if (PageCache == PageCachePolicy.DropAfterRead)
        {
            LibC.Advise(_bases[shard] + offset, fileBytes, LibC.MadvDontNeed);
            LibC.AdviseFile(file.FlatHandle, offset, fileBytes, LibC.FadvDontNeed);
        }
    }

    public override void WillNeed(int shard, long row, int rows) =>
        LibC.Advise(_bases[shard] + Source.Shards[shard].DataOffset + (row * Source.RowBytes), rows * Source.RowBytes, LibC.MadvWillNeed);

    public override void Dispose()
    {
        _uncached.Dispose();
        for (int i = 0; i < _maps.Length; i++)
        {
            if (_bases[i] != null)
            {
                _views[i].SafeMemoryMappedViewHandle.ReleasePointer();
                _bases[i] = null;
            }

            _views[i]?.Dispose();
            _maps[i]?.Dispose();
        }
    }
}
