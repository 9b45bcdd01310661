using System.Buffers.Binary;
using WindowDataset.Sources;

namespace WindowDataset.Tests.Infrastructure;

/// <summary>
/// A chunked float64 array held in memory, for testing the chunk cache and the chunked row reader apart from any
/// file format: element k (C order over the whole array) is <c>k + 0.5</c>. Counts decodes per chunk.
/// </summary>
internal sealed class MemoryChunkedArray : ChunkedArray
{
    private readonly HashSet<long> _missing;
    private readonly Dictionary<long, int> _decodes = [];
    private readonly object _gate = new();

    public MemoryChunkedArray(long[] shape, int[] chunkShape, bool bigEndian = false, IEnumerable<long>? missingChunks = null, double fill = 0)
        : base("memory", "/test", ElementType.Float64, bigEndian, shape, chunkShape, FillBytes(fill, bigEndian), "test")
    {
        _missing = [.. missingChunks ?? []];
    }

    /// <summary>Chunks whose decode throws <see cref="InvalidDataException"/> while listed.</summary>
    public HashSet<long> Failing { get; } = [];

    /// <summary>Each decode sleeps this long (to make concurrent requests overlap).</summary>
    public TimeSpan Delay { get; set; }

    public int DecodesOf(long linear)
    {
        lock (_gate)
        {
            return _decodes.GetValueOrDefault(linear);
        }
    }

    public int TotalDecodes
    {
        get
        {
            lock (_gate)
            {
                return _decodes.Values.Sum();
            }
        }
    }

    /// <summary>The value of element <paramref name="flat"/> (C order over the array).</summary>
    public static double ValueAt(long flat) => flat + 0.5;

    public long LinearOf(ReadOnlySpan<long> chunk)
    {
        long linear = 0;
        for (int i = 0; i < chunk.Length; i++)
        {
            linear = (linear * GridShape[i]) + chunk[i];
        }

        return linear;
    }

    public override bool TryReadChunk(ReadOnlySpan<long> chunk, Span<byte> destination)
    {
        Assert.Equal(ChunkBytes, destination.Length);
        long linear = LinearOf(chunk);
        lock (_gate)
        {
            _decodes[linear] = _decodes.GetValueOrDefault(linear) + 1;
        }

        if (Delay > TimeSpan.Zero)
        {
            Thread.Sleep(Delay);
        }

        if (Failing.Contains(linear))
        {
            throw new InvalidDataException($"{Describe(chunk)}: corrupt (test).");
        }

        if (_missing.Contains(linear))
        {
            return false;
        }

        // Fill the whole chunk, padding included (as a real edge chunk is stored), with values of the array where inside.
        int rank = Shape.Length;
        long[] index = new long[rank];
        for (long e = 0; e < ChunkElements; e++)
        {
            long rest = e;
            for (int axis = rank - 1; axis >= 0; axis--)
            {
                index[axis] = rest % ChunkShape[axis];
                rest /= ChunkShape[axis];
            }

            long flat = 0;
            bool inside = true;
            for (int axis = 0; axis < rank; axis++)
            {
                long global = (chunk[axis] * ChunkShape[axis]) + index[axis];
                inside &= global < Shape[axis];
                flat = (flat * Shape[axis]) + global;
            }

            double value = inside ? ValueAt(flat) : -1;
            Span<byte> cell = destination.Slice((int)(e * 8), 8);
            if (BigEndian)
            {
                BinaryPrimitives.WriteDoubleBigEndian(cell, value);
            }
            else
            {
                BinaryPrimitives.WriteDoubleLittleEndian(cell, value);
            }
        }

        return true;
    }

    private static byte[] FillBytes(double fill, bool bigEndian)
    {
        byte[] bytes = new byte[8];
        if (bigEndian)
        {
            BinaryPrimitives.WriteDoubleBigEndian(bytes, fill);
        }
        else
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes, fill);
        }

        return bytes;
    }
}
