using System.IO.Compression;
using WindowDataset.Formats.Codecs;

namespace WindowDataset.Tests.Formats.Codecs;

public sealed class DecompressorsTests
{
    private const string What = "x.zarr: chunk (1, 2)";

    [Fact]
    public void Zstd_FrameWithoutContentSize_DecodesIntoTheKnownSize()
    {
        byte[] data = Data(10_000);
        using var buffer = new MemoryStream();
        using (var stream = new ZstdSharp.CompressionStream(buffer, 3, leaveOpen: true))
        {
            stream.Write(data);
        }

        byte[] frame = buffer.ToArray();
        byte[] output = new byte[data.Length];
        Decompressors.Zstd(frame, output, What);
        Assert.Equal(data, output);
    }

    [Fact]
    public void Zstd_WrongDecodedSize_Refused()
    {
        using var zstd = new ZstdSharp.Compressor(3);
        byte[] frame = zstd.Wrap(Data(1000)).ToArray();
        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => Decompressors.Zstd(frame, new byte[999], What));
        Assert.StartsWith(What + ": zstd: expected 999 decoded bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Zstd_Garbage_InvalidData()
    {
        byte[] garbage = Data(100);
        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => Decompressors.Zstd(garbage, new byte[1000], What));
        Assert.StartsWith(What + ": zstd", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Zlib_TrailingDecodedBytes_Refused()
    {
        byte[] data = Data(1000);
        using var buffer = new MemoryStream();
        using (var z = new ZLibStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            z.Write(data);
        }

        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => Decompressors.Zlib(buffer.ToArray(), new byte[900], What));
        Assert.StartsWith(What + ": zlib: expected 900 decoded bytes; found more", ex.Message, StringComparison.Ordinal);
        byte[] exact = new byte[1000];
        Decompressors.Zlib(buffer.ToArray(), exact, What);
        Assert.Equal(data, exact);
    }

    [Fact]
    public void Gzip_CorruptStream_InvalidDataNamingTheChunk()
    {
        byte[] data = Data(1000);
        using var buffer = new MemoryStream();
        using (var z = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            z.Write(data);
        }

        byte[] stored = buffer.ToArray();
        stored[15] ^= 0xFF;
        stored[20] ^= 0xFF;
        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => Decompressors.Gzip(stored, new byte[1000], What));
        Assert.StartsWith(What + ": gzip", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gzip_ShortStream_InvalidData()
    {
        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => Decompressors.Gzip([0x1F, 0x8B, 8], new byte[100], What));
        Assert.StartsWith(What + ": gzip", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NumcodecsLz4_SizeHeaderMismatch_Refused()
    {
        byte[] stored = [0x10, 0, 0, 0, 0x10, 0x41];
        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => Decompressors.NumcodecsLz4(stored, new byte[8], What));
        Assert.Contains("expected a decoded size of 8 bytes; found a header saying 16", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lz4Block_Corrupt_InvalidData()
    {
        byte[] data = Data(1000);
        byte[] block = new byte[K4os.Compression.LZ4.LZ4Codec.MaximumOutputSize(data.Length)];
        int n = K4os.Compression.LZ4.LZ4Codec.Encode(data, block);
        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => Decompressors.Lz4Block(block.AsSpan(0, n / 2), new byte[1000], What));
        Assert.StartsWith(What + ": lz4", ex.Message, StringComparison.Ordinal);
    }

    private static byte[] Data(int length)
    {
        byte[] data = new byte[length];
        new Random(length).NextBytes(data);
        for (int i = 0; i < data.Length; i += 3)
        {
            data[i] = 0; // compressible
        }

        return data;
    }
}
