using WindowDataset.Conversion;

namespace WindowDataset.Sources;

/// <summary>
/// Reads runs of consecutive rows of one shard into a batch buffer, converting from the file's element type and
/// byte order to the output type. Thread-safe: workers share one reader.
/// </summary>
internal abstract class RowReader : IDisposable
{
    protected RowReader(ArraySource source, ElementType outputType, PageCachePolicy pageCache, RowTransform? transform = null)
    {
        Source = source;
        OutputType = outputType;
        PageCache = pageCache;
        Transform = transform;
        Direct = transform is null && outputType == source.ElementType && !source.BigEndian;
        OutputRowBytes = source.RowElements * ElementTypeInfo.SizeOf(outputType);
    }

    public ArraySource Source { get; }

    public ElementType OutputType { get; }

    public PageCachePolicy PageCache { get; }

    /// <summary>The normalization or fill fused into the conversion (null: none).</summary>
    public RowTransform? Transform { get; }

    /// <summary>True when the file's bytes are the output bytes (same type, little-endian): no scratch needed.</summary>
    public bool Direct { get; }

    public long OutputRowBytes { get; }

    /// <summary>Scratch bytes a worker needs to read <paramref name="rows"/> rows (0 when <see cref="Direct"/>).</summary>
    public virtual long ScratchBytes(long rows) => Direct ? 0 : rows * Source.RowBytes;

    /// <summary>Reads rows [row, row + rows) of shard <paramref name="shard"/> into <paramref name="destination"/> (output layout).</summary>
    public abstract void Read(int shard, long row, int rows, Span<byte> destination, Span<byte> scratch);

    /// <summary>
    /// Reads like <see cref="Read"/> when the data is probably not in the page cache. The memory-map reader then
    /// uses one positional read instead of a page fault per 4 KiB page, each a separate synchronous disk read.
    /// </summary>
    public virtual void ReadUncached(int shard, long row, int rows, Span<byte> destination, Span<byte> scratch) =>
        Read(shard, row, rows, destination, scratch);

    /// <summary>Largest run of output bytes a dilated read fetches whole into scratch (see <see cref="ReadDilated"/>).</summary>
    public const long DilatedRunBytes = 256 << 10;

    /// <summary>Scratch bytes a worker needs for <see cref="ReadDilated"/> of <paramref name="rows"/> rows.</summary>
    public virtual long DilatedScratchBytes(int rows, int dilation)
    {
        if (dilation <= 1)
        {
            return ScratchBytes(rows);
        }

        long span = ((rows - 1L) * dilation) + 1;
        return ReadsRun(span, dilation) ? (span * OutputRowBytes) + ScratchBytes(span) : ScratchBytes(1);
    }

    /// <summary>Rows of the file one <see cref="ReadDilated"/> of <paramref name="rows"/> rows reads: the spanned run, or the rows alone.</summary>
    public long DilatedRowsRead(int rows, int dilation)
    {
        long span = ((rows - 1L) * dilation) + 1;
        return dilation > 1 && ReadsRun(span, dilation) ? span : rows;
    }

    /// <summary>
    /// Reads rows row, row + d, ..., row + (rows - 1) * d of shard <paramref name="shard"/> into consecutive rows of
    /// <paramref name="destination"/>. When the skipped rows are few bytes (d rows within a page) the whole spanned
    /// run is read into scratch and the rows picked: one read instead of one per row, which for pread is one system
    /// call instead of W; otherwise one read per row.
    /// </summary>
    public virtual void ReadDilated(int shard, long row, int rows, int dilation, Span<byte> destination, Span<byte> scratch)
    {
        if (dilation <= 1)
        {
            Read(shard, row, rows, destination, scratch);
            return;
        }

        int rowBytes = (int)OutputRowBytes;
        long span = ((rows - 1L) * dilation) + 1;
        if (ReadsRun(span, dilation))
        {
            int runBytes = (int)(span * rowBytes);
            Span<byte> run = scratch[..runBytes];
            Read(shard, row, (int)span, run, scratch[runBytes..]);
            for (int k = 0; k < rows; k++)
            {
                run.Slice(k * dilation * rowBytes, rowBytes).CopyTo(destination.Slice(k * rowBytes, rowBytes));
            }

            return;
        }

        for (int k = 0; k < rows; k++)
        {
            Read(shard, row + ((long)k * dilation), 1, destination.Slice(k * rowBytes, rowBytes), scratch);
        }
    }

    /// <summary>Tells the kernel these rows will be read soon.</summary>
    public abstract void WillNeed(int shard, long row, int rows);

    public static RowReader Create(ArraySource source, ElementType outputType, IoMode io, PageCachePolicy pageCache, RowTransform? transform = null)
    {
        RowReader local = io switch
        {
            IoMode.Mmap => new MmapRowReader(source, outputType, pageCache, transform),
            _ => new PreadRowReader(source, outputType, pageCache, transform),
        };

        foreach (ShardFile shard in source.Shards)
        {
            if (shard.Bytes is not null)
            {
                return new ByteSourceRowReader(source, outputType, pageCache, local);
            }
        }

        return local;
    }

    public abstract void Dispose();

    private bool ReadsRun(long span, int dilation) => dilation * Source.RowBytes <= 4096 && span * OutputRowBytes <= DilatedRunBytes;

    /// <summary>
    /// Byte-swaps and converts file bytes into the output layout, applying <see cref="Transform"/>; the first
    /// element is element <paramref name="firstElement"/> of its row (0 for whole rows).
    /// </summary>
    protected void ConvertInto(ReadOnlySpan<byte> fileBytes, Span<byte> scratchForSwap, Span<byte> destination, long firstElement = 0)
    {
        ReadOnlySpan<byte> little = fileBytes;
        if (Source.BigEndian)
        {
            if (!fileBytes.Overlaps(scratchForSwap))
            {
                fileBytes.CopyTo(scratchForSwap);
            }

            Span<byte> swapped = scratchForSwap[..fileBytes.Length];
            ElementConverter.SwapInPlace(swapped, ElementTypeInfo.SizeOf(Source.ElementType));
            little = swapped;
        }

        if (Transform is { } transform)
        {
            transform.Apply(little, Source.ElementType, destination, OutputType, firstElement);
            return;
        }

        ElementConverter.Convert(little, Source.ElementType, destination, OutputType);
    }
}
