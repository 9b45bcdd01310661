using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace WindowDataset.Conversion;

/// <summary>
/// A per-element affine map of a row, fused into the conversion from the file's type: for element j of the row,
/// <c>y = (out)((x' - center[j]) * scale[j])</c> computed in float64, where <c>x' = x</c> when x is finite, else
/// <c>fill[j]</c> (when a fill is set). Thread-safe (immutable); the readers call it on the pieces they convert.
/// </summary>
internal sealed class RowTransform
{
    /// <summary>Elements converted at a time: 4 KiB of float64 that stay in the L1 cache between the steps.</summary>
    private const int Piece = 512;

    private readonly double[] _center;
    private readonly double[] _scale;
    private readonly double[]? _fill;
    private readonly int _rowElements;
    private readonly int _period;

    /// <param name="rowElements">Elements per row.</param>
    /// <param name="center">Per element of the row: subtracted first (the mean, or the minimum); empty for no affine step.</param>
    /// <param name="scale">Per element of the row: the factor (1/std, or 1/(max - min)); empty for no affine step.</param>
    /// <param name="fill">Per element of the row: what replaces a NaN or infinite value; empty for none.</param>
    public RowTransform(int rowElements, ReadOnlySpan<double> center, ReadOnlySpan<double> scale, ReadOnlySpan<double> fill)
    {
        Debug.Assert(rowElements > 0);
        Debug.Assert(center.Length == scale.Length && (center.IsEmpty || center.Length == rowElements));
        Debug.Assert(fill.IsEmpty || fill.Length == rowElements);
        _rowElements = rowElements;

        // Parameters repeated over whole rows to at least one piece beyond any start element, so a piece always
        // finds its parameters in one contiguous run (a row of one element would otherwise be a run of one).
        _period = rowElements >= Piece ? rowElements : rowElements * (1 + ((Piece + rowElements - 1) / rowElements));
        Affine = !center.IsEmpty;
        _center = Affine ? Repeat(center, _period) : [];
        _scale = Affine ? Repeat(scale, _period) : [];
        _fill = fill.IsEmpty ? null : Repeat(fill, _period);
    }

    /// <summary>True when the map subtracts and scales (false: it only fills).</summary>
    public bool Affine { get; }

    /// <summary>True when non-finite values are replaced.</summary>
    public bool Fills => _fill is not null;

    public int RowElements => _rowElements;

    /// <summary>
    /// Converts little-endian elements of type <paramref name="from"/> into <paramref name="to"/> (float32 or
    /// float64), applying the map; the first element is element <paramref name="firstElement"/> (mod the row) of its row.
    /// </summary>
    public void Apply(ReadOnlySpan<byte> source, ElementType from, Span<byte> destination, ElementType to, long firstElement)
    {
        Debug.Assert(to is ElementType.Float32 or ElementType.Float64, "a transform writes floats");
        int inSize = ElementTypeInfo.SizeOf(from);
        int outSize = ElementTypeInfo.SizeOf(to);
        int n = source.Length / inSize;
        Debug.Assert(destination.Length >= n * outSize);
        int e = (int)(firstElement % _rowElements);
        Span<double> buffer = stackalloc double[Piece];
        for (int done = 0; done < n;)
        {
            int m = Math.Min(Math.Min(Piece, n - done), _period - e);
            Span<double> t = buffer[..m];
            ElementConverter.Convert(source.Slice(done * inSize, m * inSize), from, MemoryMarshal.AsBytes(t), ElementType.Float64);
            Map(t, e);
            ElementConverter.Convert(MemoryMarshal.AsBytes(t), ElementType.Float64, destination.Slice(done * outSize, m * outSize), to);
            done += m;
            e = (e + m) % _rowElements;
        }
    }

    /// <summary>Applies the map in place to float64 values whose first is element <paramref name="e"/> of its row (contiguous parameters guaranteed by the caller).</summary>
    private void Map(Span<double> values, int e)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<double>.Count)
        {
            Span<Vector<double>> v = MemoryMarshal.Cast<double, Vector<double>>(values);
            int vectors = v.Length;
            ref double center = ref Affine ? ref _center[e] : ref Unsafe.NullRef<double>();
            ref double scale = ref Affine ? ref _scale[e] : ref Unsafe.NullRef<double>();
            if (_fill is { } fillArray)
            {
                ref double fill = ref fillArray[e];
                for (int k = 0; k < vectors; k++)
                {
                    Vector<double> x = v[k];
                    Vector<long> finite = Vector.Equals(x - x, Vector<double>.Zero);
                    v[k] = Vector.ConditionalSelect(finite, x, Vector.LoadUnsafe(ref fill, (nuint)(k * Vector<double>.Count)));
                }
            }

            if (Affine)
            {
                for (int k = 0; k < vectors; k++)
                {
                    nuint at = (nuint)(k * Vector<double>.Count);
                    v[k] = (v[k] - Vector.LoadUnsafe(ref center, at)) * Vector.LoadUnsafe(ref scale, at);
                }
            }

            i = vectors * Vector<double>.Count;
        }

        for (; i < values.Length; i++)
        {
            double x = values[i];
            if (_fill is { } f && !double.IsFinite(x))
            {
                x = f[e + i];
            }

            values[i] = Affine ? (x - _center[e + i]) * _scale[e + i] : x;
        }
    }

    private static double[] Repeat(ReadOnlySpan<double> row, int length)
    {
        double[] repeated = new double[length];
        for (int at = 0; at < length; at += row.Length)
        {
            row.CopyTo(repeated.AsSpan(at));
        }

        return repeated;
    }
}
