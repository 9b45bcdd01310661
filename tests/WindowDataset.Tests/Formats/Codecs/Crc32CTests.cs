using System.Text;
using WindowDataset.Formats.Codecs;

namespace WindowDataset.Tests.Formats.Codecs;

public sealed class Crc32CTests
{
    [Theory]
    [InlineData("123456789", 0xE3069283u)]
    [InlineData("", 0x00000000u)]
    [InlineData("a", 0xC1D04330u)]
    public void Compute_KnownVector_Matches(string text, uint expected)
    {
        byte[] data = Encoding.ASCII.GetBytes(text);
        Assert.Equal(expected, Crc32C.Compute(data));
        Assert.Equal(expected, Crc32C.ComputeScalar(data));
    }

    [Fact]
    public void Compute_HardwarePath_EqualsTable()
    {
        var random = new Random(7);
        byte[] data = new byte[4099];
        random.NextBytes(data);
        for (int length = 0; length < data.Length; length += 37)
        {
            Assert.Equal(Crc32C.ComputeScalar(data.AsSpan(0, length)), Crc32C.Compute(data.AsSpan(0, length)));
        }
    }

    [Fact]
    public void Compute_ThirtyTwoZeroBytes_MatchesRfc3720()
    {
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
    }
}
