using WindowDataset.Sampling;

namespace WindowDataset.Tests.Mixture;

/// <summary>The epoch composition on its own: exact largest-remainder shares, and a map that is a pure function of (key, position).</summary>
public sealed class MixtureSamplerTests
{
    [Theory]
    [InlineData(new double[] { 1, 1, 1 }, 10, new long[] { 4, 3, 3 })]
    [InlineData(new double[] { 0.7, 0.3 }, 1000, new long[] { 700, 300 })]
    [InlineData(new double[] { 0.7, 0.3 }, 7, new long[] { 5, 2 })]
    [InlineData(new double[] { 1, 1000000 }, 5, new long[] { 0, 5 })]
    [InlineData(new double[] { 2, 1, 1 }, 1, new long[] { 1, 0, 0 })]
    public void Shares_Weights_LargestRemainderSummingToTheTotal(double[] weights, long total, long[] expected)
    {
        Assert.Equal(expected, MixtureSampler.Shares(weights, total));
    }

    [Fact]
    public void Shares_ManyRandomWeights_SumExactlyAndStayWithinOneOfTheQuota()
    {
        var random = new Random(3);
        for (int trial = 0; trial < 200; trial++)
        {
            double[] weights = [.. Enumerable.Range(0, random.Next(1, 40)).Select(_ => (random.NextDouble() * 10) + 1e-9)];
            long total = random.NextInt64(1, 1L << 40);
            long[] shares = MixtureSampler.Shares(weights, total);
            Assert.Equal(total, shares.Sum());
            double sum = weights.Sum();
            for (int c = 0; c < weights.Length; c++)
            {
                Assert.InRange(shares[c], Math.Floor((weights[c] / sum * total) - 1), Math.Ceiling((weights[c] / sum * total) + 1));
            }
        }
    }

    [Theory]
    [InlineData(SamplerKind.Permutation)]
    [InlineData(SamplerKind.Uniform)]
    public void Map_EveryPosition_LandsInItsComponentsStartsInExactShares(SamplerKind kind)
    {
        var sampler = new MixtureSampler([3, 1, 1], [50, 7, 1000], 500, kind);
        long[] drawn = new long[3];
        for (long p = 0; p < 500; p++)
        {
            long flat = sampler.Map(99, p);
            Assert.InRange(flat, 0, 1056);
            drawn[sampler.ComponentOfStart(flat)]++;
        }

        Assert.Equal([300L, 100L, 100L], drawn);
        Assert.Equal(300, sampler.Share(0));
    }

    [Fact]
    public void Map_PermutationWithinShare_NoStartTwiceBeforeAFullPass()
    {
        var sampler = new MixtureSampler([1, 1], [400, 400], 500, SamplerKind.Permutation);
        var seen = new HashSet<long>();
        for (long p = 0; p < 500; p++)
        {
            Assert.True(seen.Add(sampler.Map(7, p)));
        }
    }
}
