using WindowDataset.Remote;

namespace WindowDataset.Tests.Remote;

/// <summary>The retry schedule as a pure function of the attempt and a uniform draw (never timed).</summary>
public sealed class RetryBackoffTests
{
    [Theory]
    [InlineData(1, 5.0)]
    [InlineData(2, 20.0)]
    [InlineData(3, 80.0)]
    [InlineData(4, 320.0)]
    [InlineData(5, 1280.0)]
    [InlineData(6, 2000.0)]
    [InlineData(100, 2000.0)]
    [InlineData(int.MaxValue, 2000.0)]
    public void CeilingMilliseconds_DefaultFirst_GrowsFourfoldUpToTheCap(int attempt, double expected) =>
        Assert.Equal(expected, RetryBackoff.CeilingMilliseconds(attempt, new RemoteOptions().BackoffMilliseconds));

    [Fact]
    public void Delay_FirstRetry_IsFullJitterBetweenZeroAndFiveMilliseconds()
    {
        int first = new RemoteOptions().BackoffMilliseconds;
        Assert.Equal(5, first);
        Assert.Equal(TimeSpan.Zero, RetryBackoff.Delay(1, first, 0));
        Assert.Equal(2.5, RetryBackoff.Delay(1, first, 0.5).TotalMilliseconds, 9);
        double largest = RetryBackoff.Delay(1, first, Math.BitDecrement(1.0)).TotalMilliseconds;
        Assert.InRange(largest, 4.999, 5.0);
    }

    [Fact]
    public void Delay_DefaultRetries_WaitAtMostAbout1700MillisecondsInAll()
    {
        var options = new RemoteOptions();
        double worst = 0;
        for (int attempt = 1; attempt <= options.MaxRetries; attempt++)
        {
            worst += RetryBackoff.Delay(attempt, options.BackoffMilliseconds, Math.BitDecrement(1.0)).TotalMilliseconds;
        }

        // 5 + 20 + 80 + 320 + 1280: patient enough for a store that throttles for a second or so, then a clear error.
        Assert.InRange(worst, 1704.99, 1705.0);
    }

    [Fact]
    public void CeilingMilliseconds_FirstAboveTheCap_StaysAtFirst() =>
        Assert.Equal(3000.0, RetryBackoff.CeilingMilliseconds(4, 3000));

    [Theory]
    [InlineData(0, 5.0, 0.5)]
    [InlineData(1, -1.0, 0.5)]
    [InlineData(1, 5.0, -0.1)]
    [InlineData(1, 5.0, 1.0)]
    public void Delay_OutOfRange_ThrowsArgumentOutOfRange(int attempt, double first, double random) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RetryBackoff.Delay(attempt, first, random));
}
