namespace WindowDataset;

/// <summary>The file format of an array source.</summary>
public enum SourceFormat
{
    /// <summary>
    /// From the name: <c>.npy</c> for <see cref="Npy"/>; <c>.h5</c>, <c>.hdf5</c>, <c>.he5</c> for <see cref="Hdf5"/>;
    /// a directory holding <c>.zarray</c>, <c>.zgroup</c> or <c>zarr.json</c> for <see cref="Zarr"/>; raw otherwise.
    /// </summary>
    Auto,

    /// <summary>numpy <c>.npy</c>, format versions 1.0, 2.0 and 3.0.</summary>
    Npy,

    /// <summary>Raw C-order bytes described by <see cref="SourceOptions.DType"/> and <see cref="SourceOptions.RowShape"/>.</summary>
    Raw,

    /// <summary>An HDF5 dataset (<see cref="SourceOptions.Dataset"/>): contiguous, chunked (deflate, shuffle, fletcher32, lzf) or compact.</summary>
    Hdf5,

    /// <summary>A Zarr v2 or v3 array in a directory store (<see cref="SourceOptions.Dataset"/> names an array inside a group).</summary>
    Zarr,
}
