using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Reliability;

/// <summary>The source file is truncated or replaced while a loader has it open.</summary>
[Collection(ReliabilityCollection.Name)]
public sealed class FileFaultTests : IDisposable
{
    private const int Cols = 4;
    private const int RowBytes = Cols * sizeof(double);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(IoMode.Pread)]
    [InlineData(IoMode.Mmap)]
    public void ReadEpoch_FileTruncatedDuringEpoch_ThrowsIOExceptionNamingFileAndOffsetAndLoaderLivesOn(IoMode io)
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 400, Cols);
        // One worker, two buffers: while the consumer holds batch 0, at most batch 1 is gathered ahead.
        WindowLoaderOptions options = TestArrays.Options(path, window: 4, batch: 2);
        options.Io = io;
        options.Workers = 1;
        options.Prefetch = 1;
        options.Starts = [0, 1, 2, 3, 4, 5, 300, 301, 6, 7];
        var allocator = new TrackingAllocator();
        var loader = new WindowLoader(options, allocator);
        Assert.Equal(2, loader.BufferCount);
        long dataOffset = loader.Info.Shards[0].DataOffset;

        var delivered = new List<long>();
        IOException ex;
        using (IEnumerator<WindowBatch> e = loader.Read(ReadRange.ForEpoch(0)).GetEnumerator())
        {
            Assert.True(e.MoveNext());
            delivered.Add(e.Current.Index);
            ReliabilityChecks.Truncate(path, dataOffset + (100 * RowBytes)); // rows 100..399 are gone
            ex = Assert.Throws<IOException>(() =>
            {
                while (e.MoveNext())
                {
                    ReliabilityChecks.AssertContent(e.Current, Cols);
                    delivered.Add(e.Current.Index);
                }
            });
        }

        Assert.Equal([0L, 1, 2], delivered);
        Assert.Contains(path, ex.Message);
        Assert.Contains("start row 300 (epoch 0, batch 3)", ex.Message);
        Assert.Contains($"offset {dataOffset + (300 * RowBytes)}", ex.Message);
        Assert.Equal(0, loader.Pool.Outstanding);
        ReliabilityChecks.AssertNoWorkerThreads();

        // The loader (and the process) live on: windows still inside the file read correctly.
        int n = 0;
        foreach (WindowBatch batch in loader.Read(ReadRange.ForBatches(1, 0, 3)))
        {
            ReliabilityChecks.AssertContent(batch, Cols);
            n++;
        }

        Assert.Equal(3, n);
        loader.Dispose();
        Assert.Equal(0, allocator.Live);
        ReliabilityChecks.AssertNoWorkerThreads();
    }

    [Theory]
    [InlineData(IoMode.Pread, 1)]
    [InlineData(IoMode.Pread, 2)]
    [InlineData(IoMode.Pread, 3)]
    [InlineData(IoMode.Pread, 8)]
    [InlineData(IoMode.Mmap, 1)]
    [InlineData(IoMode.Mmap, 4)]
    [InlineData(IoMode.Mmap, 8)]
    public void ReadEpoch_FileTruncatedBeforeEpoch_DeliversEarlierBatchesInOrderThenFailsAtTheFirstBadOne(IoMode io, int workers)
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 400, Cols);
        WindowLoaderOptions options = TestArrays.Options(path, window: 5, batch: 3);
        options.Io = io;
        options.Workers = workers;
        var starts = new List<long>();
        for (int i = 0; i < 36; i++)
        {
            starts.Add(i == 22 ? 350 : i); // batch 7 holds the only window past the cut
        }

        options.Starts = starts;
        var allocator = new TrackingAllocator();
        using (var loader = new WindowLoader(options, allocator))
        {
            ReliabilityChecks.Truncate(path, loader.Info.Shards[0].DataOffset + (200 * RowBytes));
            var delivered = new List<long>();
            var ex = Assert.Throws<IOException>(() =>
            {
                foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
                {
                    ReliabilityChecks.AssertContent(batch, Cols);
                    delivered.Add(batch.Index);
                }
            });
            Assert.Equal([0L, 1, 2, 3, 4, 5, 6], delivered);
            Assert.Contains("start row 350 (epoch 0, batch 7)", ex.Message);
            Assert.Contains(path, ex.Message);
            Assert.Equal(0, loader.Pool.Outstanding);
        }

        Assert.Equal(0, allocator.Live);
        ReliabilityChecks.AssertNoWorkerThreads();
    }

    [Theory]
    [InlineData(IoMode.Pread)]
    [InlineData(IoMode.Mmap)]
    public void ReadEpoch_FileReplacedByRename_KeepsReadingTheFileItOpened(IoMode io)
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 300, Cols);
        WindowLoaderOptions options = TestArrays.Options(path, window: 4, batch: 4);
        options.Io = io;
        using var loader = new WindowLoader(options);
        int n = 0;
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            if (n++ == 2)
            {
                // Another process writes a new version and renames it over the old one (the usual atomic update).
                string replacement = TestArrays.WriteNpyShard(_dir.File("b.npy"), 5000, 300, Cols);
                File.Move(replacement, path, overwrite: true);
            }

            ReliabilityChecks.AssertContent(batch, Cols);
        }

        Assert.Equal(loader.BatchesPerEpoch, n);
    }

    [Fact]
    public void WindowReaderReadWindow_FileTruncated_ThrowsIOExceptionNamingFileAndOffset()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 100, Cols);
        using var loader = new WindowReader(TestArrays.Options(path, window: 4));
        long dataOffset = loader.Info.Shards[0].DataOffset;
        ReliabilityChecks.Truncate(path, dataOffset + (10 * RowBytes) + 3);
        byte[] window = new byte[loader.WindowBytes];
        loader.ReadWindow(6, window); // rows 6..9 are still there
        Assert.Equal(TestArrays.ExpectedWindow(6, 4, Cols), ReliabilityChecks.AsDoubles(window));
        var ex = Assert.Throws<IOException>(() => loader.ReadWindow(8, window));
        Assert.Contains(path, ex.Message);
        Assert.Contains($"offset {dataOffset + (8 * RowBytes)}", ex.Message);
        Assert.Contains("after 67 bytes", ex.Message); // rows 8, 9 and the 3 bytes of row 10 that remain
    }
}
