using WindowDataset.Remote;
using WindowDataset.Sources;
using WindowDataset.Tests.Infrastructure;
using WindowDataset.Tests.Remote.Infrastructure;

namespace WindowDataset.Tests.Remote;

public sealed class RemoteCacheTests(RangeServer server) : IClassFixture<RangeServer>
{
    [Fact]
    public void DiskCache_SecondEngine_ReadsWithoutRequests()
    {
        string url = server.Put("disk.npy", RemoteChecks.Npy);
        using var dir = new TempDirectory();
        RemoteOptions options = RemoteChecks.Options();
        options.CacheDirectory = dir.Path;
        using (var first = new RemoteEngine(options))
        using (ByteSource source = first.Open(url))
        {
            RemoteChecks.ReadRandomRanges(source, RemoteChecks.Npy, 40, 200_000, threads: 2, seed: 7);
            Assert.True(first.Statistics.Requests > 0);
        }

        using var second = new RemoteEngine(options);
        using ByteSource again = second.Open(url);
        RemoteChecks.ReadRandomRanges(again, RemoteChecks.Npy, 40, 200_000, threads: 2, seed: 7);
        RemoteStatistics stats = second.Statistics;
        Assert.Equal(0, stats.Requests);
        Assert.True(stats.DiskHits > 0);
    }

    [Fact]
    public void DiskCache_NewVersion_DoesNotReuseOldBlocks()
    {
        string url = server.Put("versioned.npy", RemoteChecks.Npy);
        using var dir = new TempDirectory();
        RemoteOptions options = RemoteChecks.Options();
        options.CacheDirectory = dir.Path;
        byte[] buffer = new byte[300_000];
        using (var first = new RemoteEngine(options))
        using (ByteSource source = first.Open(url))
        {
            source.ReadExactly(0, buffer);
        }

        byte[] changed = RemoteChecks.Changed();
        server.Put("versioned.npy", changed);
        using var second = new RemoteEngine(options);
        using ByteSource again = second.Open(url);
        again.ReadExactly(0, buffer);
        Assert.True(buffer.AsSpan().SequenceEqual(changed.AsSpan(0, buffer.Length)));
        Assert.Equal(0, second.Statistics.DiskHits);
    }

    [Fact]
    public void DiskCache_Cap_Respected()
    {
        string url = server.Put("capped.npy", RemoteChecks.Npy);
        using var dir = new TempDirectory();
        RemoteOptions options = RemoteChecks.Options();
        options.CacheDirectory = dir.Path;
        options.CacheBytes = 512 * 1024;
        using var engine = new RemoteEngine(options);
        using ByteSource source = engine.Open(url);
        byte[] buffer = new byte[100_000];
        for (long offset = 0; offset + buffer.Length <= RemoteChecks.Npy.Length; offset += buffer.Length)
        {
            source.ReadExactly(offset, buffer);
        }

        long onDisk = new DirectoryInfo(dir.Path).EnumerateFiles().Sum(f => f.Length);
        Assert.True(onDisk <= options.CacheBytes, $"expected at most {options.CacheBytes} bytes on disk; found {onDisk}");
        Assert.True(onDisk > 0);
    }

    [Fact]
    public void RamCache_ManyReadersAndHints_StaysBounded()
    {
        string url = server.Put("ram.npy", RemoteChecks.Npy);
        RemoteOptions options = RemoteChecks.Options();
        options.MemoryCacheBytes = 512 * 1024;
        using var engine = new RemoteEngine(options);
        using ByteSource source = engine.Open(url);
        RemoteChecks.Bounded(() => RemoteChecks.ReadRandomRanges(source, RemoteChecks.Npy, 200, 100_000, threads: 3, seed: 3));
        Assert.True(engine.Statistics.RamBytes <= options.MemoryCacheBytes, $"expected at most {options.MemoryCacheBytes} bytes; found {engine.Statistics.RamBytes}");
    }

    [Fact]
    public void RamCache_RepeatedRead_NoNewRequests()
    {
        string url = server.Put("repeat.npy", RemoteChecks.Npy);
        using var engine = new RemoteEngine(RemoteChecks.Options());
        using ByteSource source = engine.Open(url);
        byte[] buffer = new byte[256 * 1024];
        source.ReadExactly(123_456, buffer);
        long requests = engine.Statistics.Requests;
        source.ReadExactly(123_456, buffer);
        source.ReadExactly(200_000, buffer.AsSpan(0, 1000));
        Assert.Equal(requests, engine.Statistics.Requests);
        Assert.Equal(1, requests);
    }

    [Fact]
    public void RamCache_ReadLargerThanCache_ExactThenTrimmed()
    {
        string url = server.Put("large-read.npy", RemoteChecks.Npy);
        RemoteOptions options = RemoteChecks.Options();
        options.MemoryCacheBytes = 4 * options.BlockSize;
        using var engine = new RemoteEngine(options);
        using ByteSource source = engine.Open(url);
        byte[] buffer = new byte[1_000_000];
        source.ReadExactly(12_345, buffer);
        Assert.True(buffer.AsSpan().SequenceEqual(RemoteChecks.Npy.AsSpan(12_345, buffer.Length)));
        Assert.True(engine.Statistics.RamBytes <= options.MemoryCacheBytes, $"expected at most {options.MemoryCacheBytes} bytes; found {engine.Statistics.RamBytes}");
    }
}
