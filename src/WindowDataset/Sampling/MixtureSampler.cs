using System.Diagnostics;

namespace WindowDataset.Sampling;

/// <summary>
/// The epoch of a mixture as a pure function of (epoch key, position): the epoch's N windows are split into exact
/// shares n_c (weights over their sum, largest-remainder rounding, so the shares add up to N); a keyed permutation
/// of [0, N) interleaves them, and position q of component c's share picks one of its valid starts by the
/// component's own rule. Permutation: the q-th element of a keyed permutation of its starts, a fresh permutation
/// (new key) for each pass when the share exceeds the starts. Uniform: a hash of (epoch, component, q). O(1) per
/// draw, no state: resumable, worker- and rank-independent like the single-source samplers.
/// </summary>
internal sealed class MixtureSampler
{
    private readonly SamplerKind _kind;
    private readonly long[] _sharePrefix;  // _sharePrefix[c] = windows of components before c; [^1] = N
    private readonly long[] _startPrefix;  // _startPrefix[c] = combined start number of component c's first start
    private readonly long[] _starts;       // valid starts of each component

    /// <param name="weights">Positive finite weights, one per component.</param>
    /// <param name="starts">Valid starts of each component (each > 0).</param>
    /// <param name="windowsPerEpoch">N; null: the sum of the components' starts.</param>
    /// <param name="kind">Permutation or uniform.</param>
    public MixtureSampler(IReadOnlyList<double> weights, IReadOnlyList<long> starts, long? windowsPerEpoch, SamplerKind kind)
    {
        Debug.Assert(weights.Count == starts.Count && weights.Count > 0);
        Debug.Assert(kind is SamplerKind.Permutation or SamplerKind.Uniform);
        int n = weights.Count;
        _kind = kind;
        _starts = new long[n];
        _startPrefix = new long[n + 1];
        for (int c = 0; c < n; c++)
        {
            Debug.Assert(starts[c] > 0);
            _starts[c] = starts[c];
            _startPrefix[c + 1] = checked(_startPrefix[c] + starts[c]);
        }

        WindowsPerEpoch = windowsPerEpoch ?? _startPrefix[n];
        long[] shares = Shares(weights, WindowsPerEpoch);
        _sharePrefix = new long[n + 1];
        for (int c = 0; c < n; c++)
        {
            _sharePrefix[c + 1] = _sharePrefix[c] + shares[c];
        }

        Debug.Assert(_sharePrefix[n] == WindowsPerEpoch);
    }

    /// <summary>N: windows of one epoch over all ranks.</summary>
    public long WindowsPerEpoch { get; }

    public int Components => _starts.Length;

    /// <summary>Windows component <paramref name="component"/> contributes to every epoch.</summary>
    public long Share(int component) => _sharePrefix[component + 1] - _sharePrefix[component];

    /// <summary>The component whose starts hold combined start number <paramref name="flat"/>.</summary>
    public int ComponentOfStart(long flat) => Find(_startPrefix, flat);

    /// <summary>The combined start number of global position <paramref name="position"/> (in [0, N)) of the epoch keyed by <paramref name="epochKey"/>.</summary>
    public long Map(ulong epochKey, long position)
    {
        Debug.Assert((ulong)position < (ulong)WindowsPerEpoch);
        long q = new FeistelPermutation(WindowsPerEpoch, Mix.Hash(epochKey, 0x4D49585455524531UL)).Map(position);
        int c = Find(_sharePrefix, q);
        long k = q - _sharePrefix[c];
        long count = _starts[c];
        ulong componentKey = Mix.Hash(epochKey, (ulong)c + 1);
        long local;
        if (_kind == SamplerKind.Uniform)
        {
            local = Mix.Reduce(Mix.Hash(componentKey, (ulong)k), count);
        }
        else
        {
            long pass = k / count;
            local = new FeistelPermutation(count, Mix.Hash(componentKey, (ulong)pass)).Map(k - (pass * count));
        }

        return _startPrefix[c] + local;
    }

    /// <summary>Largest-remainder shares of <paramref name="total"/> by weight: they add up to it exactly; ties go to the earlier component.</summary>
    internal static long[] Shares(IReadOnlyList<double> weights, long total)
    {
        int n = weights.Count;
        double sum = 0;
        for (int c = 0; c < n; c++)
        {
            sum += weights[c];
        }

        long[] shares = new long[n];
        double[] rest = new double[n];
        long given = 0;
        for (int c = 0; c < n; c++)
        {
            double exact = weights[c] / sum * total;
            long floor = (long)Math.Min(Math.Floor(exact), total);
            shares[c] = floor;
            rest[c] = exact - floor;
            given += floor;
        }

        // Rounding in the doubles may hand out one too many: take it back from the largest shares.
        while (given > total)
        {
            int largest = 0;
            for (int c = 1; c < n; c++)
            {
                largest = shares[c] > shares[largest] ? c : largest;
            }

            shares[largest]--;
            rest[largest] = 1;
            given--;
        }

        if (given < total)
        {
            int[] order = new int[n];
            for (int c = 0; c < n; c++)
            {
                order[c] = c;
            }

            Array.Sort(order, (a, b) => rest[a] != rest[b] ? rest[b].CompareTo(rest[a]) : a.CompareTo(b));
            for (int i = 0; given < total; i = (i + 1) % n)
            {
                shares[order[i]]++;
                given++;
            }
        }

        return shares;
    }

    /// <summary>The last c with prefix[c] &lt;= value, skipping empty ranges.</summary>
    private static int Find(long[] prefix, long value)
    {
        int lo = 0, hi = prefix.Length - 2;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >> 1;
            if (prefix[mid] <= value)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        while (prefix[lo + 1] <= value)
        {
            lo++;
        }

        return lo;
    }
}
