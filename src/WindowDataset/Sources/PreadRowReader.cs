using WindowDataset.Conversion;
using WindowDataset.Interop;

namespace WindowDataset.Sources;

/// <summary>Positional reads (<see cref="RandomAccess.Read(Microsoft.Win32.SafeHandles.SafeFileHandle, Span{byte}, long)"/>) straight into the batch buffer.</summary>
internal sealed class PreadRowReader : RowReader
{
    public PreadRowReader(ArraySource source, ElementType outputType, PageCachePolicy pageCache, RowTransform? transform = null)
        : base(source, outputType, pageCache, transform)
    {
        foreach (ShardFile shard in source.Shards)
        {
            if (shard.IsFlat)
            {
                LibC.AdviseFile(shard.FlatHandle, 0, 0, LibC.FadvRandom);
            }
        }
    }

    /// <summary>Converted reads go through scratch in pieces of about this many bytes, so each piece is converted while it is still in the CPU cache.</summary>
    private const int ConvertChunkBytes = 64 << 10;

    public override void Read(int shard, long row, int rows, Span<byte> destination, Span<byte> scratch)
    {
        if (!Direct && rows * Source.RowBytes > ConvertChunkBytes)
        {
            int chunkRows = (int)Math.Max(1, ConvertChunkBytes / Source.RowBytes);
            int outRow = (int)OutputRowBytes;
            for (int done = 0; done < rows; done += chunkRows)
            {
                int n = Math.Min(chunkRows, rows - done);
                ReadRun(shard, row + done, n, destination.Slice(done * outRow, n * outRow), scratch);
            }

            return;
        }

        ReadRun(shard, row, rows, destination, scratch);
    }

    private void ReadRun(int shard, long row, int rows, Span<byte> destination, Span<byte> scratch)
    {
        ShardFile file = Source.Shards[shard];
        long offset = file.DataOffset + (row * Source.RowBytes);
        int fileBytes = checked((int)(rows * Source.RowBytes));
        Span<byte> target = Direct ? destination[..fileBytes] : scratch[..fileBytes];
        int total = 0;
        while (total < fileBytes)
        {
            int n = RandomAccess.Read(file.FlatHandle, target[total..], offset + total);
            if (n == 0)
            {
                long now = RandomAccess.GetLength(file.FlatHandle);
                throw new IOException(
                    $"{file.Path}: expected {fileBytes} bytes at offset {offset} (rows {row}..{row + rows - 1}); found end of file after {total} bytes: the file is {now} bytes now, {file.FileLength} when opened (truncated while in use?).");
            }

            total += n;
        }

        if (!Direct)
        {
            ConvertInto(target, target, destination);
        }

        if (PageCache == PageCachePolicy.DropAfterRead)
        {
            LibC.AdviseFile(file.FlatHandle, offset, fileBytes, LibC.FadvDontNeed);
        }
    }

    public override void WillNeed(int shard, long row, int rows)
    {
        ShardFile file = Source.Shards[shard];
        LibC.AdviseFile(file.FlatHandle, file.DataOffset + (row * Source.RowBytes), rows * Source.RowBytes, LibC.FadvWillNeed);
    }

    public override void Dispose()
    {
    }
}
