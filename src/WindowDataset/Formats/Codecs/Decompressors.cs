using System.Buffers.Binary;
using System.IO.Compression;
using K4os.Compression.LZ4;
using ZstdSharp;

namespace WindowDataset.Formats.Codecs;

/// <summary>
/// Whole-buffer decoders of the general-purpose compressors, each into a destination of exactly the known decoded
/// size: any other size, a corrupt stream or trailing data is an <see cref="InvalidDataException"/> that starts
/// with <c>what</c> (the chunk's description). Thread-safe.
/// </summary>
internal static class Decompressors
{
    [ThreadStatic]
    private static Decompressor? s_zstd;

    /// <summary>A zstd frame (or frames). Writers that omit the content size are decoded into the known size.</summary>
    public static void Zstd(ReadOnlySpan<byte> source, Span<byte> destination, string what)
    {
        Decompressor zstd = s_zstd ??= new Decompressor();
        int written;
        try
        {
            if (!zstd.TryUnwrap(source, destination, out written))
            {
                throw new InvalidDataException($"{what}: zstd: expected {destination.Length} decoded bytes; found more.");
            }
        }
        catch (ZstdException ex)
        {
            s_zstd = null;
            zstd.Dispose();
            throw new InvalidDataException($"{what}: zstd: expected a valid stream; found {ex.Message}", ex);
        }

        Expect(what, "zstd", destination.Length, written);
    }

    /// <summary>A zlib (RFC 1950) stream.</summary>
    public static void Zlib(ReadOnlySpan<byte> source, Span<byte> destination, string what) => Inflate(source, destination, what, "zlib");

    /// <summary>A gzip (RFC 1952) stream, one or more members.</summary>
    public static void Gzip(ReadOnlySpan<byte> source, Span<byte> destination, string what) => Inflate(source, destination, what, "gzip");

    /// <summary>A raw LZ4 block.</summary>
    public static void Lz4Block(ReadOnlySpan<byte> source, Span<byte> destination, string what)
    {
        int written = LZ4Codec.Decode(source, destination);
        if (written < 0)
        {
            throw new InvalidDataException($"{what}: lz4: expected a valid LZ4 block decoding to {destination.Length} bytes; found a corrupt block ({source.Length} bytes).");
        }

        Expect(what, "lz4", destination.Length, written);
    }

    /// <summary>numcodecs' LZ4: a 4-byte little-endian decoded size, then one LZ4 block.</summary>
    public static void NumcodecsLz4(ReadOnlySpan<byte> source, Span<byte> destination, string what)
    {
        if (source.Length < 4)
        {
            throw new InvalidDataException($"{what}: lz4: expected a 4-byte size header; found {source.Length} bytes.");
        }

        uint size = BinaryPrimitives.ReadUInt32LittleEndian(source);
        if (size != (uint)destination.Length)
        {
            throw new InvalidDataException($"{what}: lz4: expected a decoded size of {destination.Length} bytes; found a header saying {size}.");
        }

        Lz4Block(source[4..], destination, what);
    }

    private static unsafe void Inflate(ReadOnlySpan<byte> source, Span<byte> destination, string what, string codec)
    {
        fixed (byte* p = source)
        {
            using var input = new UnmanagedMemoryStream(p, source.Length);
            try
            {
                using Stream stream = codec == "gzip" ? new GZipStream(input, CompressionMode.Decompress) : new ZLibStream(input, CompressionMode.Decompress);
                int total = 0;
                while (total < destination.Length)
                {
                    int n = stream.Read(destination[total..]);
                    if (n == 0)
                    {
                        break;
                    }

                    total += n;
                }

                Expect(what, codec, destination.Length, total);
                Span<byte> extra = stackalloc byte[1];
                if (stream.Read(extra) != 0)
                {
                    throw new InvalidDataException($"{what}: {codec}: expected {destination.Length} decoded bytes; found more.");
                }
            }
            catch (InvalidDataException ex) when (!ex.Message.StartsWith(what, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"{what}: {codec}: expected a valid stream; found {ex.Message}", ex);
            }
        }
    }

    private static void Expect(string what, string codec, int expected, int found)
    {
        if (expected != found)
        {
            throw new InvalidDataException($"{what}: {codec}: expected {expected} decoded bytes; found {found}.");
        }
    }
}
