using Microsoft.Win32.SafeHandles;
using WindowDataset.Formats;
using WindowDataset.Formats.Hdf5;
using WindowDataset.Sources;
using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Formats.Hdf5.Infrastructure;

/// <summary>The h5py-written fixtures of <c>Fixtures/hdf5/</c> (made by <c>make_hdf5_fixtures.py</c>) and helpers to read them whole.</summary>
public static class Hdf5Fixtures
{
    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "Fixtures", "hdf5");

    public static string Full(string file) => Path.Combine(Root, file);

    /// <summary>The .npy h5py wrote for <paramref name="dataset"/> of <paramref name="file"/>, or null when there is none.</summary>
    public static string? ExpectedPath(string file, string dataset)
    {
        string npy = Full($"{Path.GetFileNameWithoutExtension(file)}__{dataset.TrimStart('/').Replace('/', '_')}.npy");
        return File.Exists(npy) ? npy : null;
    }

    /// <summary>Every (file, dataset) pair with an expected .npy, for theories.</summary>
    public static TheoryData<string, string> ReadableDatasets()
    {
        var data = new TheoryData<string, string>();
        foreach (string path in Directory.EnumerateFiles(Root, "*.h5").Order(StringComparer.Ordinal))
        {
            string file = Path.GetFileName(path);
            foreach (string dataset in List(path))
            {
                if (ExpectedPath(file, dataset) is not null)
                {
                    data.Add(file, dataset);
                }
            }
        }

        return data;
    }

    public static IReadOnlyList<string> List(string path)
    {
        using SafeFileHandle handle = File.OpenHandle(path);
        return Hdf5File.Open(path, handle, RandomAccess.GetLength(handle)).Datasets;
    }

    /// <summary>numpy's expected array: element type, byte order, shape and the raw data bytes in stored byte order.</summary>
    public static (ElementType Type, bool BigEndian, long[] Shape, byte[] Data) Expected(string npyPath)
    {
        using SafeFileHandle handle = File.OpenHandle(npyPath);
        long length = RandomAccess.GetLength(handle);
        NpyHeader header = NpyHeader.Read(npyPath, handle, length);
        byte[] data = new byte[length - header.DataOffset];
        RandomAccess.Read(handle, data, header.DataOffset);
        return (header.ElementType, header.BigEndian, header.Shape, data);
    }

    /// <summary>Opens <paramref name="path"/>, describes <paramref name="dataset"/> and reads the whole array (contiguous bytes, or every chunk plus fill).</summary>
    internal static (ArrayDescription Description, byte[] Data) ReadAll(string path, string? dataset)
    {
        using SafeFileHandle handle = File.OpenHandle(path);
        long length = RandomAccess.GetLength(handle);
        Hdf5File file = Hdf5File.Open(path, handle, length);
        ArrayDescription d = file.Describe(dataset);
        return (d, Materialize(handle, d));
    }

    internal static byte[] Materialize(SafeFileHandle handle, ArrayDescription d)
    {
        int size = ElementTypeInfo.SizeOf(d.Type);
        long total = size;
        foreach (long s in d.Shape)
        {
            total *= s;
        }

        byte[] output = new byte[total];
        if (d.DataOffset >= 0)
        {
            Assert.Null(d.Chunks);
            int got = RandomAccess.Read(handle, output, d.DataOffset);
            Assert.Equal(total, got);
            return output;
        }

        Assert.Equal(d.Shape, d.Chunks!.Shape);
        return ChunkAssembly.Materialize(d.Chunks);
    }
}
