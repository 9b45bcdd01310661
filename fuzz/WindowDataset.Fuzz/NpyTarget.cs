using System.Buffers.Binary;
using WindowDataset.Sources;

namespace WindowDataset.Fuzz;

/// <summary>
/// The bytes are a whole <c>.npy</c> file. It is opened with <see cref="ArraySource.Open"/> (header parser, shape and
/// size checks); when accepted, a loader reads its first row through pread or mmap (by input length parity) and the
/// row is compared with the file's bytes. Only <see cref="InvalidDataException"/> is an expected failure.
/// </summary>
internal sealed class NpyTarget : FuzzTarget
{
    public NpyTarget()
        : base("npy")
    {
    }

    public override string Run(ReadOnlySpan<byte> data)
    {
        string path = WriteInput("input.npy", data);
        var source = new SourceOptions { Paths = [path], Format = SourceFormat.Npy };
        long dataOffset;
        ElementType type;
        bool bigEndian;
        long rowBytes;
        long rows;
        try
        {
            using ArraySource array = ArraySource.Open(source);
            dataOffset = array.Shards[0].DataOffset;
            (type, bigEndian, rowBytes, rows) = (array.ElementType, array.BigEndian, array.RowBytes, array.TotalRows);
        }
        catch (Exception ex) when (IsExpected(ex, allowArgument: false))
        {
            return $"rejected: {ex.GetType().Name}";
        }

        // Accepted: the header must describe the file exactly, and a loader must read the first row back.
        if (dataOffset + (rows * rowBytes) != data.Length)
        {
            throw new HarnessCheckException($"accepted a file of {data.Length} bytes whose header says {dataOffset} + {rows} x {rowBytes} bytes.");
        }

        var options = new WindowLoaderOptions
        {
            Source = source,
            Window = 1,
            BatchSize = 1,
            Workers = 1,
            Rank = 0,
            WorldSize = 1,
            Sampler = SamplerKind.Sequential,
            Io = data.Length % 2 == 0 ? IoMode.Pread : IoMode.Mmap,
            MemoryBudget = (4 * rowBytes) + (1 << 20),
        };
        using var loader = new WindowReader(options);
        byte[] row = new byte[loader.WindowBytes];
        loader.ReadWindow(0, row);
        ReadOnlySpan<byte> fileRow = data.Slice((int)dataOffset, (int)rowBytes);
        int size = ElementTypeInfo.SizeOf(type);
        Span<byte> swapped = stackalloc byte[8];
        for (int i = 0; i < row.Length; i += size)
        {
            ReadOnlySpan<byte> expected = fileRow.Slice(i, size);
            expected.CopyTo(swapped);
            if (bigEndian)
            {
                swapped[..size].Reverse();
            }

            if (!row.AsSpan(i, size).SequenceEqual(swapped[..size]))
            {
                throw new HarnessCheckException($"row 0 byte {i}: expected {Convert.ToHexString(swapped[..size])}, read {Convert.ToHexString(row.AsSpan(i, size))} ({ArraySource.Describe(type, bigEndian)}).");
            }
        }

        return $"accepted: {ArraySource.Describe(type, bigEndian)} rows {rows} row bytes {rowBytes} ({BinaryPrimitives.ReadUInt16LittleEndian(data[6..]) & 0xFF}.x)";
    }
}
