namespace WindowDataset.Formats.Hdf5;

/// <summary>Where one stored chunk is: its address (relative to the base), stored bytes and per-chunk filter mask.</summary>
internal readonly record struct Hdf5ChunkLocation(long Address, long Size, uint FilterMask);
