using System.Buffers;
using System.Buffers.Binary;
using WindowDataset.Formats.Codecs;

namespace WindowDataset.Formats.Zarr;

/// <summary>Runs a chunk's bytes-to-bytes codec chain backwards, from the stored bytes to exactly the decoded chunk size.</summary>
internal static class ZarrChunkDecoder
{
    /// <summary>
    /// Decodes <paramref name="stored"/> through <paramref name="codecs"/> (writing order) into
    /// <paramref name="destination"/>, whose length is the decoded chunk size. Messages start with <paramref name="what"/>.
    /// </summary>
    public static void Decode(ZarrCodec[] codecs, ReadOnlySpan<byte> stored, Span<byte> destination, string what)
    {
        ReadOnlySpan<byte> data = stored;
        byte[]? temporary = null;
        try
        {
            bool decodedIntoDestination = false;
            for (int i = codecs.Length - 1; i >= 0; i--)
            {
                ZarrCodec codec = codecs[i];
                if (codec.Kind == ZarrCodecKind.Crc32C)
                {
                    if (data.Length < 4)
                    {
                        throw new InvalidDataException($"{what}: crc32c: expected at least 4 bytes; found {data.Length}.");
                    }

                    uint expected = BinaryPrimitives.ReadUInt32LittleEndian(data[^4..]);
                    data = data[..^4];
                    uint actual = Crc32C.Compute(data);
                    if (actual != expected)
                    {
                        throw new InvalidDataException($"{what}: crc32c: expected the stored checksum 0x{expected:X8}; found 0x{actual:X8} (corrupt chunk).");
                    }

                    continue;
                }

                // The compressor is the only size-changing codec; checksums written before it add 4 bytes each.
                int inner = 0;
                for (int j = 0; j < i; j++)
                {
                    inner += codecs[j].Kind == ZarrCodecKind.Crc32C ? 4 : 0;
                }

                Span<byte> output;
                if (inner == 0)
                {
                    output = destination;
                    decodedIntoDestination = true;
                }
                else
                {
                    temporary = ArrayPool<byte>.Shared.Rent(destination.Length + inner);
                    output = temporary.AsSpan(0, destination.Length + inner);
                }

                Decompress(codec.Kind, data, output, what);
                data = output;
            }

            if (!decodedIntoDestination)
            {
                if (data.Length != destination.Length)
                {
                    throw new InvalidDataException($"{what}: expected {destination.Length} decoded bytes; found {data.Length}.");
                }

                data.CopyTo(destination);
            }
        }
        finally
        {
            if (temporary is not null)
            {
                ArrayPool<byte>.Shared.Return(temporary);
            }
        }
    }

    private static void Decompress(ZarrCodecKind kind, ReadOnlySpan<byte> source, Span<byte> destination, string what)
    {
        switch (kind)
        {
            case ZarrCodecKind.Blosc:
                BloscDecoder.Decode(source, destination, what);
                break;
            case ZarrCodecKind.Zstd:
                Decompressors.Zstd(source, destination, what);
                break;
            case ZarrCodecKind.Gzip:
                Decompressors.Gzip(source, destination, what);
                break;
            case ZarrCodecKind.Zlib:
                Decompressors.Zlib(source, destination, what);
                break;
            default:
                Decompressors.NumcodecsLz4(source, destination, what);
                break;
        }
    }
}
