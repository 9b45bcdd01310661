using System.Buffers.Binary;
using System.Text;

namespace WindowDataset.Tests.Inputs.Infrastructure;

/// <summary>The aligned-input fixtures written by Fixtures/inputs/make.py, and numpy's expected windows.</summary>
public static class InputFixtures
{
    public const int Window = 5;

    public static string Full(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "inputs", name);

    /// <summary>x float64 (48, 4) in two .npy shards, cov int16 (48, 2, 3) in two others, y float32 (48,) as Zarr.</summary>
    public static List<InputOptions> Three(bool hdf5Cov = false) =>
    [
        InputOptions.FromPaths("x", Full("x_0.npy"), Full("x_1.npy")),
        hdf5Cov ? new InputOptions { Name = "cov", Paths = [Full("cov.h5")], Dataset = "/cov" } : InputOptions.FromPaths("cov", Full("cov_0.npy"), Full("cov_1.npy")),
        InputOptions.FromPaths("y", Full("y.zarr")),
    ];

    public static WindowLoaderOptions Options(int batch = 4, bool hdf5Cov = false) => new()
    {
        Inputs = Three(hdf5Cov),
        Window = Window,
        BatchSize = batch,
        Sampler = SamplerKind.Sequential,
        Workers = 2,
    };

    /// <summary>The C-order data bytes of a little-endian .npy fixture and its first dimension.</summary>
    public static (long Rows, byte[] Data) Npy(string name)
    {
        byte[] file = File.ReadAllBytes(Full(name));
        int major = file[6];
        int headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(8)) : (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(8));
        int dataStart = (major == 1 ? 10 : 12) + headerLength;
        string header = Encoding.ASCII.GetString(file, major == 1 ? 10 : 12, headerLength);
        int open = header.IndexOf("'shape': (", StringComparison.Ordinal) + 10;
        string first = header[open..].Split(',', ')')[0];
        return (long.Parse(first, System.Globalization.CultureInfo.InvariantCulture), file[dataStart..]);
    }

    public static long[] Starts(string name)
    {
        (long rows, byte[] data) = Npy(name);
        long[] starts = new long[rows];
        for (int i = 0; i < rows; i++)
        {
            starts[i] = BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(i * 8));
        }

        return starts;
    }

    /// <summary>Item <paramref name="index"/> (one window) of an expected (S, ...) array.</summary>
    public static ReadOnlySpan<byte> Item(byte[] data, long rows, long index)
    {
        int itemBytes = (int)(data.Length / rows);
        return data.AsSpan((int)(index * itemBytes), itemBytes);
    }
}
