using WindowDataset.Tests.Formats.Hdf5.Infrastructure;

namespace WindowDataset.Tests.Formats;

/// <summary>
/// HDF5 and Zarr sources through the whole loader: every window equals the same window of numpy's own copy of the
/// array (the expected .npy next to each fixture, read by the .npy path that is tested bit for bit against numpy).
/// </summary>
public sealed class ChunkedSourceLoaderTests
{
    public static TheoryData<string, string> Hdf5Datasets => Hdf5Fixtures.ReadableDatasets();

    [Theory]
    [MemberData(nameof(Hdf5Datasets))]
    public void ReadWindow_EveryStartOfAnHdf5Dataset_EqualsNumpysCopy(string file, string dataset)
    {
        string expected = Hdf5Fixtures.ExpectedPath(file, dataset)!;
        AssertSameWindows(
            new SourceOptions { Paths = [Hdf5Fixtures.Full(file)], Dataset = dataset },
            SourceOptions.FromPaths(expected));
    }

    [Theory]
    [InlineData("chunked.h5", "/gzip")]
    [InlineData("chunked.h5", "/both_axes")]
    [InlineData("latest.h5", "/extensible_gzip")]
    [InlineData("gzip_shuffle.h5", "/data")]
    public void Read_PipelinedEpochOverChunkedHdf5_DeliversEveryWindowOfNumpysCopy(string file, string dataset)
    {
        string expected = Hdf5Fixtures.ExpectedPath(file, dataset)!;
        var options = new WindowLoaderOptions
        {
            Source = new SourceOptions { Paths = [Hdf5Fixtures.Full(file)], Dataset = dataset },
            Window = 3,
            BatchSize = 5,
            Workers = 3,
            Seed = 11,
            OutputType = ElementType.Float64,
        };
        var reference = options.Clone();
        reference.Source = SourceOptions.FromPaths(expected);
        AssertSameEpoch(options, reference);
    }

    [Fact]
    public void GetStatistics_ChunkedSource_ReportsChunkHitsMissesAndAmplification()
    {
        var options = new WindowLoaderOptions
        {
            Source = new SourceOptions { Paths = [Hdf5Fixtures.Full("gzip_shuffle.h5")], Dataset = "/data" },
            Window = 4,
            BatchSize = 8,
            Workers = 2,
        };
        using var loader = new WindowLoader(options);
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            batch.Dispose();
        }

        LoaderStatistics stats = loader.GetStatistics();
        Assert.True(stats.ChunkMisses > 0);
        Assert.True(stats.ChunkHits > 0);
        Assert.True(stats.ChunkBytesDecoded > 0);
        Assert.True(stats.ChunkCacheBytes > 0);
        Assert.Equal((double)stats.ChunkBytesDecoded / stats.Bytes, stats.ReadAmplification, 9);
    }

    [Fact]
    public void WindowLoader_BudgetBelowBatchesAndChunkCache_SaysHowTheBudgetIsSplit()
    {
        var options = new WindowLoaderOptions
        {
            Source = new SourceOptions { Paths = [Hdf5Fixtures.Full("gzip_shuffle.h5")], Dataset = "/data" },
            Window = 4,
            BatchSize = 8,
            Workers = 2,
            MemoryBudget = 1024,
        };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new WindowLoader(options));
        Assert.Contains("memoryBudget: expected at least", error.Message);
        Assert.Contains("2 batches of", error.Message);
        Assert.Contains("chunk cache of", error.Message);
    }

    [Fact]
    public void WindowLoader_ChunkCacheBelowOneChunkPerWorker_IsRefused()
    {
        var options = new WindowLoaderOptions
        {
            Source = new SourceOptions { Paths = [Hdf5Fixtures.Full("gzip_shuffle.h5")], Dataset = "/data" },
            Window = 4,
            Workers = 4,
            ChunkCache = 1,
        };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new WindowLoader(options));
        Assert.Contains("chunkCache: expected at least", error.Message);
    }

    [Fact]
    public void ReadWindow_Hdf5FilesAsShards_EqualNumpyShards()
    {
        string h5 = Hdf5Fixtures.Full("chunked.h5");
        string npy = Hdf5Fixtures.ExpectedPath("chunked.h5", "/gzip")!;
        AssertSameWindows(
            new SourceOptions { Paths = [h5, h5], Dataset = "/gzip" },
            SourceOptions.FromPaths(npy, npy));
    }

    [Fact]
    public void WindowReader_DatasetOnAnNpySource_IsRefused()
    {
        string npy = Hdf5Fixtures.ExpectedPath("chunked.h5", "/gzip")!;
        var error = Assert.Throws<ArgumentException>(() => new WindowReader(new WindowLoaderOptions { Source = new SourceOptions { Paths = [npy], Dataset = "/x" }, Window = 2 }));
        Assert.Contains("source.dataset: expected only for HDF5 or Zarr sources", error.Message);
    }

    [Fact]
    public void WindowReader_Hdf5FileWithSeveralDatasetsAndNoName_ListsThem()
    {
        var error = Assert.Throws<ArgumentException>(() => new WindowReader(new WindowLoaderOptions { Source = SourceOptions.FromPaths(Hdf5Fixtures.Full("chunked.h5")), Window = 2 }));
        Assert.Contains("chunked.h5", error.Message);
        Assert.Contains("/gzip", error.Message);
    }

    internal static void AssertSameWindows(SourceOptions actual, SourceOptions expected, int window = 2)
    {
        using var reader = new WindowReader(new WindowLoaderOptions { Source = actual, Window = window });
        using var reference = new WindowReader(new WindowLoaderOptions { Source = expected, Window = window });
        Assert.Equal(reference.ValidStarts, reader.ValidStarts);
        Assert.Equal(reference.OutputType, reader.OutputType);
        Assert.Equal(reference.RowShape, reader.RowShape);
        byte[] got = new byte[reader.WindowBytes];
        byte[] want = new byte[reference.WindowBytes];
        for (long i = 0; i < reference.Count; i++)
        {
            long start = reference.GetStart(i);
            Assert.Equal(start, reader.GetStart(i));
            reader.ReadWindow(start, got);
            reference.ReadWindow(start, want);
            Assert.True(want.AsSpan().SequenceEqual(got), $"window at start {start} differs");
        }
    }

    internal static void AssertSameEpoch(WindowLoaderOptions actual, WindowLoaderOptions expected)
    {
        using var loader = new WindowLoader(actual);
        using var reference = new WindowLoader(expected);
        using IEnumerator<WindowBatch> want = reference.Read(ReadRange.ForEpoch(0)).GetEnumerator();
        long batches = 0;
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            using (batch)
            {
                Assert.True(want.MoveNext());
                using WindowBatch w = want.Current;
                Assert.Equal(w.Starts.ToArray(), batch.Starts.ToArray());
                Assert.True(w.Data.SequenceEqual(batch.Data), $"batch {batch.Index} differs");
                batches++;
            }
        }

        Assert.False(want.MoveNext());
        Assert.Equal(reference.BatchesPerEpoch, batches);
    }
}
