using System.Diagnostics;
using System.Numerics;

namespace WindowDataset.Sampling;

/// <summary>
/// A read-only bitmap with rank and select: the sampler's flat start k maps to the row of the k-th set bit. Besides
/// the bits it holds a rank directory (ones before each 512-bit block: 64 bits per 512) and the block of every
/// 4096th one, so <see cref="Select"/> is a binary search between two samples, at most 8 popcounts and one word
/// scan: bounded, with no allocation, whatever the pattern of missing rows.
/// </summary>
internal sealed class RankSelectBitmap
{
    private const int BlockWords = 8;        // 512 bits
    private const int SampleShift = 12;      // a select sample every 4096 ones

    private readonly ulong[] _words;
    private readonly long[] _rank;           // _rank[b] = ones in blocks before b; _rank[^1] = Ones.
    private readonly int[] _samples;         // _samples[j] = block holding one number j << SampleShift.

    public RankSelectBitmap(RowBitmap bits)
    {
        _words = bits.Words;
        Length = bits.Length;
        int blocks = (_words.Length + BlockWords - 1) / BlockWords;
        _rank = new long[blocks + 1];
        for (int b = 0; b < blocks; b++)
        {
            long n = 0;
            int end = Math.Min(_words.Length, (b + 1) * BlockWords);
            for (int w = b * BlockWords; w < end; w++)
            {
                n += BitOperations.PopCount(_words[w]);
            }

            _rank[b + 1] = _rank[b] + n;
        }

        Ones = _rank[blocks];
        _samples = new int[(int)((Ones >> SampleShift) + 1)];
        int block = 0;
        for (int j = 0; j < _samples.Length; j++)
        {
            long one = (long)j << SampleShift;
            while (block + 1 < blocks && _rank[block + 1] <= one)
            {
                block++;
            }

            _samples[j] = block;
        }
    }

    public long Length { get; }

    /// <summary>The bits themselves (shared, not copied).</summary>
    public RowBitmap Bits => new(_words, Length);

    /// <summary>Set bits: the valid starts.</summary>
    public long Ones { get; }

    /// <summary>Bytes held (bits, rank directory, samples).</summary>
    public long Bytes => (_words.Length * 8L) + (_rank.Length * 8L) + (_samples.Length * 4L);

    public bool Get(long i) => i >= 0 && i < Length && (_words[i >> 6] & (1UL << (int)(i & 63))) != 0;

    /// <summary>Ones before position <paramref name="i"/>.</summary>
    public long Rank(long i)
    {
        Debug.Assert(i >= 0 && i <= Length);
        long word = i >> 6;
        long block = word / BlockWords;
        long n = _rank[block];
        for (long w = block * BlockWords; w < word; w++)
        {
            n += BitOperations.PopCount(_words[w]);
        }

        return (i & 63) == 0 ? n : n + BitOperations.PopCount(_words[word] & ((1UL << (int)(i & 63)) - 1));
    }

    /// <summary>Position of the one numbered <paramref name="k"/> (0-based).</summary>
    public long Select(long k)
    {
        Debug.Assert(k >= 0 && k < Ones);
        int j = (int)(k >> SampleShift);
        int lo = _samples[j];
        int hi = j + 1 < _samples.Length ? _samples[j + 1] : _rank.Length - 2;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >> 1;
            if (_rank[mid] <= k)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        long left = k - _rank[lo];
        int w = lo * BlockWords;
        while (true)
        {
            int n = BitOperations.PopCount(_words[w]);
            if (left < n)
            {
                break;
            }

            left -= n;
            w++;
        }

        ulong word = _words[w];
        for (long drop = 0; drop < left; drop++)
        {
            word &= word - 1;
        }

        return ((long)w << 6) + BitOperations.TrailingZeroCount(word);
    }
}
