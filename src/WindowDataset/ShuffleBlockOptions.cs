namespace WindowDataset;

/// <summary>
/// Chunk-aware shuffling for the <see cref="SamplerKind.Permutation"/> sampler: every valid start is still visited
/// once per epoch, but blocks of <see cref="Rows"/> consecutive starts (one chunk's rows) are visited in a random
/// order, <see cref="Chunks"/> blocks at a time, and the starts of those blocks in a random order. Each chunk is
/// then decoded about once per epoch instead of once per window: less shuffle quality, far less decoding.
/// </summary>
public sealed class ShuffleBlockOptions
{
    /// <summary>Blocks (chunks) whose windows are mixed together. Default 8.</summary>
    public int Chunks { get; set; } = 8;

    /// <summary>Starts per block. Null: the source's chunk height (rows per chunk); required for flat sources.</summary>
    public long? Rows { get; set; }

    /// <summary>A copy.</summary>
    public ShuffleBlockOptions Clone() => (ShuffleBlockOptions)MemberwiseClone();
}
