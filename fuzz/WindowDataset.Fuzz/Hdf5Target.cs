using Microsoft.Win32.SafeHandles;
using WindowDataset.Formats;
using WindowDataset.Formats.Hdf5;
using WindowDataset.Sources;

namespace WindowDataset.Fuzz;

/// <summary>
/// The bytes are a whole HDF5 file. It is opened with <see cref="Hdf5File.Open(string, Microsoft.Win32.SafeHandles.SafeFileHandle, long)"/> (superblock, object headers, group
/// B-trees, heaps), every dataset is described (datatype, dataspace, layout, filters, chunk index), a contiguous
/// dataset's range is checked against the file, and the first chunks of a chunked one are decoded. Only
/// <see cref="InvalidDataException"/> and <see cref="NotSupportedException"/> are expected failures. Seed the corpus
/// with the fixtures of tests/WindowDataset.Tests/Fixtures/hdf5/*.h5.
/// </summary>
internal sealed class Hdf5Target : FuzzTarget
{
    private const int MaxChunksDecoded = 8;
    private const long MaxChunkBytesDecoded = 16 << 20;

    public Hdf5Target()
        : base("hdf5")
    {
    }

    public override string Run(ReadOnlySpan<byte> data)
    {
        string path = WriteInput("input.h5", data);
        using SafeFileHandle handle = File.OpenHandle(path);
        Hdf5File file;
        try
        {
            file = Hdf5File.Open(path, handle, data.Length);
        }
        catch (Exception ex) when (Expected(ex))
        {
            return $"rejected: {ex.GetType().Name}";
        }

        int described = 0, refused = 0, chunks = 0;
        foreach (string name in file.Datasets)
        {
            ArrayDescription d;
            try
            {
                d = file.Describe(name);
            }
            catch (Exception ex) when (Expected(ex))
            {
                refused++;
                continue;
            }

            described++;
            long bytes = ElementTypeInfo.SizeOf(d.Type);
            foreach (long s in d.Shape)
            {
                bytes = s == 0 ? 0 : Math.Min(bytes * s, long.MaxValue / 4);
            }

            if (d.DataOffset >= 0 && d.DataOffset + bytes > data.Length)
            {
                throw new HarnessCheckException($"{name}: accepted contiguous data of {bytes} bytes at {d.DataOffset} in a file of {data.Length} bytes.");
            }

            if (d.Chunks is not null)
            {
                chunks += Decode(d.Chunks);
            }
        }

        return $"accepted: {file.Datasets.Count} datasets, {described} described, {refused} refused, {chunks} chunks decoded";
    }

    private static int Decode(ChunkedArray array)
    {
        if (array.ChunkBytes > MaxChunkBytesDecoded)
        {
            return 0;
        }

        byte[] buffer = new byte[array.ChunkBytes];
        var coords = new long[array.Shape.Length];
        int decoded = 0;
        for (int n = 0; n < MaxChunksDecoded; n++)
        {
            long rest = n;
            for (int i = coords.Length - 1; i >= 0; i--)
            {
                if (array.GridShape[i] == 0)
                {
                    return decoded;
                }

                coords[i] = rest % array.GridShape[i];
                rest /= array.GridShape[i];
            }

            if (rest != 0)
            {
                break;
            }

            try
            {
                decoded += array.TryReadChunk(coords, buffer) ? 1 : 0;
            }
            catch (InvalidDataException ex) when (!string.IsNullOrWhiteSpace(ex.Message))
            {
            }
        }

        return decoded;
    }

    private static bool Expected(Exception ex) =>
        (IsExpected(ex, allowArgument: false) || ex is NotSupportedException) && !string.IsNullOrWhiteSpace(ex.Message);
}
