namespace WindowDataset.Formats.Zarr;

/// <summary>One whole object read by <see cref="ZarrStorage.Read"/>: a rented buffer holding <see cref="Size"/> bytes, or none.</summary>
/// <param name="Buffer">Rented from <see cref="System.Buffers.ArrayPool{T}.Shared"/>; null when missing or too large.</param>
/// <param name="Size">Bytes of the object; -1 when it is missing; when too large, its size (or the limit + 1 when the server did not say).</param>
internal readonly record struct ZarrBytes(byte[]? Buffer, long Size)
{
    public static ZarrBytes None => new(null, -1);

    public bool Missing => Buffer is null && Size < 0;

    public ReadOnlySpan<byte> Span => Buffer is null ? default : Buffer.AsSpan(0, (int)Size);

    /// <summary>A copy of the bytes (metadata documents keep the memory they parse) and the rented buffer returned.</summary>
    public byte[] ToArrayAndReturn()
    {
        byte[] copy = Span.ToArray();
        if (Buffer is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(Buffer);
        }

        return copy;
    }
}
