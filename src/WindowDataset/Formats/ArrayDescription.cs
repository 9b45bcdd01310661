using WindowDataset.Sources;

namespace WindowDataset.Formats;

/// <summary>
/// What a container format (HDF5, Zarr) found for one array: element type, shape, and where the bytes are —
/// either one contiguous run at <see cref="DataOffset"/> of the file (read like a <c>.npy</c>), or
/// <see cref="Chunks"/>.
/// </summary>
/// <param name="Type">Element type.</param>
/// <param name="BigEndian">Byte order of the stored (decoded) elements.</param>
/// <param name="Shape">Full shape; axis 0 is rows.</param>
/// <param name="Format">For <c>info</c>: <c>hdf5 contiguous</c>, <c>hdf5 chunked (64, 2000) deflate(1)+shuffle</c>, <c>zarr v2 blosc(lz4,5,shuffle)</c>.</param>
/// <param name="DataOffset">Byte offset of element 0 in the file when the array is one contiguous C-order run; -1 otherwise.</param>
/// <param name="Chunks">The chunk grid when <see cref="DataOffset"/> is -1 (chunked, compact or never-written data).</param>
internal sealed record ArrayDescription(ElementType Type, bool BigEndian, long[] Shape, string Format, long DataOffset, ChunkedArray? Chunks);
