using System.Diagnostics;

namespace WindowDataset.Sampling;

/// <summary>
/// A keyed bijection of [0, n) that visits blocks of <c>blockSize</c> consecutive starts (one chunk's rows) in a
/// random order, <c>blocksPerSet</c> blocks at a time, and the starts of each set of blocks in a random order: a
/// full-coverage shuffle whose working set is a few resident chunks instead of the whole array. The starts after
/// the last whole block form a last set of their own. O(1) per draw, no state: resumable and worker-independent.
/// </summary>
internal readonly struct BlockPermutation
{
    private readonly long _n;
    private readonly long _blockSize;
    private readonly long _blocksPerSet;
    private readonly long _wholeBlocks;
    private readonly ulong _key;
    private readonly FeistelPermutation _blocks;

    public BlockPermutation(long n, long blockSize, long blocksPerSet, ulong key)
    {
        Debug.Assert(n > 0 && blockSize > 0 && blocksPerSet > 0);
        _n = n;
        _blockSize = Math.Min(blockSize, n);
        _blocksPerSet = blocksPerSet;
        _wholeBlocks = n / _blockSize;
        _key = key;
        _blocks = new FeistelPermutation(_wholeBlocks, Mix.Hash(key, 0xB10C));
    }

    /// <summary>Starts in one full set: the span of positions whose windows come from the same few chunks.</summary>
    public long SetSize => _blockSize * _blocksPerSet;

    /// <summary>The image of <paramref name="position"/> (in [0, n)).</summary>
    public long Map(long position)
    {
        Debug.Assert((ulong)position < (ulong)_n);
        long covered = _wholeBlocks * _blockSize;
        if (position >= covered)
        {
            long rest = _n - covered;
            return covered + new FeistelPermutation(rest, Mix.Hash(_key, ulong.MaxValue)).Map(position - covered);
        }

        long set = position / SetSize;
        long firstBlock = set * _blocksPerSet;
        long blocks = Math.Min(_blocksPerSet, _wholeBlocks - firstBlock);
        long inner = new FeistelPermutation(blocks * _blockSize, Mix.Hash(_key, (ulong)set + 1)).Map(position - (set * SetSize));
        long block = _blocks.Map(firstBlock + (inner / _blockSize));
        return (block * _blockSize) + (inner % _blockSize);
    }
}
