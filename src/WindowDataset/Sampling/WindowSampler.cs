using System.Diagnostics;

namespace WindowDataset.Sampling;

/// <summary>
/// Turns (seed, epoch, rank, worldSize, batch index) into window starts, as a pure function: no state, so any
/// batch of any epoch can be computed by any worker in any order, and an epoch can resume at any batch.
/// Position p of rank r's stream is position origin + p * worldSize + r of the epoch's global order (origin 0 except
/// for an epoch resumed with another world size), so after k windows on every rank the ranks together have read
/// exactly the global prefix [origin, origin + k * worldSize): that prefix is what a saved state records.
/// Padded positions (past the epoch's windows) wrap to the start of the global order.
/// </summary>
internal sealed class WindowSampler
{
    private readonly StartIndex _index;
    private readonly SamplerKind _kind;
    private readonly ulong _seed;
    private readonly long _stride;
    private readonly int _rank;
    private readonly int _worldSize;
    private readonly (int Shard, long Local)[]? _explicit;
    private readonly bool _dropLast;
    private readonly EvenRanks _evenRanks;
    private readonly long _blockStarts;
    private readonly int _blocksPerSet;
    private readonly MixtureSampler? _mixture;

    public WindowSampler(StartIndex index, SamplerKind kind, ulong seed, long stride, long? windowsPerEpoch, int batchSize, bool dropLast, int rank, int worldSize, IList<long>? explicitStarts = null, EvenRanks evenRanks = EvenRanks.Drop, long blockStarts = 0, int blocksPerSet = 0, MixtureSampler? mixture = null)
    {
        _mixture = mixture;
        _dropLast = dropLast;
        _evenRanks = evenRanks;
        _blockStarts = blockStarts;
        _blocksPerSet = blocksPerSet;
        _index = index;
        _kind = kind;
        _seed = seed;
        _stride = stride;
        _rank = rank;
        _worldSize = worldSize;
        BatchSize = batchSize;
        long starts = index.Count;
        if (explicitStarts is not null)
        {
            _explicit = new (int, long)[explicitStarts.Count];
            for (int i = 0; i < _explicit.Length; i++)
            {
                _explicit[i] = index.LocateRow(explicitStarts[i])
                    ?? throw new ArgumentOutOfRangeException(nameof(explicitStarts), $"starts[{i}]: expected a row where a whole window (and target) fits inside one shard; found {explicitStarts[i]}.");
            }
        }

        long natural = mixture is not null ? mixture.WindowsPerEpoch : _explicit is not null ? _explicit.Length : kind == SamplerKind.Sequential ? ((starts - 1) / stride) + 1 : starts;
        long perEpoch = windowsPerEpoch ?? natural;
        if ((kind != SamplerKind.Uniform || _explicit is not null) && perEpoch > natural)
        {
            throw new ArgumentOutOfRangeException(nameof(windowsPerEpoch),
                $"windowsPerEpoch: expected at most {natural} for the {kind.ToString().ToLowerInvariant()} sampler (each start is used at most once per epoch); found {perEpoch}.");
        }

        WindowsPerEpoch = perEpoch;
        WindowsPerRank = Share(perEpoch, worldSize, evenRanks);
        BatchesPerEpoch = dropLast ? WindowsPerRank / batchSize : (WindowsPerRank + batchSize - 1) / batchSize;
    }

    /// <summary>The same epochs, with the split of each epoch starting at global position <paramref name="origin"/> (an elastic resume).</summary>
    private WindowSampler(WindowSampler basis, long origin)
    {
        _index = basis._index;
        _kind = basis._kind;
        _seed = basis._seed;
        _stride = basis._stride;
        _rank = basis._rank;
        _worldSize = basis._worldSize;
        _explicit = basis._explicit;
        _dropLast = basis._dropLast;
        _evenRanks = basis._evenRanks;
        _blockStarts = basis._blockStarts;
        _blocksPerSet = basis._blocksPerSet;
        _mixture = basis._mixture;
        BatchSize = basis.BatchSize;
        WindowsPerEpoch = basis.WindowsPerEpoch;
        Origin = origin;
        WindowsPerRank = Share(Math.Max(0, WindowsPerEpoch - origin), _worldSize, _evenRanks);
        BatchesPerEpoch = _dropLast ? WindowsPerRank / BatchSize : (WindowsPerRank + BatchSize - 1) / BatchSize;
    }

    /// <summary>Global position of the first window of this split (0 unless resumed with another world size).</summary>
    public long Origin { get; }

    public int WorldSize => _worldSize;

    public int BatchSize { get; }

    /// <summary>Windows in one epoch over all ranks.</summary>
    public long WindowsPerEpoch { get; }

    /// <summary>Windows this rank sees in one epoch (equal for every rank: the remainder of the division is dropped, or padded).</summary>
    public long WindowsPerRank { get; }

    public long BatchesPerEpoch { get; }

    public StartIndex Index => _index;

    /// <summary>The mixture that composes each epoch; null for a single source.</summary>
    public MixtureSampler? Mixture => _mixture;

    /// <summary>A sampler whose epochs are split from global position <paramref name="origin"/> on (the rest of an epoch after <paramref name="origin"/> windows were read by all ranks together).</summary>
    public WindowSampler Resplit(long origin)
    {
        Debug.Assert(origin >= 0);
        return origin == Origin ? this : new WindowSampler(this, origin);
    }

    /// <summary>Number of windows in batch <paramref name="batch"/> (the last one may be short).</summary>
    public int CountInBatch(long batch)
    {
        Debug.Assert(batch >= 0 && batch < BatchesPerEpoch);
        return (int)Math.Min(BatchSize, WindowsPerRank - (batch * BatchSize));
    }

    /// <summary>Writes the starts of one batch: shard, local row in the shard, and global row.</summary>
    public void Fill(long epoch, long batch, Span<int> shards, Span<long> localRows, Span<long> globalRows)
    {
        int count = CountInBatch(batch);
        Debug.Assert(shards.Length >= count && localRows.Length >= count && globalRows.Length >= count);
        ulong epochKey = Mix.Hash(_seed, (ulong)epoch);
        var permutation = _kind == SamplerKind.Permutation ? new FeistelPermutation(_index.Count, epochKey) : default;
        var blocks = _kind == SamplerKind.Permutation && _blockStarts > 0 ? new BlockPermutation(_index.Count, _blockStarts, _blocksPerSet, epochKey) : default;
        long firstPosition = batch * BatchSize;
        for (int i = 0; i < count; i++)
        {
            long position = Origin + ((firstPosition + i) * _worldSize) + _rank;
            if (position >= WindowsPerEpoch)
            {
                Debug.Assert(_evenRanks == EvenRanks.Pad);
                position %= WindowsPerEpoch;
            }

            int shard;
            long local;
            if (_explicit is not null)
            {
                (shard, local) = _explicit[position];
            }
            else
            {
                long flat = _mixture is not null ? _mixture.Map(epochKey, position) : _kind switch
                {
                    SamplerKind.Uniform => Mix.Reduce(Mix.Hash(epochKey, (ulong)position), _index.Count),
                    SamplerKind.Permutation => _blockStarts > 0 ? blocks.Map(position) : permutation.Map(position),
                    _ => position * _stride,
                };
                (shard, local) = _index.Locate(flat);
            }

            shards[i] = shard;
            localRows[i] = local;
            globalRows[i] = _index.RowBase[shard] + local;
        }
    }

    private static long Share(long windows, int worldSize, EvenRanks evenRanks) =>
        evenRanks == EvenRanks.Pad ? (windows + worldSize - 1) / worldSize : windows / worldSize;
}
