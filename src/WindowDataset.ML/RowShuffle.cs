namespace WindowDataset.ML;

/// <summary>Deterministic shuffles of a view's rows: a Fisher-Yates permutation driven by SplitMix64.</summary>
internal static class RowShuffle
{
    /// <summary>A permutation of 0..count-1; same seed, same permutation (independent of the .NET version).</summary>
    public static long[] Permutation(long count, ulong seed)
    {
        long[] order = new long[count];
        for (long i = 0; i < count; i++)
        {
            order[i] = i;
        }

        ulong state = seed;
        for (long i = count - 1; i > 0; i--)
        {
            ulong high = Math.BigMul(Next(ref state), (ulong)(i + 1), out _);
            long j = (long)high;
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order;
    }

    private static ulong Next(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
