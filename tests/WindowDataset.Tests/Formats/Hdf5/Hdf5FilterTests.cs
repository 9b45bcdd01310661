using WindowDataset.Formats.Hdf5;

namespace WindowDataset.Tests.Formats.Hdf5;

/// <summary>The filter decoders against plain reference implementations.</summary>
public sealed class Hdf5FilterTests
{
    [Theory]
    [InlineData(8, 0)]
    [InlineData(8, 15)]
    [InlineData(8, 16)]
    [InlineData(8, 1000)]
    [InlineData(4, 33)]
    [InlineData(4, 256)]
    [InlineData(2, 77)]
    [InlineData(3, 50)]
    [InlineData(16, 9)]
    public void Unshuffle_AnyElementSizeAndCount_MatchesReference(int size, int count)
    {
        var rng = new Random((size * 1000) + count);
        int tail = count % size; // a tail shorter than one element, as HDF5 leaves it
        byte[] input = new byte[(size * count) + tail];
        rng.NextBytes(input);
        byte[] expected = new byte[input.Length];
        for (int i = 0; i < count; i++)
        {
            for (int b = 0; b < size; b++)
            {
                expected[(i * size) + b] = input[(b * count) + i];
            }
        }

        input.AsSpan(size * count).CopyTo(expected.AsSpan(size * count));
        byte[] output = new byte[input.Length];
        Hdf5ChunkedArray.Unshuffle(input, output, size);
        Assert.Equal(expected, output);
    }

    [Fact]
    public void Lzf_LiteralAndBackReference_Decodes()
    {
        // "abc" literal, then a back reference of length 6 at distance 3: "abcabcabc".
        byte[] stream = [2, (byte)'a', (byte)'b', (byte)'c', (4 << 5) | 0, 2];
        byte[] output = new byte[9];
        Assert.Equal(9, Hdf5Lzf.Decompress(stream, output));
        Assert.Equal("abcabcabc"u8.ToArray(), output);
    }

    [Theory]
    [InlineData(new byte[] { 5, 1, 2 })]
    [InlineData(new byte[] { 0x20, 0 })]
    [InlineData(new byte[] { 0xE0 })]
    public void Lzf_Corrupt_ReturnsMinusOne(byte[] stream)
    {
        Assert.Equal(-1, Hdf5Lzf.Decompress(stream, new byte[64]));
    }

    [Fact]
    public void Lzf_OutputTooSmall_ReturnsMinusOne()
    {
        byte[] stream = [2, (byte)'a', (byte)'b', (byte)'c', (4 << 5) | 0, 2];
        Assert.Equal(-1, Hdf5Lzf.Decompress(stream, new byte[8]));
    }

    [Fact]
    public void Lookup3_KnownVectors_MatchJenkins()
    {
        // hashlittle("", 0) and hashlittle("Four score and seven years ago", 0) from lookup3.c's driver.
        Assert.Equal(0xdeadbeefu, Hdf5Checksum.Lookup3([]));
        Assert.Equal(0x17770551u, Hdf5Checksum.Lookup3("Four score and seven years ago"u8));
    }

    [Fact]
    public void Fletcher32_OddLength_UsesHighByte()
    {
        Assert.Equal(Hdf5Checksum.Fletcher32([1, 2, 3, 0]), Hdf5Checksum.Fletcher32([1, 2, 3]));
    }
}
