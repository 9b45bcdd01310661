namespace WindowDataset.Formats.Zarr;

/// <summary>What a <c>.zarray</c> or an array's <c>zarr.json</c> says, checked.</summary>
internal sealed class ZarrArrayMetadata
{
    public required int ZarrFormat { get; init; }

    /// <summary>The metadata file, for messages.</summary>
    public required string MetadataPath { get; init; }

    public required ElementType Type { get; init; }

    public required bool BigEndian { get; init; }

    public required long[] Shape { get; init; }

    /// <summary>The shape of one stored chunk file (a shard when <see cref="Shard"/> is set).</summary>
    public required int[] ChunkShape { get; init; }

    /// <summary>One element in the decoded byte order.</summary>
    public required byte[] FillValue { get; init; }

    /// <summary>Bytes-to-bytes codecs in writing order (decoding runs them backwards).</summary>
    public required ZarrCodec[] Codecs { get; init; }

    /// <summary>The chunk key before the coordinates (<c>c/</c>, <c>c.</c> or empty).</summary>
    public required string KeyPrefix { get; init; }

    public required char KeySeparator { get; init; }

    public ZarrShardLayout? Shard { get; init; }

    /// <summary>The codec chain for <c>info</c>.</summary>
    public required string CodecDescription { get; init; }
}
