using WindowDataset.Tests.Formats.Hdf5.Infrastructure;
using WindowDataset.Tests.Formats.Zarr.Infrastructure;

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

    public static TheoryData<string, string> ZarrArrays => ZarrFixtures.Readable();

    [Theory]
    [MemberData(nameof(ZarrArrays))]
    public void ReadWindow_EveryStartOfAZarrArray_EqualsNumpysCopy(string version, string name)
    {
        System.Text.Json.JsonElement entry = ZarrFixtures.Entry(version, "readable", name);
        string array = entry.GetProperty("array").GetString()!;
        AssertSameWindows(
            new SourceOptions { Paths = [ZarrFixtures.Full(entry.GetProperty("path").GetString()!)], Dataset = array.Length == 0 ? null : array },
            SourceOptions.FromPaths(ZarrFixtures.Full(entry.GetProperty("expected").GetString()!)));
    }

    [Theory]
    [InlineData("v2", "default")]
    [InlineData("v3", "shard_end")]
    public void Read_PipelinedEpochOverZarr_DeliversEveryWindowOfNumpysCopy(string version, string name)
    {
        System.Text.Json.JsonElement entry = ZarrFixtures.Entry(version, "readable", name);
        var options = new WindowLoaderOptions
        {
            Source = SourceOptions.FromPaths(ZarrFixtures.Full(entry.GetProperty("path").GetString()!)),
            Window = 4,
            BatchSize = 3,
            Workers = 3,
            Seed = 5,
            OutputType = ElementType.Float32,
        };
        var reference = options.Clone();
        reference.Source = SourceOptions.FromPaths(ZarrFixtures.Full(entry.GetProperty("expected").GetString()!));
        AssertSameEpoch(options, reference);
    }

    [Fact]
    public void Read_ShuffleBlockOverChunkedHdf5_CoversTheEpochAndDecodesEachChunkAboutOnce()
    {
        var options = new WindowLoaderOptions
        {
            Source = new SourceOptions { Paths = [Hdf5Fixtures.Full("gzip_shuffle.h5")], Dataset = "/data" },
            Window = 4,
            BatchSize = 8,
            Workers = 2,
            ShuffleBlock = new ShuffleBlockOptions { Chunks = 2 },
        };
        using var loader = new WindowLoader(options);
        var seen = new List<long>();
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            using (batch)
            {
                seen.AddRange(batch.Starts.ToArray());
            }
        }

        Assert.Equal(loader.ValidStarts, seen.Count);
        Assert.Equal(loader.ValidStarts, seen.Distinct().Count());
        WindowLoaderOptions plainOptions = options.Clone();
        plainOptions.ShuffleBlock = null;
        using var plain = new WindowLoader(plainOptions);
        Assert.NotEqual(seen.Take(16), plain.GetStarts(0, 0).Concat(plain.GetStarts(0, 1)).Take(16));

        // Every window of a set of 2 chunk blocks starts inside those blocks: the first set's starts span at most 2 blocks.
        long chunkRows = 64;
        Assert.True(seen.Take(2 * (int)chunkRows).Select(s => s / chunkRows).Distinct().Count() <= 2);
    }

    [Fact]
    public void ShuffleBlock_FlatSourceWithoutRows_IsRefusedWithTheReason()
    {
        string npy = Hdf5Fixtures.ExpectedPath("gzip_shuffle.h5", "/data")!;
        var options = new WindowLoaderOptions { Source = SourceOptions.FromPaths(npy), Window = 4, ShuffleBlock = new ShuffleBlockOptions() };
        var error = Assert.Throws<ArgumentException>(() => new WindowLoader(options));
        Assert.Contains("shuffleBlock.rows: expected a block height for a source without chunks", error.Message);
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
