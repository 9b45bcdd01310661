namespace WindowDataset.Formats.Zarr;

/// <summary>The bytes-to-bytes codecs a Zarr chunk may pass through.</summary>
internal enum ZarrCodecKind
{
    /// <summary>Blosc1 (numcodecs <c>blosc</c>, v3 <c>blosc</c>).</summary>
    Blosc,
    /// <summary>A zstd frame.</summary>
    Zstd,
    /// <summary>A gzip stream.</summary>
    Gzip,
    /// <summary>A zlib stream (v2 only).</summary>
    Zlib,
    /// <summary>numcodecs' LZ4: 4-byte size + LZ4 block (v2 only).</summary>
    Lz4,
    /// <summary>A 4-byte little-endian CRC-32C appended (v3 only).</summary>
    Crc32C,
}
