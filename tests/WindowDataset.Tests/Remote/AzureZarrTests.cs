using WindowDataset.Tests.Formats;
using WindowDataset.Tests.Formats.Zarr.Infrastructure;
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

    private string Upload(string store)
    {
        string prefix = "zarr/" + store;
        ZarrUpload.Store(ZarrFixtures.Full(store), prefix, (key, data) => azure.Put(key, data));
        return $"az://{AzuriteFixture.ContainerName}/{prefix}";
    }
}
