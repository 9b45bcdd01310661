using WindowDataset.Sampling;

namespace WindowDataset.Tests.Sampling;

public sealed class BlockPermutationTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(100, 7, 3)]
    [InlineData(1000, 64, 8)]
    [InlineData(1000, 64, 100)]
    [InlineData(63, 64, 8)]
    [InlineData(12345, 10, 1)]
    public void Map_EveryPosition_IsABijection(long n, long blockSize, long blocksPerSet)
    {
        var permutation = new BlockPermutation(n, blockSize, blocksPerSet, key: 42);
        var seen = new bool[n];
        for (long p = 0; p < n; p++)
        {
            long image = permutation.Map(p);
            Assert.InRange(image, 0, n - 1);
            Assert.False(seen[image], $"position {p} maps to {image} twice");
            seen[image] = true;
        }
    }

    [Fact]
    public void Map_OneSetOfPositions_StaysWithinItsBlocks()
    {
        const long n = 64 * 100, block = 64, perSet = 8;
        var permutation = new BlockPermutation(n, block, perSet, key: 7);
        for (long set = 0; set < n / (block * perSet); set++)
        {
            var blocks = new HashSet<long>();
            for (long p = set * block * perSet; p < (set + 1) * block * perSet; p++)
            {
                blocks.Add(permutation.Map(p) / block);
            }

            Assert.Equal(perSet, blocks.Count);
        }
    }

    [Fact]
    public void Map_DifferentKeys_GiveDifferentOrders()
    {
        var a = new BlockPermutation(5000, 64, 8, key: 1);
        var b = new BlockPermutation(5000, 64, 8, key: 2);
        int same = 0;
        for (long p = 0; p < 5000; p++)
        {
            same += a.Map(p) == b.Map(p) ? 1 : 0;
        }

        Assert.True(same < 100, $"{same} of 5000 positions map alike");
    }

    [Fact]
    public void Map_WithinASet_IsShuffledNotSequential()
    {
        var permutation = new BlockPermutation(64 * 64, 64, 8, key: 3);
        int ascending = 0;
        for (long p = 1; p < 512; p++)
        {
            ascending += permutation.Map(p) == permutation.Map(p - 1) + 1 ? 1 : 0;
        }

        Assert.True(ascending < 20, $"{ascending} of 511 neighbours are consecutive starts");
    }
}
