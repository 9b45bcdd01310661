using System.Text.Json;
using WindowDataset.Formats;
using WindowDataset.Formats.Zarr;
using WindowDataset.Remote;
using WindowDataset.Tests.Formats;
using WindowDataset.Tests.Formats.Zarr.Infrastructure;
using WindowDataset.Tests.Infrastructure;
using WindowDataset.Tests.Remote.Infrastructure;

namespace WindowDataset.Tests.Remote;

/// <summary>Zarr stores by HTTP URL (a real Kestrel range server, a fault proxy in front): every window equals the store read locally and numpy's copy.</summary>
public sealed class HttpZarrTests : IDisposable
{
    private readonly RangeServer _server = new();
    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        _server.Dispose();
        _dir.Dispose();
    }

    public static TheoryData<string, string> Readable => ZarrFixtures.Readable();

    [Theory]
    [MemberData(nameof(Readable))]
    public void ReadWindow_EveryReadableFixtureByUrl_EqualsTheLocalStoreAndNumpysCopy(string version, string name)
    {
        JsonElement entry = ZarrFixtures.Entry(version, "readable", name);
        string relative = entry.GetProperty("path").GetString()!;
        string array = entry.GetProperty("array").GetString()!;
        string url = Upload(relative);
        string? dataset = array.Length == 0 ? null : array;
        var remote = new SourceOptions { Paths = [url], Dataset = dataset };
        ChunkedSourceLoaderTests.AssertSameWindows(remote, new SourceOptions { Paths = [ZarrFixtures.Full(relative)], Dataset = dataset });
        ChunkedSourceLoaderTests.AssertSameWindows(remote, SourceOptions.FromPaths(ZarrFixtures.Full(entry.GetProperty("expected").GetString()!)));
    }

    [Fact]
    public void TryReadChunk_MissingChunkObject_IsTheFillValueAndOneGetPerChunk()
    {
        string url = Upload("v2/fill_none.zarr");
        using var engine = new RemoteEngine(new RemoteOptions());
        ArrayDescription d = ZarrStore.Open(engine, url, null);
        using var chunks = d.Chunks!;
        byte[] buffer = new byte[chunks.ChunkBytes];
        long before = _server.Requests;
        long counted = engine.Statistics.Requests;
        Assert.False(chunks.TryReadChunk([0, 0], buffer));
        Assert.True(chunks.TryReadChunk([1, 0], buffer));
        Assert.Equal(2, _server.Requests - before);
        Assert.Equal(2, engine.Statistics.Requests - counted);
        Assert.Equal(0, engine.Statistics.Opens);
        ChunkedSourceLoaderTests.AssertSameWindows(SourceOptions.FromPaths(url), SourceOptions.FromPaths(ZarrFixtures.Full("v2/fill_none.npy")));
    }

    [Fact]
    public void TryReadChunk_ShardByUrl_OpensTheShardOnceAndReadsItsIndexOnce()
    {
        string url = Upload("v3/shard_end.zarr");
        using var engine = new RemoteEngine(new RemoteOptions());
        ArrayDescription d = ZarrStore.Open(engine, url, null);
        using var chunks = (ZarrArray)d.Chunks!;
        byte[] buffer = new byte[chunks.ChunkBytes];
        Assert.True(chunks.TryReadChunk([0, 0], buffer));
        Assert.True(chunks.TryReadChunk([0, 1], buffer));
        Assert.True(chunks.TryReadChunk([1, 0], buffer));
        Assert.Equal(1, engine.Statistics.Opens);
        Assert.Equal(1, chunks.Indexes.Count);
    }

    [Fact]
    public void Open_GroupWithoutDatasetOverHttp_AsksForTheDataset()
    {
        string url = Upload("v2/group.zarr");
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new WindowReader(new WindowLoaderOptions { Source = SourceOptions.FromPaths(url), Window = 2 }));
        Assert.Contains($"{url}: source.dataset: expected the name of an array of the group", ex.Message, StringComparison.Ordinal);
        Assert.Contains("no consolidated metadata", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_GroupWithConsolidatedMetadataOverHttp_ListsTheArrays()
    {
        string url = Upload("v2/group.zarr");
        _server.Put("v2/group.zarr/.zmetadata", Consolidated(ZarrFixtures.Full("v2/group.zarr")));
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new WindowReader(new WindowLoaderOptions { Source = SourceOptions.FromPaths(url), Window = 2 }));
        Assert.Contains($"{url}: source.dataset: expected one of a, b, grp/x; found none.", ex.Message, StringComparison.Ordinal);

        string one = Upload("v2/group_one.zarr");
        _server.Put("v2/group_one.zarr/.zmetadata", Consolidated(ZarrFixtures.Full("v2/group_one.zarr")));
        ChunkedSourceLoaderTests.AssertSameWindows(SourceOptions.FromPaths(one), SourceOptions.FromPaths(ZarrFixtures.Full("v2/group_one.sub.only.npy")));
    }

    [Fact]
    public void Open_V3GroupWithConsolidatedMetadataOverHttp_ListsTheArrays()
    {
        string url = Upload("v3/group.zarr");
        string store = ZarrFixtures.Full("v3/group.zarr");
        var entries = new SortedDictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(store, "zarr.json", SearchOption.AllDirectories))
        {
            string key = Path.GetRelativePath(store, Path.GetDirectoryName(file)!).Replace(Path.DirectorySeparatorChar, '/');
            if (key != ".")
            {
                using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(file));
                entries[key] = document.RootElement.Clone();
            }
        }

        // As zarr-python 3's consolidate_metadata writes it: the whole hierarchy inline in the root group's zarr.json.
        _server.Put("v3/group.zarr/zarr.json", JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["zarr_format"] = 3,
            ["node_type"] = "group",
            ["attributes"] = new Dictionary<string, object>(),
            ["consolidated_metadata"] = new Dictionary<string, object> { ["kind"] = "inline", ["must_understand"] = false, ["metadata"] = entries },
        }));
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new WindowReader(new WindowLoaderOptions { Source = SourceOptions.FromPaths(url), Window = 2 }));
        Assert.Contains($"{url}: source.dataset: expected one of a, b, sub/x; found none.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_DatasetThatIsNotInTheStore_NamesTheUrlAndTheName()
    {
        string url = Upload("v3/group.zarr");
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new WindowReader(new WindowLoaderOptions { Source = new SourceOptions { Paths = [url], Dataset = "nope" }, Window = 2 }));
        Assert.Contains($"{url}: source.dataset: expected the path of an array of the group; found 'nope'.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_UrlWithoutAStore_SaysSo()
    {
        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => new WindowReader(new WindowLoaderOptions { Source = SourceOptions.FromPaths(_server.Url("none.zarr")), Window = 2 }));
        Assert.Contains($"{_server.Url("none.zarr")}: expected a Zarr store (.zarray, .zgroup or zarr.json); found none.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadWindow_ChunkObjectFarLargerThanTheChunk_RefusedNamingTheUrl()
    {
        string url = Upload("v2/default.zarr");
        _server.Put("v2/default.zarr/0.0", new byte[10 << 20]);
        using var engine = new RemoteEngine(new RemoteOptions());
        using var chunks = ZarrStore.Open(engine, url, null).Chunks!;
        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => chunks.TryReadChunk([0, 0], new byte[chunks.ChunkBytes]));
        Assert.Contains($"{url}/0.0: expected a stored chunk of at most", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"found {10 << 20} bytes", ex.Message, StringComparison.Ordinal);
        Assert.True(engine.Statistics.BytesFetched < 1 << 20, "the body of an oversized chunk is not read");
    }

    [Theory]
    [InlineData("v2/blosc_zstd.zarr", "v2/default.npy")]
    [InlineData("v3/shard_start.zarr", "v3/shard_start.npy")]
    public void Read_Status503BurstsOnChunks_RetriedToExactWindows(string store, string expected)
    {
        string url = Upload(store);
        int gets = 0;
        using var proxy = new FaultProxy(_server.BaseUrl, r => r.Method == "GET" && !r.PathAndQuery.Contains("zarr.json", StringComparison.Ordinal) && !r.PathAndQuery.Contains(".zarray", StringComparison.Ordinal) && Interlocked.Increment(ref gets) % 3 == 0 ? FaultKind.Status503 : FaultKind.None);
        string through = url.Replace(_server.BaseUrl, proxy.BaseUrl, StringComparison.Ordinal);
        var options = new WindowLoaderOptions { Source = SourceOptions.FromPaths(through), Window = 3, BatchSize = 4, Workers = 2, Seed = 3, Remote = new RemoteOptions { BackoffMilliseconds = 1 } };
        WindowLoaderOptions reference = options.Clone();
        reference.Source = SourceOptions.FromPaths(ZarrFixtures.Full(expected));
        ChunkedSourceLoaderTests.AssertSameEpoch(options, reference);
        Assert.True(proxy.Injected > 0);
    }

    [Fact]
    public void ReadWindow_ChunkThatKeepsFailing_IOExceptionNamingTheChunkUrl()
    {
        string url = Upload("v2/default.zarr");
        using var proxy = new FaultProxy(_server.BaseUrl, r => r.PathAndQuery.EndsWith("/1.0", StringComparison.Ordinal) ? FaultKind.Status503 : FaultKind.None);
        string through = url.Replace(_server.BaseUrl, proxy.BaseUrl, StringComparison.Ordinal);
        using var engine = new RemoteEngine(new RemoteOptions { MaxRetries = 2, BackoffMilliseconds = 1 });
        using var chunks = ZarrStore.Open(engine, through, null).Chunks!;
        IOException ex = Assert.Throws<IOException>(() => chunks.TryReadChunk([1, 0], new byte[chunks.ChunkBytes]));
        Assert.Contains($"{through}/1.0: GET: failed after 3 attempts: HTTP 503", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadWindow_StoreUrlWithASignature_KeepsTheQueryOnEveryKeyAndRedactsIt()
    {
        string url = Upload("v3/shard_start.zarr");
        string signed = url + "?sv=1&sig=SECRET123";
        ChunkedSourceLoaderTests.AssertSameWindows(SourceOptions.FromPaths(signed), SourceOptions.FromPaths(ZarrFixtures.Full("v3/shard_start.npy")));

        using var proxy = new FaultProxy(_server.BaseUrl, r => r.PathAndQuery.Contains("/c/", StringComparison.Ordinal) ? FaultKind.Status503 : FaultKind.None);
        string through = signed.Replace(_server.BaseUrl, proxy.BaseUrl, StringComparison.Ordinal);
        using var engine = new RemoteEngine(new RemoteOptions { MaxRetries = 1, BackoffMilliseconds = 1 });
        using var chunks = ZarrStore.Open(engine, through, null).Chunks!;
        IOException ex = Assert.Throws<IOException>(() => chunks.TryReadChunk([0, 0], new byte[chunks.ChunkBytes]));
        Assert.Contains("sig=REDACTED", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET123", ex.Message, StringComparison.Ordinal);
        Assert.Contains("/c/0/0?sv=1&sig=REDACTED", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Uploads a fixture store under its relative path and returns its URL.</summary>
    private string Upload(string relative)
    {
        ZarrUpload.Store(ZarrFixtures.Full(relative), relative, (key, data) => _server.Put(key, data));
        return _server.Url(relative);
    }

    /// <summary>A v2 <c>.zmetadata</c> of every metadata file of <paramref name="store"/>, as zarr-python's consolidate_metadata writes it.</summary>
    private static byte[] Consolidated(string store)
    {
        var metadata = new SortedDictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(store, ".z*", SearchOption.AllDirectories))
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(file));
            metadata[Path.GetRelativePath(store, file).Replace(Path.DirectorySeparatorChar, '/')] = document.RootElement.Clone();
        }

        return JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["metadata"] = metadata, ["zarr_consolidated_format"] = 1 });
    }
}
