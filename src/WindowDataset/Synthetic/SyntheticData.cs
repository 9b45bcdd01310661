using System.Buffers;
using System.Runtime.InteropServices;
using WindowDataset.Sampling;

namespace WindowDataset.Synthetic;

/// <summary>Writes deterministic demo and test arrays as <c>.npy</c>, in chunks, in bounded memory.</summary>
public static class SyntheticData
{
    /// <summary>Writes an array of shape (<paramref name="rows"/>, <paramref name="cols"/>). Same arguments, same bytes.</summary>
    /// <param name="path">The <c>.npy</c> file to create.</param>
    /// <param name="rows">Rows (axis 0).</param>
    /// <param name="cols">Columns per row.</param>
    /// <param name="type">Element type: float64, float32 or float16 (integer types get the values scaled by 1000 and rounded).</param>
    /// <param name="signal">What to write.</param>
    /// <param name="seed">Seed of the noise and of each channel's parameters.</param>
    /// <param name="progress">Receives the fraction written (0..1) after each chunk.</param>
    public static void WriteNpy(string path, long rows, int cols, ElementType type = ElementType.Float64, SignalKind signal = SignalKind.Ar, ulong seed = 0, IProgress<double>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(cols, 1);
        using var writer = new NpyWriter(path, type, [rows, cols]);
        int chunkRows = (int)Math.Clamp((4L << 20) / (cols * 8L), 1, rows);
        double[] values = ArrayPool<double>.Shared.Rent(chunkRows * cols);
        byte[] bytes = ArrayPool<byte>.Shared.Rent(chunkRows * cols * ElementTypeInfo.SizeOf(type));
        try
        {
            var state = new ArState(cols, seed);
            for (long row = 0; row < rows; row += chunkRows)
            {
                int n = (int)Math.Min(chunkRows, rows - row);
                Span<double> chunk = values.AsSpan(0, n * cols);
                for (int r = 0; r < n; r++)
                {
                    Span<double> line = chunk.Slice(r * cols, cols);
                    if (signal == SignalKind.Random)
                    {
                        for (int c = 0; c < cols; c++)
                        {
                            line[c] = (Unit(Mix.Hash(seed, (ulong)((row + r) * cols) + (ulong)c)) * 2) - 1;
                        }
                    }
                    else
                    {
                        state.Next(row + r, line);
                    }
                }

                int size = ElementTypeInfo.SizeOf(type);
                Span<byte> output = bytes.AsSpan(0, n * cols * size);
                Encode(chunk, type, output);
                writer.Write(output);
                progress?.Report((double)(row + n) / rows);
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(values);
            ArrayPool<byte>.Shared.Return(bytes);
        }

        writer.Complete();
    }

    private static void Encode(ReadOnlySpan<double> values, ElementType type, Span<byte> output)
    {
        switch (type)
        {
            case ElementType.Float64: MemoryMarshal.AsBytes(values).CopyTo(output); break;
            case ElementType.Float32:
                Span<float> f = MemoryMarshal.Cast<byte, float>(output);
                for (int i = 0; i < values.Length; i++)
                {
                    f[i] = (float)values[i];
                }

                break;
            case ElementType.Float16:
                Span<Half> h = MemoryMarshal.Cast<byte, Half>(output);
                for (int i = 0; i < values.Length; i++)
                {
                    h[i] = (Half)values[i];
                }

                break;
            default:
                int size = ElementTypeInfo.SizeOf(type);
                for (int i = 0; i < values.Length; i++)
                {
                    long v = (long)Math.Round(values[i] * 1000);
                    Span<byte> dst = output.Slice(i * size, size);
                    switch (size)
                    {
                        case 8: MemoryMarshal.Write(dst, in v); break;
                        case 4: int i4 = (int)v; MemoryMarshal.Write(dst, in i4); break;
                        case 2: short i2 = (short)Math.Clamp(v, short.MinValue, short.MaxValue); MemoryMarshal.Write(dst, in i2); break;
                        default: dst[0] = type == ElementType.Bool ? (byte)(v > 0 ? 1 : 0) : (byte)(sbyte)Math.Clamp(v / 10, sbyte.MinValue, sbyte.MaxValue); break;
                    }
                }

                break;
        }
    }

    private static double Unit(ulong hash) => (hash >> 11) * (1.0 / (1UL << 53));

    /// <summary>State of the autoregressive process: the last two rows and each channel's sinusoid.</summary>
    private sealed class ArState
    {
        private readonly double[] _previous;
        private readonly double[] _beforePrevious;
        private readonly double[] _period;
        private readonly double[] _phase;
        private readonly ulong _seed;

        public ArState(int cols, ulong seed)
        {
            _seed = seed;
            _previous = new double[cols];
            _beforePrevious = new double[cols];
            _period = new double[cols];
            _phase = new double[cols];
            for (int c = 0; c < cols; c++)
            {
                _period[c] = 12 + (36 * Unit(Mix.Hash(seed ^ 0xA5A5, (ulong)c)));
                _phase[c] = 2 * Math.PI * Unit(Mix.Hash(seed ^ 0x5A5A, (ulong)c));
            }
        }

        public void Next(long t, Span<double> line)
        {
            int cols = line.Length;
            for (int c = 0; c < cols; c++)
            {
                double seasonal = Math.Sin((2 * Math.PI * t / _period[c]) + _phase[c]);
                double noise = Gaussian(t, c);
                double neighbour = _previous[(c + 1) % cols];
                line[c] = (0.5 * _previous[c]) + (0.3 * neighbour) - (0.2 * _beforePrevious[c]) + (0.4 * seasonal) + (0.1 * noise);
            }

            _previous.CopyTo(_beforePrevious, 0);
            line.CopyTo(_previous);
        }

        private double Gaussian(long t, int c)
        {
            ulong h = Mix.Hash(_seed, ((ulong)t << 20) ^ (ulong)c);
            double u1 = Math.Max(Unit(h), 1e-300);
            double u2 = Unit(Mix.Hash(h));
            return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }
    }
}
