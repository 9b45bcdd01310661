using System.Diagnostics;
using System.Numerics;

namespace WindowDataset.Sampling;

/// <summary>
/// A keyed bijection of [0, n) in O(1) memory: a balanced Feistel network over the smallest even power of two
/// that covers n, with cycle walking to stay inside [0, n) (at most 4 steps on average).
/// </summary>
internal readonly struct FeistelPermutation
{
    private const int Rounds = 6;
    private readonly long _n;
    private readonly int _halfBits;
    private readonly ulong _halfMask;
    private readonly ulong _key;

    public FeistelPermutation(long n, ulong key)
    {
        Debug.Assert(n > 0);
        _n = n;
        int bits = n <= 1 ? 2 : 64 - BitOperations.LeadingZeroCount((ulong)(n - 1));
        _halfBits = Math.Max(1, (bits + 1) / 2);
        _halfMask = (1UL << _halfBits) - 1;
        _key = key;
    }

    public long Count => _n;

    /// <summary>The image of <paramref name="index"/> (in [0, n)) under the permutation.</summary>
    public long Map(long index)
    {
        Debug.Assert((ulong)index < (ulong)_n);
        ulong x = (ulong)index;
        do
        {
            x = Encrypt(x);
        }
        while (x >= (ulong)_n);
        return (long)x;
    }

    private ulong Encrypt(ulong x)
    {
        ulong left = x >> _halfBits;
        ulong right = x & _halfMask;
        for (int round = 0; round < Rounds; round++)
        {
            ulong f = Mix.Hash(_key + (ulong)round, right) & _halfMask;
            (left, right) = (right, left ^ f);
        }

        return (left << _halfBits) | right;
    }
}
