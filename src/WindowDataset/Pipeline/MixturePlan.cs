using System.Diagnostics;
using WindowDataset.Sampling;
using WindowDataset.Sources;

namespace WindowDataset.Pipeline;

/// <summary>
/// The sources of a mixture laid end to end: one combined shard list (component 0's shards, then component 1's...)
/// that the readers and the gatherer use unchanged, each component's own valid starts (built as a single source
/// builds them, on its own rows), and the windows delivered per component.
/// </summary>
internal sealed class MixturePlan
{
    private readonly ArraySource[] _components; // views on the component's own rows; their shards are owned by the combined source
    private readonly long[] _rowOffsets;        // _rowOffsets[c] = combined global row of component c's row 0; [^1] = total rows
    private readonly double[] _weights;
    private readonly long[] _delivered;

    private MixturePlan(ArraySource[] components, long[] rowOffsets, double[] weights)
    {
        _components = components;
        _rowOffsets = rowOffsets;
        _weights = weights;
        _delivered = new long[components.Length];
    }

    public int Components => _components.Length;

    /// <summary>Each component's valid starts, in the component's own rows (set by <see cref="BuildIndex"/>).</summary>
    public long[] ComponentStartCounts { get; private set; } = [];

    /// <summary>
    /// Opens every component's source and returns the combined source (which owns all the files). Components must
    /// agree on dtype, byte order and row shape: the batches have one element type and one row shape.
    /// </summary>
    public static ArraySource Open(WindowLoaderOptions options, out MixturePlan plan)
    {
        IList<MixtureComponent> mixture = options.Mixture!;
        var opened = new ArraySource[mixture.Count];
        int count = 0;
        try
        {
            for (int i = 0; i < opened.Length; i++)
            {
                opened[i] = ArraySource.Open(mixture[i].Source, $"mixture[{i}].source", options.Remote);
                count++;
                CheckAgrees(opened[0], opened[i], i);
            }

            var shards = new List<ShardFile>();
            long[] offsets = new long[opened.Length + 1];
            double[] weights = new double[opened.Length];
            for (int i = 0; i < opened.Length; i++)
            {
                foreach (ShardFile s in opened[i].Shards)
                {
                    shards.Add(new ShardFile(s.Path, s.Handle, s.FileLength, s.DataOffset, s.Rows, s.RowBase + offsets[i], s.Format, s.Chunks, s.Bytes));
                }

                offsets[i + 1] = offsets[i] + opened[i].TotalRows;
                weights[i] = mixture[i].Weight;
            }

            ArraySource first = opened[0];
            plan = new MixturePlan(opened, offsets, weights);
            return ArraySource.FromShards([.. shards], first.ElementType, first.BigEndian, first.ItemShape);
        }
        catch
        {
            for (int i = 0; i < count; i++)
            {
                opened[i].Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// The valid starts of one component, in its own rows: exactly the single-source rule (windows and their
    /// targets inside one shard). Every per-component restriction of the starts belongs here.
    /// </summary>
    public StartIndex ComponentStarts(int component, WindowLoaderOptions options, long span)
    {
        _ = span; // the component's options give it: dilation, lead time and horizon
        WindowLoaderOptions own = options.Clone();
        own.Mixture = null;
        own.Source = options.Mixture![component].Source;
        return RestrictedStarts.Build(_components[component], null, own);
    }

    /// <summary>The combined index: each component's starts, numbered in component order, on the combined rows.</summary>
    public StartIndex BuildIndex(WindowLoaderOptions options, long span)
    {
        var parts = new StartIndex[_components.Length];
        long[] counts = new long[_components.Length];
        for (int c = 0; c < parts.Length; c++)
        {
            parts[c] = ComponentStarts(c, options, span);
            counts[c] = parts[c].Count;
            if (counts[c] == 0)
            {
                long longest = 0;
                foreach (ShardFile s in _components[c].Shards)
                {
                    longest = Math.Max(longest, s.Rows);
                }

                throw new ArgumentOutOfRangeException(nameof(options),
                    $"{_components[c].Shards[0].Path}: mixture[{c}]: window: expected at most {longest - (span - options.Window)} rows (the component's longest shard has {longest} rows{(span > options.Window ? $" and the target needs {span - options.Window} more" : string.Empty)}); found {options.Window}: no window fits.");
            }
        }

        ComponentStartCounts = counts;
        return StartIndex.Concat(parts, _rowOffsets);
    }

    /// <summary>The epoch composition for <paramref name="kind"/> (permutation or uniform) and N (null: the sum of the components' starts).</summary>
    public MixtureSampler CreateSampler(SamplerKind kind, long? windowsPerEpoch)
    {
        Debug.Assert(ComponentStartCounts.Length == _components.Length);
        return new MixtureSampler(_weights, ComponentStartCounts, windowsPerEpoch, kind);
    }

    /// <summary>The component holding combined global row <paramref name="row"/>.</summary>
    public int ComponentOfRow(long row)
    {
        int lo = 0, hi = _components.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >> 1;
            if (_rowOffsets[mid] <= row)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return lo;
    }

    /// <summary>Counts the windows of a delivered batch by component (the consumer's thread; snapshots read it concurrently).</summary>
    public void Delivered(ReadOnlySpan<long> starts)
    {
        foreach (long start in starts)
        {
            Interlocked.Increment(ref _delivered[ComponentOfRow(start)]);
        }
    }

    /// <summary>Windows delivered per component since the loader was created.</summary>
    public long[] DeliveredSnapshot()
    {
        long[] copy = new long[_delivered.Length];
        for (int c = 0; c < copy.Length; c++)
        {
            copy[c] = Interlocked.Read(ref _delivered[c]);
        }

        return copy;
    }

    private static void CheckAgrees(ArraySource first, ArraySource other, int index)
    {
        string path = other.Shards[0].Path;
        if (other.ElementType != first.ElementType || other.BigEndian != first.BigEndian)
        {
            throw new InvalidDataException(
                $"{path}: mixture[{index}].source: dtype: expected {ArraySource.Describe(first.ElementType, first.BigEndian)} (mixture[0]'s, {first.Shards[0].Path}); found {ArraySource.Describe(other.ElementType, other.BigEndian)}.");
        }

        if (!other.ItemShape.AsSpan().SequenceEqual(first.ItemShape))
        {
            throw new InvalidDataException(
                $"{path}: mixture[{index}].source: row shape: expected {ArraySource.FormatShape(first.ItemShape)} (mixture[0]'s, {first.Shards[0].Path}); found {ArraySource.FormatShape(other.ItemShape)}.");
        }
    }
}
