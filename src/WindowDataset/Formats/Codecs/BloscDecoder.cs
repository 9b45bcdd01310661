using System.Buffers;
using System.Buffers.Binary;

namespace WindowDataset.Formats.Codecs;

/// <summary>
/// A managed Blosc1 decoder (the format c-blosc 1.x writes, as numcodecs' and HDF5's blosc filters store it): the
/// 16-byte header, block start offsets, streams split per byte of the type unless the header says not to, each
/// stream a 4-byte size then blosclz / lz4 / zlib / zstd data (or the raw bytes when the size equals the stream's),
/// then byte or bit unshuffling. Every header field is checked against the buffer and the known decoded size first.
/// </summary>
internal static class BloscDecoder
{
    public const int HeaderSize = 16;
    private const int MaxSplits = 16;
    private const int MinBufferSize = 128;
    private const byte FlagShuffle = 0x1;
    private const byte FlagMemcpyed = 0x2;
    private const byte FlagBitShuffle = 0x4;
    private const byte FlagDontSplit = 0x10;

    /// <summary>
    /// Decodes one blosc buffer into <paramref name="destination"/>, whose length is the decoded size the caller
    /// expects. Messages start with <paramref name="what"/>.
    /// </summary>
    public static void Decode(ReadOnlySpan<byte> source, Span<byte> destination, string what)
    {
        if (source.Length < HeaderSize)
        {
            throw Invalid(what, "header", $"{HeaderSize} bytes", $"{source.Length} bytes");
        }

        byte version = source[0];
        byte flags = source[2];
        int typeSize = source[3];
        int nbytes = BinaryPrimitives.ReadInt32LittleEndian(source[4..]);
        int blockSize = BinaryPrimitives.ReadInt32LittleEndian(source[8..]);
        int cbytes = BinaryPrimitives.ReadInt32LittleEndian(source[12..]);
        if (version is 0 or > 2)
        {
            throw Invalid(what, "version", "format version 1 or 2 (c-blosc 1.x)", version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (nbytes != destination.Length)
        {
            throw Invalid(what, "nbytes", $"{destination.Length} decoded bytes", nbytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (cbytes < HeaderSize || cbytes > source.Length)
        {
            throw Invalid(what, "cbytes", $"a compressed size within the {source.Length} stored bytes", cbytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        source = source[..cbytes];
        if (typeSize == 0)
        {
            throw Invalid(what, "typesize", "1 to 255", "0");
        }

        if (nbytes == 0)
        {
            return;
        }

        if ((flags & FlagMemcpyed) != 0)
        {
            if (cbytes - HeaderSize < nbytes)
            {
                throw Invalid(what, "cbytes", $"{HeaderSize + nbytes} bytes for a stored (memcpyed) buffer", cbytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            source.Slice(HeaderSize, nbytes).CopyTo(destination);
            return;
        }

        if (blockSize <= 0 || blockSize > nbytes)
        {
            throw Invalid(what, "blocksize", $"1 to {nbytes}", blockSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        int compressor = (flags & 0xE0) >> 5;
        if (compressor is not (0 or 1 or 3 or 4))
        {
            throw new NotSupportedException($"{what}: blosc: compressor code {compressor} ({(compressor == 2 ? "snappy" : "unknown")}): expected blosclz, lz4, lz4hc, zlib or zstd.");
        }

        int blocks = (nbytes / blockSize) + (nbytes % blockSize == 0 ? 0 : 1);
        int leftover = nbytes % blockSize;
        if ((long)HeaderSize + (4L * blocks) > cbytes)
        {
            throw Invalid(what, "block starts", $"{blocks} offsets within {cbytes} bytes", "a buffer too short for them");
        }

        byte[]? scratch = (flags & (FlagShuffle | FlagBitShuffle)) != 0 ? ArrayPool<byte>.Shared.Rent(blockSize) : null;
        byte[]? scratch2 = (flags & FlagBitShuffle) != 0 ? ArrayPool<byte>.Shared.Rent(blockSize) : null;
        try
        {
            for (int j = 0; j < blocks; j++)
            {
                bool leftoverBlock = j == blocks - 1 && leftover > 0;
                int size = leftoverBlock ? leftover : blockSize;
                int start = BinaryPrimitives.ReadInt32LittleEndian(source[(HeaderSize + (4 * j))..]);
                DecodeBlock(source, start, flags, typeSize, compressor, size, leftoverBlock, destination.Slice(j * blockSize, size), scratch, scratch2, what, j);
            }
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }

            if (scratch2 is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch2);
            }
        }
    }

    /// <summary>The compressor name of a blosc buffer's header (for messages and <c>info</c>).</summary>
    public static string CompressorName(int code) => code switch
    {
        0 => "blosclz",
        1 => "lz4",
        2 => "snappy",
        3 => "zlib",
        4 => "zstd",
        _ => "unknown",
    };

    // blosc_d of c-blosc 1.21.
    private static void DecodeBlock(ReadOnlySpan<byte> source, int offset, byte flags, int typeSize, int compressor, int size, bool leftoverBlock, Span<byte> destination, byte[]? scratch, byte[]? scratch2, string what, int block)
    {
        bool byteShuffle = (flags & FlagShuffle) != 0 && typeSize > 1;
        bool bitShuffle = !byteShuffle && (flags & FlagBitShuffle) != 0 && size >= typeSize;
        Span<byte> target = byteShuffle || bitShuffle ? scratch.AsSpan(0, size) : destination;
        bool split = (flags & FlagDontSplit) == 0 && typeSize <= MaxSplits && size / typeSize >= MinBufferSize && !leftoverBlock;
        int splits = split ? typeSize : 1;
        if (size % splits != 0)
        {
            throw Invalid(what, $"block {block}", $"a block size that is a multiple of the type size {typeSize}", $"{size} bytes");
        }

        int streamSize = size / splits;
        for (int s = 0; s < splits; s++)
        {
            if (offset < HeaderSize || offset > source.Length - 4)
            {
                throw Invalid(what, $"block {block}", $"a stream offset within the {source.Length} bytes", offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            int csize = BinaryPrimitives.ReadInt32LittleEndian(source[offset..]);
            offset += 4;
            if (csize < 0 || csize > source.Length - offset)
            {
                throw Invalid(what, $"block {block}", $"a stream of at most {source.Length - offset} bytes (to the end of the buffer)", $"{csize} bytes");
            }

            ReadOnlySpan<byte> stream = source.Slice(offset, csize);
            Span<byte> output = target.Slice(s * streamSize, streamSize);
            if (csize == streamSize)
            {
                stream.CopyTo(output);
            }
            else
            {
                DecompressStream(compressor, stream, output, what, block);
            }

            offset += csize;
        }

        if (byteShuffle)
        {
            Shuffle.Unshuffle(typeSize, target, destination);
        }
        else if (bitShuffle)
        {
            BitShuffle.Unshuffle(typeSize, target, destination, scratch2.AsSpan(0, size));
        }
    }

    private static void DecompressStream(int compressor, ReadOnlySpan<byte> stream, Span<byte> output, string what, int block)
    {
        switch (compressor)
        {
            case 0:
                int n = BloscLz.Decompress(stream, output);
                if (n != output.Length)
                {
                    throw Invalid(what, $"block {block}", $"a blosclz stream decoding to {output.Length} bytes", n < 0 ? "a corrupt stream" : $"{n} bytes");
                }

                break;
            case 1:
                Decompressors.Lz4Block(stream, output, $"{what}: blosc block {block}");
                break;
            case 3:
                Decompressors.Zlib(stream, output, $"{what}: blosc block {block}");
                break;
            default:
                Decompressors.Zstd(stream, output, $"{what}: blosc block {block}");
                break;
        }
    }

    private static InvalidDataException Invalid(string what, string field, string expected, string found) =>
        new($"{what}: blosc {field}: expected {expected}; found {found}.");
}
