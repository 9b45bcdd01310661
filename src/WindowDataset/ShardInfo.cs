namespace WindowDataset;

/// <summary>One file of an array source.</summary>
/// <param name="Path">The file.</param>
/// <param name="Format">"npy 1.0", "npy 2.0", "npy 3.0" or "raw".</param>
/// <param name="Rows">Rows in this file.</param>
/// <param name="FirstRow">Index of this file's first row in the concatenated array.</param>
/// <param name="DataOffset">Byte offset of the first row in the file.</param>
/// <param name="FileLength">File size in bytes.</param>
public sealed record ShardInfo(string Path, string Format, long Rows, long FirstRow, long DataOffset, long FileLength);
