using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace WindowDataset.Cli.Conversion;

/// <summary>A headerless row-major file (optionally big-endian, optionally after a header of N bytes) to a little-endian .npy.</summary>
internal static class RawConverter
{
    public static long[] Convert(string input, string output, ElementType type, bool bigEndian, int cols, long headerOffset, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        int size = ElementTypeInfo.SizeOf(type);
        long rowBytes = (long)cols * size;
        using SafeFileHandle handle = File.OpenHandle(input, FileMode.Open, FileAccess.Read, FileShare.Read);
        long length = RandomAccess.GetLength(handle);
        long dataBytes = length - headerOffset;
        if (dataBytes <= 0 || dataBytes % rowBytes != 0)
        {
            throw new InvalidDataException($"{input}: expected a positive multiple of {rowBytes} bytes (rows of {cols} x {ElementTypeInfo.Name(type)}) after {headerOffset} header bytes; found {Math.Max(dataBytes, 0)} bytes.");
        }

        long rows = dataBytes / rowBytes;
        long[] shape = [rows, cols];
        int chunkRows = (int)Math.Clamp((8L << 20) / rowBytes, 1, rows);
        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)(chunkRows * rowBytes));
        try
        {
            using var writer = new NpyWriter(output, type, shape);
            for (long row = 0; row < rows; row += chunkRows)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int n = (int)Math.Min(chunkRows, rows - row);
                Span<byte> chunk = buffer.AsSpan(0, (int)(n * rowBytes));
                long offset = headerOffset + (row * rowBytes);
                int done = 0;
                while (done < chunk.Length)
                {
                    int read = RandomAccess.Read(handle, chunk[done..], offset + done);
                    if (read == 0)
                    {
                        throw new EndOfStreamException($"{input}: expected {length} bytes; the file ended at {offset + done} (truncated while converting?).");
                    }

                    done += read;
                }

                if (bigEndian)
                {
                    ElementTypeInfo.ReverseEndianness(chunk, type);
                }

                writer.Write(chunk);
                progress?.Report((double)(row + n) / rows);
            }

            writer.Complete();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return shape;
    }
}
