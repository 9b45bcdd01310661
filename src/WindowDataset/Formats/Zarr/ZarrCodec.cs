namespace WindowDataset.Formats.Zarr;

/// <summary>One bytes-to-bytes codec of a chunk's chain and how <c>info</c> shows it (<c>blosc(lz4,5,shuffle)</c>).</summary>
internal sealed record ZarrCodec(ZarrCodecKind Kind, string Description)
{
    public bool IsCompressor => Kind != ZarrCodecKind.Crc32C;
}
