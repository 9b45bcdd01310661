using System.Buffers.Binary;
using System.Globalization;

namespace WindowDataset.Tests.Remote.Infrastructure;

/// <summary>Writes small uncompressed Zarr v2 stores with many chunks (the fixtures have a handful), for read-ahead tests.</summary>
public static class ZarrStoreWriter
{
    /// <summary>
    /// A (rows, columns) float32 array chunked by <paramref name="chunkRows"/> whole rows, element (r, c) =
    /// r * columns + c + <paramref name="offset"/>; returns the store's directory.
    /// </summary>
    public static string Float32(string directory, int rows, int columns, int chunkRows, float offset = 0)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, ".zarray"), string.Create(CultureInfo.InvariantCulture,
            $"{{\"zarr_format\": 2, \"shape\": [{rows}, {columns}], \"chunks\": [{chunkRows}, {columns}], \"dtype\": \"<f4\", \"compressor\": null, \"fill_value\": 0.0, \"order\": \"C\", \"filters\": null}}"));
        for (int chunk = 0; chunk * chunkRows < rows; chunk++)
        {
            byte[] data = new byte[chunkRows * columns * 4];
            for (int r = 0; r < chunkRows && (chunk * chunkRows) + r < rows; r++)
            {
                for (int c = 0; c < columns; c++)
                {
                    float value = ((((long)chunk * chunkRows) + r) * columns) + c + offset;
                    BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(((r * columns) + c) * 4), value);
                }
            }

            File.WriteAllBytes(Path.Combine(directory, chunk.ToString(CultureInfo.InvariantCulture) + ".0"), data);
        }

        return directory;
    }
}
