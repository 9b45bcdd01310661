using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;

namespace WindowDataset.Statistics;

/// <summary>
/// Count, mean, M2 (sum of squared deviations), min and max of the finite values of each element of a row, over
/// rows given as float64, in float64. Vectorized across "lanes": a stride of whole rows whose length is a multiple
/// of the vector width (a row of 3 elements uses strides of 12), so rows of any length fill whole vectors. Each
/// block of about 32 KiB is summed twice while it is in the cache (its own mean, then its squared deviations) and
/// merged into the running moments with Chan's formula, which keeps the variance accurate without a second pass
/// over the data. Values are shifted by a reference value per element (a value of the first rows, shared by every
/// lane and thread) before the moments, so an element whose mean is far from zero (1e6 +- 0.01) keeps its variance
/// to the last digits: the block means and Chan's deltas are then differences of numbers near zero. Min and max
/// are taken from the unshifted values (exact). Not thread-safe: one per thread, merged with <see cref="Merge"/>.
/// </summary>
internal sealed class StatisticsAccumulator
{
    private const int BlockElements = 4096;

    private readonly int _rowElements;
    private readonly int _rowsPerStride;
    private readonly int _lanes;
    private readonly int _stridesPerBlock;
    private readonly double[] _n;
    private readonly double[] _mean;
    private readonly double[] _m2;
    private readonly double[] _min;
    private readonly double[] _max;
    private readonly double[] _blockN;
    private readonly double[] _blockSum;
    private readonly double[] _blockM2;
    private readonly double[] _shift;

    /// <param name="rowElements">Elements per row.</param>
    /// <param name="shift">Per element: the reference value subtracted before the moments (means are returned shifted).</param>
    public StatisticsAccumulator(int rowElements, ReadOnlySpan<double> shift)
    {
        Debug.Assert(rowElements > 0);
        _rowElements = rowElements;
        int width = Vector.IsHardwareAccelerated ? Vector<double>.Count : 1;
        if (rowElements >= 64)
        {
            _rowsPerStride = 1; // vectors along the row, a scalar tail per row
        }
        else
        {
            int lcm = rowElements / Gcd(rowElements, width) * width;
            _rowsPerStride = lcm / rowElements * Math.Max(1, (64 + lcm - 1) / lcm);
        }

        _lanes = _rowsPerStride * rowElements;
        // Long rows: at least 16 per block, so the per-lane merge costs little beside the sums.
        _stridesPerBlock = Math.Max(16, BlockElements / _lanes);
        _n = new double[_lanes];
        _mean = new double[_lanes];
        _m2 = new double[_lanes];
        _min = new double[_lanes];
        _max = new double[_lanes];
        _blockN = new double[_lanes];
        _blockSum = new double[_lanes];
        _blockM2 = new double[_lanes];
        _shift = new double[_lanes];
        for (int lane = 0; lane < _lanes; lane++)
        {
            _shift[lane] = shift[lane % rowElements];
        }

        _min.AsSpan().Fill(double.PositiveInfinity);
        _max.AsSpan().Fill(double.NegativeInfinity);
    }

    /// <summary>Rows added so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Adds whole rows (<paramref name="values"/>.Length a multiple of the row's elements).</summary>
    public void Add(ReadOnlySpan<double> values)
    {
        Debug.Assert(values.Length % _rowElements == 0);
        Rows += values.Length / _rowElements;
        int strides = values.Length / _lanes;
        int blockLength = _stridesPerBlock * _lanes;
        int at = 0;
        for (int s = 0; s < strides; s += _stridesPerBlock)
        {
            int count = Math.Min(_stridesPerBlock, strides - s);
            AddBlock(values.Slice(at, count * _lanes), count);
            at += count * _lanes;
        }

        Debug.Assert(blockLength > 0);

        // Rows short of a whole stride: one at a time into the first lanes.
        for (; at < values.Length; at += _rowElements)
        {
            for (int j = 0; j < _rowElements; j++)
            {
                AddOne(j, values[at + j]);
            }
        }
    }

    /// <summary>Folds the lanes into per-element moments (means shifted by the reference values) and merges them into the given totals (Chan's formula).</summary>
    public void Merge(Span<double> n, Span<double> mean, Span<double> m2, Span<double> min, Span<double> max)
    {
        for (int lane = 0; lane < _lanes; lane++)
        {
            int j = lane % _rowElements;
            Combine(ref n[j], ref mean[j], ref m2[j], _n[lane], _mean[lane], _m2[lane]);
            min[j] = Math.Min(min[j], _min[lane]);
            max[j] = Math.Max(max[j], _max[lane]);
        }
    }

