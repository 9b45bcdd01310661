using WindowDataset.Formats.Zarr;
using WindowDataset.Remote;
using WindowDataset.Sources;
using WindowDataset.Tests.Formats;
using WindowDataset.Tests.Formats.Zarr.Infrastructure;
using WindowDataset.Tests.Infrastructure;
using WindowDataset.Tests.Remote.Infrastructure;

namespace WindowDataset.Tests.Remote;

/// <summary>Zarr stores in an Azure container (Azurite) by <c>az://</c> URL: windows equal the local store's; groups are listed in the container.</summary>
[Collection(AzureCollection.Name)]
public sealed class AzureZarrTests(AzuriteFixture azure)
{
    [Theory]
    [InlineData("v2/default.zarr", null, "v2/default.npy")]
    [InlineData("v2/nested.zarr", null, "v2/nested.npy")]
    [InlineData("v2/fill_none.zarr", null, "v2/fill_none.npy")]
    [InlineData("v2/group.zarr", "grp/x", "v2/group.grp.x.npy")]
    [InlineData("v3/shard_end.zarr", null, "v3/shard_end.npy")]
    [InlineData("v3/shard_crc_inner.zarr", null, "v3/shard_crc_inner.npy")]
    [InlineData("v3/missing_nan.zarr", null, "v3/missing_nan.npy")]
    [InlineData("v3/group.zarr", "sub/x", "v3/group.sub.x.npy")]
    public void ReadWindow_StoreInAContainer_EqualsTheLocalStoreAndNumpysCopy(string store, string? dataset, string expected)
    {
        string url = Upload(store);
        var remote = new SourceOptions { Paths = [url], Dataset = dataset };
        ChunkedSourceLoaderTests.AssertSameWindows(remote, new SourceOptions { Paths = [ZarrFixtures.Full(store)], Dataset = dataset }, window: 3);
        ChunkedSourceLoaderTests.AssertSameWindows(remote, SourceOptions.FromPaths(ZarrFixtures.Full(expected)), window: 3);
    }

    [Theory]
    [InlineData("v2/group.zarr", "a, b, grp/x")]
    [InlineData("v3/group.zarr", "a, b, sub/x")]
    public void Open_GroupWithoutDataset_ListedInTheContainer(string store, string arrays)
    {
        string url = Upload(store);
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new WindowReader(new WindowLoaderOptions { Source = new SourceOptions { Paths = [url] }, Window = 2 }));
        Assert.Contains($"{url}: source.dataset: expected one of {arrays}; found none.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadWindow_GroupHoldingOneArrayWithoutDataset_OpensIt()
    {
        string url = Upload("v2/group_one.zarr");
        var remote = new SourceOptions { Paths = [url] };
        ChunkedSourceLoaderTests.AssertSameWindows(remote, SourceOptions.FromPaths(ZarrFixtures.Full("v2/group_one.zarr")));
    }

    [Fact]
    public void Read_EpochWithChunkReadAhead_EqualsTheLocalStoreWithChunksFetchedAhead()
    {
        using var dir = new TempDirectory();
        string local = ZarrStoreWriter.Float32(dir.File("r.zarr"), 1200, 8, 40);
        string url = UploadStore(local, "readahead/r.zarr");
        var options = new WindowLoaderOptions { Source = new SourceOptions { Paths = [url] }, Window = 6, BatchSize = 8, Workers = 2, Seed = 2, ReadAhead = 2, Remote = new RemoteOptions { BackoffMilliseconds = 1 } };
        WindowLoaderOptions reference = options.Clone();
        reference.Source = SourceOptions.FromPaths(local);
        using var loader = new WindowLoader(options);
        using var expected = new WindowLoader(reference);
        using IEnumerator<WindowBatch> want = expected.Read(ReadRange.ForEpoch(0)).GetEnumerator();
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            using (batch)
            {
                Assert.True(want.MoveNext());
                using WindowBatch w = want.Current;
                Assert.True(w.Data.SequenceEqual(batch.Data), $"batch {batch.Index} differs");
            }
        }

        Assert.False(want.MoveNext());
        RemoteStatistics stats = loader.Plan.Source.Remote!.Statistics;
        Assert.True(stats.ObjectsReadAhead > 0, "chunks were requested ahead");
        Assert.True(stats.ObjectReadAheadReady + stats.ObjectReadAheadJoined > 0);
        Assert.True(stats.ObjectReadAheadPeakBytes <= loader.Plan.Source.Remote.ObjectReadAheadCapacity);
    }

    [Fact]
    public void TryReadChunk_ChunkRewrittenInContainerAfterItsFirstRead_IOExceptionWithBothETags()
    {
        using var dir = new TempDirectory();
        string local = ZarrStoreWriter.Float32(dir.File("w.zarr"), 80, 4, 40);
        string url = UploadStore(local, "rewrite/w.zarr");
        using var engine = new RemoteEngine(new RemoteOptions { BackoffMilliseconds = 1 });
        using ChunkedArray chunks = ZarrStore.Open(engine, url, null).Chunks!;
        byte[] buffer = new byte[chunks.ChunkBytes];
        Assert.True(chunks.TryReadChunk([1, 0], buffer));
        string pinned = engine.PinnedETag(url + "/1.0")!;
        Assert.NotNull(pinned);
        Assert.True(chunks.TryReadChunk([1, 0], buffer));

        azure.Put("zarr/rewrite/w.zarr/1.0", new byte[buffer.Length]);
        IOException ex = Assert.Throws<IOException>(() => chunks.TryReadChunk([1, 0], buffer));
        Assert.Contains($"{url}/1.0: GET: the object changed since it was first read (ETag {pinned}, now ", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain($"now {pinned})", ex.Message, StringComparison.Ordinal);
    }

    private string UploadStore(string local, string name)
    {
        string prefix = "zarr/" + name;
        ZarrUpload.Store(local, prefix, (key, data) => azure.Put(key, data));
        return $"az://{AzuriteFixture.ContainerName}/{prefix}";
    }

    private string Upload(string store)
    {
        string prefix = "zarr/" + store;
        ZarrUpload.Store(ZarrFixtures.Full(store), prefix, (key, data) => azure.Put(key, data));
        return $"az://{AzuriteFixture.ContainerName}/{prefix}";
    }
}
