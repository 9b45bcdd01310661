using System.Runtime.InteropServices;

namespace WindowDataset.Tests.Statistics.Infrastructure;

/// <summary>The fixtures of Fixtures/stats (written by its make.py) and a way to read any array whole.</summary>
internal static class StatsFixtures
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "stats");

    public static string File(string name) => Path.Combine(Directory, name);

    /// <summary>The data array of fixture <paramref name="name"/> (npy, or the HDF5 / Zarr ones).</summary>
    public static SourceOptions Source(string name) => name switch
    {
        "h5" => new SourceOptions { Paths = [File("h5.h5")], Dataset = "x" },
        "zarr" => SourceOptions.FromPaths(File("zarr.zarr")),
        _ => SourceOptions.FromPaths(File(name + ".npy")),
    };

    /// <summary>Every value of an array as float64, read through the loader as one window.</summary>
    public static double[] ReadAll(SourceOptions source) => MemoryMarshal.Cast<byte, double>(ReadAllBytes(new WindowLoaderOptions { Source = source, OutputType = ElementType.Float64 })).ToArray();

    /// <summary>The bytes of the whole array as one window with these options (window and starts are set here).</summary>
    public static byte[] ReadAllBytes(WindowLoaderOptions options)
    {
        long rows = ArrayInfo.Read(options.Source).Rows;
        options.Window = checked((int)rows);
        options.Starts = [0];
        using var reader = new WindowReader(options);
        byte[] bytes = new byte[reader.WindowBytes];
        reader.ReadWindow(0, bytes);
        return bytes;
    }

    /// <summary>The expected statistics numpy wrote: rows count, mean, std, min, max, nanCount, each one value per element.</summary>
    public static double[][] Expected(string name, long start, long end)
    {
        double[] all = ReadAll(SourceOptions.FromPaths(File($"{name}__{start}_{end}.expected.npy")));
        int elements = all.Length / 6;
        var rows = new double[6][];
        for (int i = 0; i < 6; i++)
        {
            rows[i] = all.AsSpan(i * elements, elements).ToArray();
        }

        return rows;
    }
}