    /// <summary>Chan et al.: merges the moments (nb, meanB, m2B) into (n, mean, m2).</summary>
    public static void Combine(ref double n, ref double mean, ref double m2, double nb, double meanB, double m2B)
    {
        if (nb == 0)
        {
            return;
        }

        double total = n + nb;
        double delta = meanB - mean;
        double f = nb / total;
        mean += delta * f;
        m2 += m2B + (delta * delta * n * f);
        n = total;
    }

    private void AddOne(int lane, double x)
    {
        if (!double.IsFinite(x))
        {
            return;
        }

        _min[lane] = Math.Min(_min[lane], x);
        _max[lane] = Math.Max(_max[lane], x);
        double y = x - _shift[lane];
        double total = _n[lane] + 1;
        double delta = y - _mean[lane];
        _mean[lane] += delta / total;
        _m2[lane] += delta * (y - _mean[lane]);
        _n[lane] = total;
    }

    private void AddBlock(ReadOnlySpan<double> block, int strides)
    {
        int width = Vector.IsHardwareAccelerated ? Vector<double>.Count : int.MaxValue;
        int vectorLanes = _lanes >= width ? _lanes - (_lanes % width) : 0;
        Span<double> bn = _blockN, bs = _blockSum, bm = _blockM2;
        ref double first = ref MemoryMarshal.GetReference(block);

        // Pass 1: count, sum, min, max.
        for (int q = 0; q < vectorLanes; q += width)
        {
            Vector<double> cnt = Vector<double>.Zero, sum = Vector<double>.Zero;
            Vector<double> mn = new(_min.AsSpan(q)), mx = new(_max.AsSpan(q)), k = new(_shift.AsSpan(q));
            for (int s = 0; s < strides; s++)
            {
                Vector<double> x = Vector.LoadUnsafe(ref first, (nuint)((s * _lanes) + q)); // in range: q + width <= lanes
                Vector<long> finite = Vector.Equals(x - x, Vector<double>.Zero);
                cnt += Vector.ConditionalSelect(finite, Vector<double>.One, Vector<double>.Zero);
                sum += Vector.ConditionalSelect(finite, x - k, Vector<double>.Zero);
                mn = Vector.ConditionalSelect(finite, Vector.Min(mn, x), mn);
                mx = Vector.ConditionalSelect(finite, Vector.Max(mx, x), mx);
            }

            cnt.CopyTo(bn[q..]);
            sum.CopyTo(bs[q..]);
            mn.CopyTo(_min.AsSpan(q));
            mx.CopyTo(_max.AsSpan(q));
        }

        for (int q = vectorLanes; q < _lanes; q++)
        {
            double cnt = 0, sum = 0, mn = _min[q], mx = _max[q];
            for (int s = 0; s < strides; s++)
            {
                double x = block[(s * _lanes) + q];
                if (double.IsFinite(x))
                {
                    cnt++;
                    sum += x - _shift[q];
                    mn = Math.Min(mn, x);
                    mx = Math.Max(mx, x);
                }
            }

            (bn[q], bs[q], _min[q], _max[q]) = (cnt, sum, mn, mx);
        }

        // The block's means (0 where it has no finite value).
        for (int q = 0; q < _lanes; q++)
        {
            bs[q] = bn[q] > 0 ? bs[q] / bn[q] : 0;
        }

        // Pass 2: squared deviations from the block's mean, still in the cache.
        for (int q = 0; q < vectorLanes; q += width)
        {
            Vector<double> m = new(bs[q..]), k = new(_shift.AsSpan(q)), acc = Vector<double>.Zero;
            for (int s = 0; s < strides; s++)
            {
                Vector<double> x = Vector.LoadUnsafe(ref first, (nuint)((s * _lanes) + q)); // in range: q + width <= lanes
                Vector<long> finite = Vector.Equals(x - x, Vector<double>.Zero);
                Vector<double> d = Vector.ConditionalSelect(finite, x - k - m, Vector<double>.Zero);
                acc += d * d;
            }

            acc.CopyTo(bm[q..]);
        }

        for (int q = vectorLanes; q < _lanes; q++)
        {
            double m = bs[q], acc = 0;
            for (int s = 0; s < strides; s++)
            {
                double x = block[(s * _lanes) + q];
                if (double.IsFinite(x))
                {
                    double d = x - _shift[q] - m;
                    acc += d * d;
                }
            }

            bm[q] = acc;
        }

        for (int q = 0; q < _lanes; q++)
        {
            Combine(ref _n[q], ref _mean[q], ref _m2[q], bn[q], bs[q], bm[q]);
        }
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
