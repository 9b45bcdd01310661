namespace WindowDataset.Formats.Zarr;

/// <summary>
/// A v3 <c>sharding_indexed</c> codec: each stored chunk (shard) holds a C-order grid of inner chunks of
/// <see cref="InnerShape"/>, each encoded with <see cref="InnerCodecs"/>, located by an index of (offset, nbytes)
/// uint64 pairs at the start or the end of the shard.
/// </summary>
internal sealed class ZarrShardLayout
{
    public ZarrShardLayout(int[] innerShape, int[] innerPerShard, ZarrCodec[] innerCodecs, bool indexBigEndian, int indexChecksums, bool indexAtStart)
    {
        InnerShape = innerShape;
        InnerPerShard = innerPerShard;
        InnerCodecs = innerCodecs;
        IndexBigEndian = indexBigEndian;
        IndexChecksums = indexChecksums;
        IndexAtStart = indexAtStart;
        long count = 1;
        foreach (int n in innerPerShard)
        {
            count *= n;
        }

        InnerCount = count;
        IndexBytes = (16 * count) + (4L * indexChecksums);
    }

    public int[] InnerShape { get; }

    /// <summary>Inner chunks along each axis of one shard.</summary>
    public int[] InnerPerShard { get; }

    public long InnerCount { get; }

    public ZarrCodec[] InnerCodecs { get; }

    public bool IndexBigEndian { get; }

    /// <summary>How many <c>crc32c</c> codecs the index passes through (each adds 4 bytes).</summary>
    public int IndexChecksums { get; }

    public bool IndexAtStart { get; }

    /// <summary>Stored bytes of the index.</summary>
    public long IndexBytes { get; }
}
