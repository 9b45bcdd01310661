using WindowDataset.Tests.Formats;
using WindowDataset.Tests.Formats.Hdf5.Infrastructure;
using WindowDataset.Tests.Infrastructure;
using WindowDataset.Tests.Remote.Infrastructure;

namespace WindowDataset.Tests.Remote;

/// <summary>The loader over URLs (a real HTTP range server, s3rver, Azurite): every window equals the local file's.</summary>
public sealed class HttpLoaderTests : IDisposable
{
    private readonly RangeServer _server = new();
    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        _server.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void ReadWindow_NpyByUrl_EqualsTheLocalFile()
    {
        string local = TestArrays.WriteNpy(_dir.File("a.npy"), 500, 7);
        string url = _server.Put("a.npy", File.ReadAllBytes(local));
        ChunkedSourceLoaderTests.AssertSameWindows(SourceOptions.FromPaths(url), SourceOptions.FromPaths(local), window: 5);
    }

    [Theory]
    [InlineData("gzip_shuffle.h5", "/data")]
    [InlineData("contig_f8.h5", "/data")]
    [InlineData("latest.h5", "/extensible_gzip")]
    public void ReadWindow_Hdf5ByUrl_EqualsNumpysCopy(string file, string dataset)
    {
        string url = _server.Put(file, File.ReadAllBytes(Hdf5Fixtures.Full(file)));
        ChunkedSourceLoaderTests.AssertSameWindows(new SourceOptions { Paths = [url], Dataset = dataset }, SourceOptions.FromPaths(Hdf5Fixtures.ExpectedPath(file, dataset)!));
    }

    [Fact]
    public void Read_PipelinedEpochByUrl_EqualsTheLocalEpochAndCountsRequests()
    {
        string local = TestArrays.WriteNpy(_dir.File("b.npy"), 3000, 16);
        string url = _server.Put("b.npy", File.ReadAllBytes(local));
        var options = new WindowLoaderOptions { Source = SourceOptions.FromPaths(url), Window = 8, BatchSize = 16, Workers = 2, Seed = 9, ReadAhead = 4, MemoryBudget = 256L << 20 };
        WindowLoaderOptions reference = options.Clone();
        reference.Source = SourceOptions.FromPaths(local);
        ChunkedSourceLoaderTests.AssertSameEpoch(options, reference);
        using var loader = new WindowLoader(options);
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            batch.Dispose();
        }

        LoaderStatistics stats = loader.GetStatistics();
        Assert.True(stats.RemoteRequests > 0);
        Assert.True(stats.RemoteBytesFetched > 0);
        Assert.Equal(0, stats.RemoteRetries);
    }

    [Fact]
    public void WindowLoader_BudgetWithoutRoomForTheBlockCache_SaysSo()
    {
        string local = TestArrays.WriteNpy(_dir.File("c.npy"), 200, 4);
        string url = _server.Put("c.npy", File.ReadAllBytes(local));
        var options = new WindowLoaderOptions { Source = SourceOptions.FromPaths(url), Window = 4, MemoryBudget = 1 << 20 };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new WindowLoader(options));
        Assert.Contains("bytes of remote block cache", error.Message);
    }

    [Fact]
    public void Remote_InvalidOption_IsRefusedByTheRuleSet()
    {
        var options = new WindowLoaderOptions { Source = SourceOptions.FromPaths("a.npy"), Remote = new RemoteOptions { Concurrency = 0 } };
        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.Equal("remote.concurrency", error.ParamName);
        Assert.Contains("remote.concurrency: expected 1..1024; found 0.", error.Message);
    }
}
