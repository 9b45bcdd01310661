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

    /// <summary>
    /// A v3 store of one (rows, columns) float32 shard of inner chunks of <paramref name="innerRows"/> whole rows
    /// (uncompressed, index at the end, no checksum), element (r, c) = r * columns + c; returns the store's directory.
    /// </summary>
    public static string ShardedFloat32(string directory, int rows, int columns, int innerRows)
    {
        Directory.CreateDirectory(Path.Combine(directory, "c", "0"));
        File.WriteAllText(Path.Combine(directory, "zarr.json"), string.Create(CultureInfo.InvariantCulture,
            $$$"""{"zarr_format": 3, "node_type": "array", "shape": [{{{rows}}}, {{{columns}}}], "data_type": "float32", "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [{{{rows}}}, {{{columns}}}]}}, "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}}, "fill_value": 0.0, "codecs": [{"name": "sharding_indexed", "configuration": {"chunk_shape": [{{{innerRows}}}, {{{columns}}}], "codecs": [{"name": "bytes", "configuration": {"endian": "little"}}], "index_codecs": [{"name": "bytes", "configuration": {"endian": "little"}}], "index_location": "end"}}]}"""));
        int inner = rows / innerRows;
        int innerBytes = innerRows * columns * 4;
        byte[] shard = new byte[(inner * innerBytes) + (inner * 16)];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(shard.AsSpan(((r * columns) + c) * 4), (r * columns) + c);
            }
        }

        for (int i = 0; i < inner; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(shard.AsSpan((inner * innerBytes) + (16 * i)), (ulong)(i * innerBytes));
            BinaryPrimitives.WriteUInt64LittleEndian(shard.AsSpan((inner * innerBytes) + (16 * i) + 8), (ulong)innerBytes);
        }

        File.WriteAllBytes(Path.Combine(directory, "c", "0", "0"), shard);
        return directory;
    }
}
