using WindowDataset.Sources;

namespace WindowDataset.Tests.Infrastructure;

/// <summary>
/// A whole chunked array assembled from <see cref="ChunkedArray.TryReadChunk"/> (fill value where a chunk was never
/// written), independently of the loader's chunked row reader: what format tests compare with the libraries' copies.
/// </summary>
internal static class ChunkAssembly
{
    /// <summary>Every element, C order, in the chunks' stored byte order.</summary>
    public static byte[] Materialize(ChunkedArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        int size = ElementTypeInfo.SizeOf(array.ElementType);
        int rank = array.Shape.Length;
        long total = size;
        foreach (long d in array.Shape)
        {
            total *= d;
        }

        byte[] result = new byte[total];
        byte[] chunk = new byte[array.ChunkBytes];
        long[] position = new long[rank];
        long chunkCount = 1;
        foreach (long g in array.GridShape)
        {
            chunkCount *= g;
        }

        for (long c = 0; c < chunkCount; c++)
        {
            long rest = c;
            for (int i = rank - 1; i >= 0; i--)
            {
                position[i] = rest % array.GridShape[i];
                rest /= array.GridShape[i];
            }

            if (!array.TryReadChunk(position, chunk))
            {
                for (int e = 0; e < array.ChunkElements; e++)
                {
                    array.FillValue.CopyTo(chunk, e * size);
                }
            }

            CopyChunk(array, position, chunk, result, size);
        }

        return result;
    }

    /// <summary>Copies the part of a decoded chunk inside the array's shape into the C-order result, one line along the last axis at a time.</summary>
    private static void CopyChunk(ChunkedArray array, long[] position, byte[] chunk, byte[] result, int size)
    {
        int rank = array.Shape.Length;
        var extent = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            extent[i] = Math.Min(array.ChunkShape[i], array.Shape[i] - (position[i] * array.ChunkShape[i]));
        }

        long lines = 1;
        for (int i = 0; i < rank - 1; i++)
        {
            lines *= extent[i];
        }

        var index = new long[rank];
        for (long r = 0; r < lines; r++)
        {
            long rest = r;
            for (int i = rank - 2; i >= 0; i--)
            {
                index[i] = rest % extent[i];
                rest /= extent[i];
            }

            long source = 0;
            long target = 0;
            for (int i = 0; i < rank; i++)
            {
                long inChunk = i == rank - 1 ? 0 : index[i];
                source = (source * array.ChunkShape[i]) + inChunk;
                target = (target * array.Shape[i]) + (position[i] * array.ChunkShape[i]) + inChunk;
            }

            Array.Copy(chunk, source * size, result, target * size, extent[rank - 1] * size);
        }
    }
}
