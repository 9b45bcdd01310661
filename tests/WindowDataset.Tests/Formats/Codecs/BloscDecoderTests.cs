using System.Buffers.Binary;
using WindowDataset.Formats.Codecs;
using WindowDataset.Tests.Formats.Zarr.Infrastructure;

namespace WindowDataset.Tests.Formats.Codecs;

/// <summary>The managed Blosc1 decoder against buffers c-blosc wrote (the v2 fixtures' chunk files), and against lies in the header.</summary>
public sealed class BloscDecoderTests
{
    private const string What = "test.zarr: chunk (0, 0)";

    [Theory]
    [InlineData("default", 0x21)] // lz4, byte shuffle, split streams
    [InlineData("blosc_lz4hc", 0x21)]
    [InlineData("blosc_zstd", 0x91)] // zstd, not split
    [InlineData("blosc_zlib", 0x61)]
    [InlineData("blosc_blosclz", 0x01)]
    [InlineData("blosc_bitshuffle", 0x24)]
    [InlineData("blosc_noshuffle", 0x20)]
    [InlineData("blosc_blocks_bitshuffle", 0x94)] // 3 blocks of 2048, 2048, 1024 bytes
    [InlineData("blosc_blocks_bitshuffle_odd", 0x34)] // blocks of 125 elements: stored as they are
    public void Decode_ChunkWrittenByCBlosc_MatchesZarrPython(string fixture, int flags)
    {
        byte[] stored = File.ReadAllBytes(ZarrFixtures.Full($"v2/{fixture}.zarr/0.0"));
        Assert.Equal(flags, stored[2]);
        byte[] expected = ZarrFixtures.ExpectedLittleEndian("v2/default.npy", out _, out _)[..(16 * 40 * 8)];
        byte[] output = new byte[expected.Length];
        BloscDecoder.Decode(stored, output, What);
        Assert.Equal(expected, output);
    }

    [Fact]
    public void Decode_SplitStreamsOverSeveralBlocksWithLeftover_MatchesZarrPython()
    {
        byte[] stored = File.ReadAllBytes(ZarrFixtures.Full("v2/blosc_split_blocks.zarr/0.0"));
        Assert.Equal(65536, BinaryPrimitives.ReadInt32LittleEndian(stored.AsSpan(8)));
        byte[] expected = ZarrFixtures.ExpectedLittleEndian("v2/blosc_split_blocks.npy", out _, out _);
        byte[] output = new byte[expected.Length];
        BloscDecoder.Decode(stored, output, What);
        Assert.Equal(expected, output);
    }

    [Fact]
    public void Decode_MemcpyedBuffer_CopiesThePayload()
    {
        byte[] payload = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        byte[] buffer = Header(flags: 0x02, typeSize: 1, nbytes: payload.Length, blockSize: payload.Length, cbytes: 16 + payload.Length);
        payload.CopyTo(buffer, 16);
        byte[] output = new byte[payload.Length];
        BloscDecoder.Decode(buffer, output, What);
        Assert.Equal(payload, output);
    }

