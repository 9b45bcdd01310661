using Microsoft.Win32.SafeHandles;

namespace WindowDataset.Sources;

/// <summary>
/// One open part of a source: where its rows are and how many it has. A flat shard (<c>.npy</c>, raw, contiguous
/// HDF5) is one C-order run at <see cref="DataOffset"/> of <see cref="Handle"/>; a chunked shard (chunked or compact
/// HDF5, Zarr) is read through <see cref="Chunks"/>.
/// </summary>
internal sealed class ShardFile(string path, SafeFileHandle? handle, long fileLength, long dataOffset, long rows, long rowBase, string format, ChunkedArray? chunks = null, ByteSource? bytes = null) : IDisposable
{
    public string Path { get; } = path;

    /// <summary>The open file; null for a Zarr directory (its chunks are files of their own).</summary>
    public SafeFileHandle? Handle { get; } = handle;

    /// <summary>The flat reader's handle: only flat shards (<see cref="Chunks"/> null) are read through it.</summary>
    public SafeFileHandle FlatHandle => Handle ?? throw new InvalidOperationException($"{Path}: not a flat file.");

    public long FileLength { get; } = fileLength;

    /// <summary>Byte offset of row 0 in the file; -1 for a chunked shard.</summary>
    public long DataOffset { get; } = dataOffset;

    public long Rows { get; } = rows;

    /// <summary>Index of this shard's row 0 in the concatenated array.</summary>
    public long RowBase { get; } = rowBase;

    /// <summary><c>npy 1.0</c>, <c>raw</c>, <c>hdf5 chunked (64, 2000) deflate(1)+shuffle</c>...</summary>
    public string Format { get; } = format;

    /// <summary>The chunk grid of a chunked shard; null for a flat one.</summary>
    public ChunkedArray? Chunks { get; } = chunks;

    /// <summary>The bytes of a flat shard that is not a local file (a remote object); null for local files.</summary>
    public ByteSource? Bytes { get; } = bytes;

    /// <summary>A flat shard in a local file: read by pread or mmap through <see cref="FlatHandle"/>.</summary>
    public bool IsFlat => Chunks is null && Bytes is null;

    public void Dispose()
    {
        Chunks?.Dispose();
        Bytes?.Dispose();
        Handle?.Dispose();
    }
}
