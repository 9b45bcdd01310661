namespace WindowDataset.Remote;

/// <summary>
/// The delay before a retry: "full jitter" (AWS Architecture Blog, "Exponential Backoff And Jitter"), a uniform
/// random delay between 0 and a ceiling that starts small and grows fourfold per attempt, up to <see cref="CapMilliseconds"/>.
/// A first retry waits at most <c>first</c> ms (5 by default): under load most failures are isolated, a worker
/// waits on the failed block, and the retry usually succeeds. A request that keeps failing meets a store in trouble,
/// so later retries back off steeply: with the default 5 retries the waits add up to at most 1.7 s (0.85 s on
/// average), more patient than before (12.5-25 ms first, doubling: 0.39-0.78 s). Jitter spreads the retries of many
/// requests that failed together; the retry budget stops a storm.
/// </summary>
internal static class RetryBackoff
{
    /// <summary>The growth of the ceiling per attempt.</summary>
    public const double Growth = 4;

    /// <summary>The largest ceiling, in milliseconds.</summary>
    public const double CapMilliseconds = 2000;

    /// <summary>The ceiling of the delay before retry <paramref name="attempt"/> (1: the first retry): <paramref name="firstMilliseconds"/> x 4^(attempt - 1), at most <see cref="CapMilliseconds"/>.</summary>
    public static double CeilingMilliseconds(int attempt, double firstMilliseconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(firstMilliseconds);

        // Capped before the power can overflow: 4^30 ms is far past any cap.
        return Math.Min(Math.Max(CapMilliseconds, firstMilliseconds), firstMilliseconds * Math.Pow(Growth, Math.Min(attempt - 1, 30)));
    }

    /// <summary>The delay before retry <paramref name="attempt"/>, for a uniform <paramref name="random"/> in [0, 1).</summary>
    public static TimeSpan Delay(int attempt, double firstMilliseconds, double random)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(random);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(random, 1);
        return TimeSpan.FromMilliseconds(random * CeilingMilliseconds(attempt, firstMilliseconds));
    }
}