    [Fact]
    public void Decode_ShorterThanHeader_NamesTheChunk()
    {
        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => BloscDecoder.Decode(new byte[10], new byte[8], What));
        Assert.StartsWith(What + ": blosc header: expected 16 bytes; found 10", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_HeaderLyingAboutDecodedSize_Refused()
    {
        byte[] stored = Fixture();
        BinaryPrimitives.WriteInt32LittleEndian(stored.AsSpan(4), 1 << 30);
        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => BloscDecoder.Decode(stored, new byte[5120], What));
        Assert.Contains("blosc nbytes: expected 5120 decoded bytes; found 1073741824", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1 << 20)]
    [InlineData(-5)]
    [InlineData(3)]
    public void Decode_CbytesOutsideTheBuffer_Refused(int cbytes)
    {
        byte[] stored = Fixture();
        BinaryPrimitives.WriteInt32LittleEndian(stored.AsSpan(12), cbytes);
        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => BloscDecoder.Decode(stored, new byte[5120], What));
        Assert.Contains("blosc cbytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_TruncatedBuffer_Refused()
    {
        byte[] stored = Fixture();
        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => BloscDecoder.Decode(stored.AsSpan(0, stored.Length - 100), new byte[5120], What));
        Assert.StartsWith(What, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(10_000)]
    public void Decode_BadBlockSize_Refused(int blockSize)
    {
        byte[] stored = Fixture();
        BinaryPrimitives.WriteInt32LittleEndian(stored.AsSpan(8), blockSize);
        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => BloscDecoder.Decode(stored, new byte[5120], What));
        Assert.Contains("blosc blocksize", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_TinyBlocksWhoseOffsetsDoNotFit_Refused()
    {
        byte[] stored = Fixture();
        BinaryPrimitives.WriteInt32LittleEndian(stored.AsSpan(8), 1);
        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => BloscDecoder.Decode(stored, new byte[5120], What));
        Assert.Contains("block starts", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(4)]
    [InlineData(-100)]
    public void Decode_BlockStartOutsideTheBuffer_Refused(int start)
    {
        byte[] stored = Fixture();
        BinaryPrimitives.WriteInt32LittleEndian(stored.AsSpan(16), start);
        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => BloscDecoder.Decode(stored, new byte[5120], What));
        Assert.Contains("blosc block 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_StreamSizePastTheEnd_Refused()
    {
        byte[] stored = Fixture();
        int start = BinaryPrimitives.ReadInt32LittleEndian(stored.AsSpan(16));
        BinaryPrimitives.WriteInt32LittleEndian(stored.AsSpan(start), stored.Length);
        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => BloscDecoder.Decode(stored, new byte[5120], What));
        Assert.Contains("to the end of the buffer", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("default")]
    [InlineData("blosc_blosclz")]
    [InlineData("blosc_zstd")]
    [InlineData("blosc_zlib")]
    public void Decode_CorruptCompressedStream_InvalidDataNamingTheChunk(string fixture)
    {
        byte[] stored = File.ReadAllBytes(ZarrFixtures.Full($"v2/{fixture}.zarr/0.0"));
        int failures = 0;
        var random = new Random(11);
        for (int trial = 0; trial < 200; trial++)
        {
            byte[] corrupt = (byte[])stored.Clone();
            for (int k = 0; k < 8; k++)
            {
                corrupt[random.Next(16 + 4, corrupt.Length)] ^= (byte)random.Next(1, 256);
            }

            try
            {
                BloscDecoder.Decode(corrupt, new byte[5120], What);
            }
            catch (InvalidDataException ex)
            {
                Assert.StartsWith(What, ex.Message, StringComparison.Ordinal);
                failures++;
            }
        }

        Assert.True(failures > 0, "no corruption was detected");
    }

    [Fact]
    public void Decode_SnappyCompressor_NotSupported()
    {
        byte[] stored = Fixture();
        stored[2] = (byte)((stored[2] & 0x1F) | (2 << 5));
        NotSupportedException ex = Assert.Throws<NotSupportedException>(() => BloscDecoder.Decode(stored, new byte[5120], What));
        Assert.Contains("snappy", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_Blosc2Version_Refused()
    {
        byte[] stored = Fixture();
        stored[0] = 5;
        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => BloscDecoder.Decode(stored, new byte[5120], What));
        Assert.Contains("blosc version", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BloscLz_RandomInput_NeverWritesPastTheOutput()
    {
        var random = new Random(5);
        byte[] output = new byte[512];
        for (int trial = 0; trial < 2000; trial++)
        {
            byte[] input = new byte[random.Next(1, 300)];
            random.NextBytes(input);
            int n = BloscLz.Decompress(input, output);
            Assert.InRange(n, -1, output.Length);
        }
    }

    private static byte[] Fixture() => File.ReadAllBytes(ZarrFixtures.Full("v2/default.zarr/0.0"));

    private static byte[] Header(byte flags, byte typeSize, int nbytes, int blockSize, int cbytes)
    {
        byte[] b = new byte[cbytes];
        b[0] = 2;
        b[1] = 1;
        b[2] = flags;
        b[3] = typeSize;
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(4), nbytes);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(8), blockSize);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(12), cbytes);
        return b;
    }
}
