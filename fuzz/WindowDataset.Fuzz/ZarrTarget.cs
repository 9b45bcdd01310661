using WindowDataset.Formats;
using WindowDataset.Formats.Zarr;

namespace WindowDataset.Fuzz;

/// <summary>
/// The bytes are Zarr array metadata, optionally followed by a 0x00 byte and the contents of chunk (0, ..., 0) (the
/// first shard, when sharded). The metadata is written as <c>zarr.json</c> when it mentions <c>node_type</c>, else as
/// <c>.zarray</c>, and opened with <see cref="ZarrStore.Open(string, string?)"/>; when accepted and the chunk is small, the chunk is
/// decoded. Only <see cref="InvalidDataException"/> and <see cref="NotSupportedException"/> are expected failures
/// (and <see cref="ArgumentException"/> from opening: group metadata with no array in it).
/// </summary>
internal sealed class ZarrTarget : FuzzTarget
{
    private const long MaxFuzzChunkBytes = 16L << 20;

    public ZarrTarget()
        : base("zarr")
    {
    }

    public override string Run(ReadOnlySpan<byte> data)
    {
        int split = data.IndexOf((byte)0);
        ReadOnlySpan<byte> metadata = split < 0 ? data : data[..split];
        ReadOnlySpan<byte> chunk = split < 0 ? [] : data[(split + 1)..];
        string store = Path.Combine(WorkDirectory, "input.zarr");
        if (Directory.Exists(store))
        {
            Directory.Delete(store, recursive: true);
        }

        Directory.CreateDirectory(store);
        bool v3 = metadata.IndexOf("node_type"u8) >= 0;
        string metadataPath = Path.Combine(store, v3 ? "zarr.json" : ".zarray");
        File.WriteAllBytes(metadataPath, metadata.ToArray());

        ArrayDescription description;
        try
        {
            description = ZarrStore.Open(store, null);
        }
        catch (Exception ex) when (IsExpected(ex, allowArgument: true) || ex is NotSupportedException)
        {
            return $"rejected: {ex.GetType().Name}";
        }

        var array = (ZarrArray)description.Chunks!;
        using (array)
        {
            if (description.DataOffset != -1 || description.Shape.Length != array.ChunkShape.Length)
            {
                throw new HarnessCheckException($"accepted metadata with data offset {description.DataOffset} and rank {description.Shape.Length} / {array.ChunkShape.Length}.");
            }

            bool empty = false;
            foreach (long g in array.GridShape)
            {
                empty |= g == 0;
            }

            if (empty || array.ChunkBytes > MaxFuzzChunkBytes || split < 0)
            {
                return $"accepted: {description.Format} (chunk not read)";
            }

            var zero = new long[array.Shape.Length];
            string file = array.ChunkFile(zero);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllBytes(file, chunk.ToArray());
            byte[] buffer = new byte[array.ChunkBytes];
            try
            {
                bool written = array.TryReadChunk(zero, buffer);
                return $"accepted: {description.Format}; chunk {(written ? "decoded" : "unwritten")}";
            }
            catch (Exception ex) when (IsExpected(ex, allowArgument: false) || ex is NotSupportedException)
            {
                if (!ex.Message.Contains(store, StringComparison.Ordinal))
                {
                    throw new HarnessCheckException($"chunk error without the store path: {ex.Message}", ex);
                }

                return $"accepted: {description.Format}; chunk rejected: {ex.GetType().Name}";
            }
        }
    }
}
