using Microsoft.Win32.SafeHandles;

namespace WindowDataset.Sources;

/// <summary>One open file of a source: its handle, where its rows start and how many it has.</summary>
internal sealed class ShardFile(string path, SafeFileHandle handle, long fileLength, long dataOffset, long rows, long rowBase, string format) : IDisposable
{
    public string Path { get; } = path;

    public SafeFileHandle Handle { get; } = handle;

    public long FileLength { get; } = fileLength;

    /// <summary>Byte offset of row 0 in the file.</summary>
    public long DataOffset { get; } = dataOffset;

    public long Rows { get; } = rows;

    /// <summary>Index of this shard's row 0 in the concatenated array.</summary>
    public long RowBase { get; } = rowBase;

    /// <summary><c>npy 1.0</c>, <c>raw</c>...</summary>
    public string Format { get; } = format;

    public void Dispose() => Handle.Dispose();
}
