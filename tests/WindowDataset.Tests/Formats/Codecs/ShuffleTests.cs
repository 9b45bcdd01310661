using WindowDataset.Formats.Codecs;

namespace WindowDataset.Tests.Formats.Codecs;

public sealed class ShuffleTests
{
    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 257)]
    [InlineData(4, 4 * 64)]
    [InlineData(4, (4 * 67) + 3)]
    [InlineData(8, 8 * 160)]
    [InlineData(8, (8 * 33) + 5)]
    [InlineData(3, 301)]
    [InlineData(16, 16 * 40)]
    public void Unshuffle_OfShuffled_RestoresTheElements(int typeSize, int length)
    {
        byte[] data = Random(length);
        byte[] shuffled = new byte[length];
        Shuffle.DoShuffle(typeSize, data, shuffled);
        byte[] back = new byte[length];
        Shuffle.Unshuffle(typeSize, shuffled, back);
        Assert.Equal(data, back);
    }

    [Fact]
    public void Unshuffle_TwoElementsOfFourBytes_InterleavesPlanes()
    {
        byte[] planes = [1, 5, 2, 6, 3, 7, 4, 8];
        byte[] output = new byte[8];
        Shuffle.Unshuffle(4, planes, output);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, output);
    }

    [Theory]
    [InlineData(1, 64)]
    [InlineData(1, 12)]
    [InlineData(2, 2 * 16)]
    [InlineData(4, 4 * 24)]
    [InlineData(8, 8 * 256)]
    [InlineData(8, (8 * 256) + 3)]
    [InlineData(8, 8 * 13)]
    [InlineData(5, 5 * 40)]
    public void BitUnshuffle_OfBitShuffled_RestoresTheElements(int typeSize, int length)
    {
        byte[] data = Random(length);
        byte[] shuffled = new byte[length];
        BitShuffle.DoShuffle(typeSize, data, shuffled);
        byte[] back = new byte[length];
        BitShuffle.Unshuffle(typeSize, shuffled, back, new byte[length]);
        Assert.Equal(data, back);
    }

    [Theory]
    [InlineData(1, 8 * 300)]
    [InlineData(2, 2 * 8 * 129)]
    [InlineData(4, (4 * 8 * 40) + 2)]
    [InlineData(8, 8 * 8 * 17)]
    [InlineData(8, 8 * 8 * 128)]
    [InlineData(3, 3 * 8 * 33)]
    public void BitUnshuffle_VectorPath_EqualsTheCBloscScalarCode(int typeSize, int length)
    {
        byte[] data = Random(length);
        byte[] vector = new byte[length];
        byte[] scalar = new byte[length];
        BitShuffle.Unshuffle(typeSize, data, vector, new byte[length]);
        BitShuffle.UnshuffleScalar(typeSize, data, scalar, new byte[length]);
        Assert.Equal(scalar, vector);
    }

    [Fact]
    public void BitShuffle_EightBytes_PutsBitKOfElementIInBitIOfRowK()
    {
        byte[] elements = [0, 1, 0, 0, 0, 0, 0, 0x80];
        byte[] rows = new byte[8];
        BitShuffle.DoShuffle(1, elements, rows);
        Assert.Equal(new byte[] { 0x02, 0, 0, 0, 0, 0, 0, 0x80 }, rows);
        byte[] back = new byte[8];
        BitShuffle.Unshuffle(1, rows, back, new byte[8]);
        Assert.Equal(elements, back);
    }

    [Fact]
    public void BitUnshuffle_ElementCountNotAMultipleOfEight_CopiesAsBlosc()
    {
        byte[] data = Random(8 * 7);
        byte[] output = new byte[data.Length];
        BitShuffle.Unshuffle(8, data, output, new byte[data.Length]);
        Assert.Equal(data, output);
    }

    private static byte[] Random(int length)
    {
        byte[] data = new byte[length];
        new Random(length).NextBytes(data);
        return data;
    }
}
