namespace WindowDataset.Cli.Benchmarks;

/// <summary>The windows every method of one configuration reads: the loader's starts, located in the files (file dtype, no conversion).</summary>
internal sealed class WindowPlan
{
    public WindowPlan(ArrayInfo info, int window, int batchSize, int buffers, long[] starts)
    {
        Starts = starts;
        BatchSize = batchSize;
        Buffers = buffers;
        Chunked = info.Shards.Any(s => s.DataOffset < 0);
        Remote = info.Shards.Any(s => s.Path.Contains("://", StringComparison.Ordinal));
        Paths = Remote ? [] : [.. info.Shards.SelectMany<ShardInfo, string>(s => Directory.Exists(s.Path) ? Directory.EnumerateFiles(s.Path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal) : [s.Path])];
        FileWindowBytes = checked(window * info.RowBytes);
        Shard = new int[starts.Length];
        Offset = new long[starts.Length];
        IReadOnlyList<ShardInfo> shards = info.Shards;
        for (int i = 0; i < starts.Length; i++)
        {
            long start = starts[i];
            int s = 0;
            while (s + 1 < shards.Count && shards[s + 1].FirstRow <= start)
            {
                s++;
            }

            Shard[i] = s;
            Offset[i] = Chunked ? -1 : shards[s].DataOffset + ((start - shards[s].FirstRow) * info.RowBytes);
        }

        DataBytes = info.Shards.Sum(s => s.Rows * info.RowBytes);
    }

    public long[] Starts { get; }

    /// <summary>A chunked source (HDF5 chunked or compact, Zarr): windows have no file offset, so the raw-read baselines do not apply and warming reads whole files.</summary>
    public bool Chunked { get; }

    /// <summary>A source by URL: nothing local to warm or evict; its baselines are ranged GETs (one at a time, and in parallel).</summary>
    public bool Remote { get; }

    /// <summary>Windows per destination buffer: baselines write into a batch-sized buffer, as the loader does, not into one cache-resident window.</summary>
    public int BatchSize { get; }

    /// <summary>Batch buffers a baseline rotates through: as many as the loader holds.</summary>
    public int Buffers { get; }

    /// <summary>Windows a baseline's destination holds: <see cref="Buffers"/> batches, written round-robin like the loader's pool.</summary>
    public int DestinationWindows => BatchSize * Buffers;

    /// <summary>Bytes of a baseline's destination.</summary>
    public long DestinationBytes => DestinationWindows * FileWindowBytes;

    /// <summary>Every file the source reads (a Zarr store's chunk files too): what cold runs evict and warm runs read.</summary>
    public string[] Paths { get; }

    /// <summary>Bytes of one window in the file.</summary>
    public long FileWindowBytes { get; }

    /// <summary>Shard of each window.</summary>
    public int[] Shard { get; }

    /// <summary>File offset of each window in its shard.</summary>
    public long[] Offset { get; }

    /// <summary>Data bytes over all shards.</summary>
    public long DataBytes { get; }

    public int Count => Starts.Length;

    public long TotalFileBytes => Count * FileWindowBytes;
}
