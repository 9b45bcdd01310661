using System.Diagnostics;
using System.Numerics;

namespace WindowDataset.Sampling;

/// <summary>One bit per row (or per start), for the rows that hold a missing value and the starts that are left.</summary>
internal sealed class RowBitmap
{
    private readonly ulong[] _words;

    public RowBitmap(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if ((length + 63) / 64 > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(length), $"rows: expected at most {(long)Array.MaxLength * 64} rows for a row bitmap; found {length}.");
        }

        Length = length;
        _words = new ulong[(length + 63) / 64];
    }

    /// <summary>Wraps words read from a sidecar (bits past <paramref name="length"/> must be clear).</summary>
    public RowBitmap(ulong[] words, long length)
    {
        Debug.Assert(words.Length == (length + 63) / 64);
        _words = words;
        Length = length;
    }

    public long Length { get; }

    /// <summary>The 64-bit words, bit i of the bitmap at bit (i % 64) of word i / 64.</summary>
    public ulong[] Words => _words;

    public bool Get(long i)
    {
        Debug.Assert(i >= 0 && i < Length);
        return (_words[i >> 6] & (1UL << (int)(i & 63))) != 0;
    }

    public void Set(long i)
    {
        Debug.Assert(i >= 0 && i < Length);
        _words[i >> 6] |= 1UL << (int)(i & 63);
    }

    /// <summary>Sets bits [from, from + other.Length) to <paramref name="other"/>'s (a shard's bitmap into the source's).</summary>
    public void CopyFrom(RowBitmap other, long from)
    {
        Debug.Assert(from >= 0 && from + other.Length <= Length);
        if ((from & 63) == 0)
        {
            other._words.AsSpan().CopyTo(_words.AsSpan((int)(from >> 6)));
            return;
        }

        for (long w = 0; w < other._words.Length; w++)
        {
            ulong word = other._words[w];
            while (word != 0)
            {
                Set(from + (w * 64) + BitOperations.TrailingZeroCount(word));
                word &= word - 1;
            }
        }
    }

    public long CountOnes()
    {
        long n = 0;
        foreach (ulong w in _words)
        {
            n += BitOperations.PopCount(w);
        }

        return n;
    }
}
