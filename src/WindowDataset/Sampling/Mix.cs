namespace WindowDataset.Sampling;

/// <summary>Stateless 64-bit mixing (SplitMix64's finalizer) for counter-based, order-independent sampling.</summary>
internal static class Mix
{
    public static ulong Hash(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    public static ulong Hash(ulong a, ulong b) => Hash(a ^ Hash(b ^ 0x632BE59BD9B4E019UL));

    /// <summary>Maps a 64-bit hash onto [0, n) (Lemire's multiply-high; bias below n / 2^64).</summary>
    public static long Reduce(ulong hash, long n) => (long)Math.BigMul(hash, (ulong)n, out _);
}
