using WindowDataset.Remote;
using WindowDataset.Sources;
using WindowDataset.Tests.Remote.Infrastructure;

namespace WindowDataset.Tests.Remote;

public sealed class HttpRemoteTests(RangeServer server) : IClassFixture<RangeServer>
{
    [Fact]
    public void ReadAtMost_RandomRanges_EqualLocalBytes()
    {
        string url = server.Put("random.npy", RemoteChecks.Npy);
        using var engine = new RemoteEngine(RemoteChecks.Options());
        using ByteSource source = engine.Open(url);
        RemoteChecks.Bounded(() => RemoteChecks.ReadRandomRanges(source, RemoteChecks.Npy, 400, 300_000));
        RemoteStatistics stats = engine.Statistics;
        Assert.Equal(1, stats.Opens);
        Assert.True(stats.Requests > 0);
        Assert.Equal(0, stats.Retries);
    }

    [Fact]
    public void ReadAtMost_PastEnd_ReturnsWhatIsLeft()
    {
        string url = server.Put("end.npy", RemoteChecks.Npy);
        using var engine = new RemoteEngine(RemoteChecks.Options());
        using ByteSource source = engine.Open(url);
        byte[] buffer = new byte[1000];
        Assert.Equal(10, source.ReadAtMost(RemoteChecks.Npy.Length - 10, buffer));
        Assert.True(buffer.AsSpan(0, 10).SequenceEqual(RemoteChecks.Npy.AsSpan(RemoteChecks.Npy.Length - 10)));
        Assert.Equal(0, source.ReadAtMost(RemoteChecks.Npy.Length, buffer));
        IOException e = Assert.Throws<IOException>(() => source.ReadExactly(RemoteChecks.Npy.Length - 10, buffer));
        Assert.Contains("found end of object", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadAtMost_ObjectChanged_ThrowsNamingBothETags()
    {
        string url = server.Put("changing.npy", RemoteChecks.Npy);
        using var engine = new RemoteEngine(RemoteChecks.Options());
        using ByteSource source = engine.Open(url);
        byte[] buffer = new byte[200_000];
        source.ReadExactly(0, buffer);
        Assert.True(buffer.AsSpan().SequenceEqual(RemoteChecks.Npy.AsSpan(0, buffer.Length)));
        server.Put("changing.npy", RemoteChecks.Changed());

        // The read spans cached blocks and new ones: it fails whole, never a mix of versions.
        IOException e = Assert.Throws<IOException>(() => source.ReadExactly(100_000, buffer));
        Assert.Contains(url, e.Message, StringComparison.Ordinal);
        Assert.Contains("the object changed since it was opened (ETag \"v", e.Message, StringComparison.Ordinal);
        Assert.Contains("bytes ", e.Message, StringComparison.Ordinal);
        Assert.Throws<IOException>(() => source.ReadExactly(2_000_000, buffer));
    }

    [Fact]
    public void Open_ServerIgnoresRanges_ThrowsClearly()
    {
        server.Put("plain.npy", RemoteChecks.Npy);
        using var engine = new RemoteEngine(RemoteChecks.Options());
        IOException e = Assert.Throws<IOException>(() => engine.Open(server.BaseUrl + "/plain/plain.npy?sig=TOPSECRET"));
        Assert.Contains("expected 206 Partial Content", e.Message, StringComparison.Ordinal);
        Assert.Contains("sig=REDACTED", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("TOPSECRET", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Open_Missing_ThrowsWithoutRetrying()
    {
        using var engine = new RemoteEngine(RemoteChecks.Options());
        IOException e = Assert.Throws<IOException>(() => engine.Open(server.Url("missing.npy")));
        Assert.Contains("HTTP 404", e.Message, StringComparison.Ordinal);
        Assert.Contains(server.Url("missing.npy"), e.Message, StringComparison.Ordinal);
        Assert.Equal(0, engine.Statistics.Retries);
    }

    [Fact]
    public void List_Http_NotSupported()
    {
        using var engine = new RemoteEngine(RemoteChecks.Options());
        Assert.Throws<NotSupportedException>(() => engine.List(server.BaseUrl + "/o/*.npy"));
    }

    [Fact]
    public void WillNeed_ThenRead_ServedFromReadAhead()
    {
        string url = server.Put("ahead.npy", RemoteChecks.Npy);
        using var engine = new RemoteEngine(RemoteChecks.Options());
        using ByteSource source = engine.Open(url);
        source.WillNeed(1_000_000, 500_000);
        byte[] buffer = new byte[500_000];
        source.ReadExactly(1_000_000, buffer);
        Assert.True(buffer.AsSpan().SequenceEqual(RemoteChecks.Npy.AsSpan(1_000_000, buffer.Length)));

        // The blocks were asked for once, by the hint: the read waited for them or found them.
        RemoteStatistics stats = engine.Statistics;
        Assert.True(stats.RamHits > 0);
        Assert.True(stats.Requests <= 2, $"expected the hint's request(s) only; found {stats.Requests}");
        Assert.True(stats.BytesFetched <= 500_000 + (2 * 64 * 1024));
    }
}
