using WindowDataset.Remote;
using WindowDataset.Sources;
using WindowDataset.Tests.Remote.Infrastructure;

namespace WindowDataset.Tests.Remote;

[Collection(S3Collection.Name)]
public sealed class S3RemoteTests(S3rverFixture s3)
{
    [Fact]
    public void ReadAtMost_RandomRanges_EqualLocalBytes()
    {
        string url = s3.Put("data/random.npy", RemoteChecks.Npy);
        using var engine = new RemoteEngine(RemoteChecks.Options(s3.Endpoint));
        using ByteSource source = engine.Open(url);
        Assert.Equal(url, source.Name);
        RemoteChecks.Bounded(() => RemoteChecks.ReadRandomRanges(source, RemoteChecks.Npy, 200, 300_000));
        Assert.Equal(0, engine.Statistics.Retries);
    }

    [Fact]
    public void List_Pattern_MatchesLastSegmentInOrdinalOrder()
    {
        byte[] small = RemoteChecks.Npy.AsSpan(0, 1000).ToArray();
        foreach (string key in (string[])["shards/part-2.npy", "shards/part-10.npy", "shards/part-1.npy", "shards/other.npy", "shards/sub/part-3.npy", "shards/part-1.txt"])
        {
            s3.Put(key, small);
        }

        using var engine = new RemoteEngine(RemoteChecks.Options(s3.Endpoint));
        IReadOnlyList<string> found = engine.List($"s3://{S3rverFixture.Bucket}/shards/part-*.npy");
        Assert.Equal([$"s3://{S3rverFixture.Bucket}/shards/part-1.npy", $"s3://{S3rverFixture.Bucket}/shards/part-10.npy", $"s3://{S3rverFixture.Bucket}/shards/part-2.npy"], found);
        Assert.Equal([$"s3://{S3rverFixture.Bucket}/shards/part-1.npy"], engine.List($"s3://{S3rverFixture.Bucket}/shards/part-?.npy").Take(1));
        Assert.Empty(engine.List($"s3://{S3rverFixture.Bucket}/nothing/*.npy"));
        Assert.Throws<ArgumentException>(() => engine.List($"s3://{S3rverFixture.Bucket}/sha*/part-1.npy"));
    }

    [Fact]
    public void ReadAtMost_ObjectOverwritten_ThrowsChanged()
    {
        string url = s3.Put("data/changing.npy", RemoteChecks.Npy);
        using var engine = new RemoteEngine(RemoteChecks.Options(s3.Endpoint));
        using ByteSource source = engine.Open(url);
        byte[] buffer = new byte[100_000];
        source.ReadExactly(0, buffer);
        s3.Put("data/changing.npy", RemoteChecks.Changed());
        IOException e = Assert.Throws<IOException>(() => source.ReadExactly(1_000_000, buffer));
        Assert.Contains(url, e.Message, StringComparison.Ordinal);
        Assert.Contains("the object changed since it was opened", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_MissingKey_ThrowsNamingUrl()
    {
        using var engine = new RemoteEngine(RemoteChecks.Options(s3.Endpoint));
        IOException e = Assert.Throws<IOException>(() => engine.Open($"s3://{S3rverFixture.Bucket}/no/such.npy"));
        Assert.Contains($"s3://{S3rverFixture.Bucket}/no/such.npy", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, engine.Statistics.Retries);
    }

    [Fact]
    public void Presigned_ThroughHttp_ReadsAndRedacts()
    {
        s3.Put("data/presigned.npy", RemoteChecks.Npy);
        string presigned = s3.Presign("data/presigned.npy");
        Assert.Contains("X-Amz-Signature=", presigned, StringComparison.Ordinal);
        using var engine = new RemoteEngine(RemoteChecks.Options());
        using ByteSource source = engine.Open(presigned);
        Assert.Contains("X-Amz-Signature=REDACTED", source.Name, StringComparison.Ordinal);
        Assert.DoesNotContain("S3RVER", source.Name, StringComparison.Ordinal);
        RemoteChecks.Bounded(() => RemoteChecks.ReadRandomRanges(source, RemoteChecks.Npy, 40, 300_000, threads: 2));
    }

    [Fact]
    public void ReadAtMost_Random503sThroughProxy_Exact()
    {
        string url = s3.Put("data/faulty.npy", RemoteChecks.Npy);
        var random = new Random(11);
        using var proxy = new FaultProxy(s3.Endpoint, r =>
        {
            lock (random)
            {
                return r.Method == "GET" && random.NextDouble() < 0.1 ? FaultKind.Status503 : FaultKind.None;
            }
        });
        using var engine = new RemoteEngine(RemoteChecks.Options(proxy.BaseUrl));
        using ByteSource source = engine.Open(url);
        RemoteChecks.Bounded(() => RemoteChecks.ReadRandomRanges(source, RemoteChecks.Npy, 200, 200_000));
        Assert.True(proxy.Injected > 0);
        Assert.Equal(proxy.Injected, engine.Statistics.Retries);
    }

    [Theory]
    [InlineData(FaultKind.DropMidBody)]
    [InlineData(FaultKind.Truncate)]
    [InlineData(FaultKind.Status503)]
    public void ReadAtMost_FirstRequestOfEachRangeFailsThroughProxy_Exact(FaultKind kind)
    {
        string url = s3.Put("data/dropped-" + kind + ".npy", RemoteChecks.Npy);

        // The first request for each range fails; its retry goes through.
        var seen = new HashSet<string>();
        using var proxy = new FaultProxy(s3.Endpoint, r =>
        {
            lock (seen)
            {
                return r.Method == "GET" && r.Range.Length > 0 && seen.Add(r.Range) ? kind : FaultKind.None;
            }
        });
        using var engine = new RemoteEngine(RemoteChecks.Options(proxy.BaseUrl));
        using ByteSource source = engine.Open(url);
        RemoteChecks.Bounded(() => RemoteChecks.ReadRandomRanges(source, RemoteChecks.Npy, 120, 200_000));
        RemoteChecks.AssertRetried(proxy, engine, kind);
    }
}
