namespace WindowDataset.Memory;

/// <summary>A request for one batch buffer: what it will hold, its shape and size.</summary>
/// <param name="Role">Input windows or targets.</param>
/// <param name="ElementType">Element type of the buffer.</param>
/// <param name="Shape">Shape of a full batch, C order (batch size first).</param>
/// <param name="ByteLength">Bytes needed: the product of <paramref name="Shape"/> times the element size.</param>
public sealed record BatchBufferRequest(BatchBufferRole Role, ElementType ElementType, IReadOnlyList<long> Shape, long ByteLength)
{
    /// <summary>The alignment every buffer must have, in bytes (unaligned buffers copy several times slower).</summary>
    public const int RequiredAlignment = 64;
}
