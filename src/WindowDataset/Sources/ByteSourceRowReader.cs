namespace WindowDataset.Sources;

/// <summary>Reads runs of rows of flat shards whose bytes come from a <see cref="ByteSource"/> (remote objects); local shards go to <see cref="Local"/>.</summary>
internal sealed class ByteSourceRowReader : RowReader
{
    public ByteSourceRowReader(ArraySource source, ElementType outputType, PageCachePolicy pageCache, RowReader local)
        : base(source, outputType, pageCache, local.Transform)
    {
        Local = local;
    }

    public RowReader Local { get; }

    public override long ScratchBytes(long rows) => Math.Max(Local.ScratchBytes(rows), Direct ? 0 : rows * Source.RowBytes);

    public override void Read(int shard, long row, int rows, Span<byte> destination, Span<byte> scratch)
    {
        ShardFile file = Source.Shards[shard];
        if (file.Bytes is not { } bytes)
        {
            Local.Read(shard, row, rows, destination, scratch);
            return;
        }

        long offset = file.DataOffset + (row * Source.RowBytes);
        int fileBytes = checked((int)(rows * Source.RowBytes));
        Span<byte> target = Direct ? destination[..fileBytes] : scratch[..fileBytes];
        bytes.ReadExactly(offset, target);
        if (!Direct)
        {
            ConvertInto(target, target, destination);
        }
    }

    public override void WillNeed(int shard, long row, int rows)
    {
        ShardFile file = Source.Shards[shard];
        if (file.Bytes is { } bytes)
        {
            bytes.WillNeed(file.DataOffset + (row * Source.RowBytes), rows * Source.RowBytes);
        }
        else
        {
            Local.WillNeed(shard, row, rows);
        }
    }

    public override void Dispose() => Local.Dispose();
}
