using WindowDataset.Remote;
using WindowDataset.Sources;
using WindowDataset.Tests.Remote.Infrastructure;

namespace WindowDataset.Tests.Remote;

/// <summary>Faults injected by a proxy in front of Kestrel: every byte delivered is exact, nothing hangs, errors are clear.</summary>
public sealed class RemoteFaultTests(RangeServer server) : IClassFixture<RangeServer>
{
    [Theory]
    [InlineData(FaultKind.DropMidBody)]
    [InlineData(FaultKind.Truncate)]
    [InlineData(FaultKind.Status503)]
    [InlineData(FaultKind.Status429)]
    public void ReadAtMost_EveryThirdRequestFails_Exact(FaultKind kind)
    {
        string url = server.Put("faults-" + kind + ".npy", RemoteChecks.Npy);
        // Request numbers interleave across readers: three requests retrying in step can keep drawing multiples of 3,
        // so no range is failed more than twice (the retries allowed are more).
        var failures = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        using var proxy = new FaultProxy(server.BaseUrl, r => FaultProxy.IsData(r) && r.Number % 3 == 0 && failures.AddOrUpdate(r.Range, 1, (_, n) => n + 1) <= 2 ? kind : FaultKind.None);
        using var engine = new RemoteEngine(RemoteChecks.Options());
        using ByteSource source = engine.Open(url.Replace(server.BaseUrl, proxy.BaseUrl, StringComparison.Ordinal));
        RemoteChecks.Bounded(() => RemoteChecks.ReadRandomRanges(source, RemoteChecks.Npy, 200, 300_000));
        RemoteChecks.AssertRetried(proxy, engine, kind);
    }

    [Fact]
    public void ReadAtMost_SlowResponses_TimeOutAndRetry()
    {
        string url = server.Put("slow.npy", RemoteChecks.Npy);
        using var proxy = new FaultProxy(server.BaseUrl, r => FaultProxy.IsData(r) && r.Number % 4 == 0 ? FaultKind.Slow : FaultKind.None, TimeSpan.FromSeconds(20));
        RemoteOptions options = RemoteChecks.Options();
        options.RequestTimeoutMilliseconds = 300;
        using var engine = new RemoteEngine(options);
        using ByteSource source = engine.Open(url.Replace(server.BaseUrl, proxy.BaseUrl, StringComparison.Ordinal));
        RemoteChecks.Bounded(() => RemoteChecks.ReadRandomRanges(source, RemoteChecks.Npy, 60, 300_000, threads: 3));
        Assert.True(proxy.Injected > 0);
        Assert.True(engine.Statistics.Retries >= proxy.Injected);
    }

    [Fact]
    public void ReadAtMost_Burstof503s_RecoversWithinRetries()
    {
        string url = server.Put("burst.npy", RemoteChecks.Npy);
        int data = 0;
        using var proxy = new FaultProxy(server.BaseUrl, r => FaultProxy.IsData(r) && Interlocked.Increment(ref data) <= 5 ? FaultKind.Status503 : FaultKind.None);
        using var engine = new RemoteEngine(RemoteChecks.Options());
        using ByteSource source = engine.Open(url.Replace(server.BaseUrl, proxy.BaseUrl, StringComparison.Ordinal));
        byte[] buffer = new byte[256 * 1024];
        RemoteChecks.Bounded(() => source.ReadExactly(1_000_000, buffer));
        Assert.True(buffer.AsSpan().SequenceEqual(RemoteChecks.Npy.AsSpan(1_000_000, buffer.Length)));
        Assert.Equal(5, engine.Statistics.Retries);
    }

    [Fact]
    public void ReadAtMost_TenPercent503s_ExactWithRetries()
    {
        string url = server.Put("ten.npy", RemoteChecks.Npy);
        var random = new Random(5);
        using var proxy = new FaultProxy(server.BaseUrl, r =>
        {
            lock (random)
            {
                return FaultProxy.IsData(r) && random.NextDouble() < 0.1 ? FaultKind.Status503 : FaultKind.None;
            }
        });
        using var engine = new RemoteEngine(RemoteChecks.Options());
        using ByteSource source = engine.Open(url.Replace(server.BaseUrl, proxy.BaseUrl, StringComparison.Ordinal));
        RemoteChecks.Bounded(() => RemoteChecks.ReadRandomRanges(source, RemoteChecks.Npy, 400, 300_000));
        Assert.Equal(proxy.Injected, engine.Statistics.Retries);
    }

    [Fact]
    public void ReadAtMost_AlwaysFailing_ThrowsNamingRedactedUrlAndRange()
    {
        string url = server.Put("down.npy", RemoteChecks.Npy);
        using var proxy = new FaultProxy(server.BaseUrl, r => FaultProxy.IsData(r) ? FaultKind.Status503 : FaultKind.None);
        RemoteOptions options = RemoteChecks.Options();
        options.MaxRetries = 3;
        using var engine = new RemoteEngine(options);
        using ByteSource source = engine.Open(url.Replace(server.BaseUrl, proxy.BaseUrl, StringComparison.Ordinal) + "?sig=TOPSECRET&x=1");
        byte[] buffer = new byte[1000];
        IOException e = Assert.Throws<IOException>(() => RemoteChecks.Bounded(() => source.ReadExactly(70_000, buffer)));
        Assert.Contains("/o/down.npy?sig=REDACTED&x=1: bytes 65536-131071: failed after 4 attempts: HTTP 503", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("TOPSECRET", e.ToString(), StringComparison.Ordinal);

        // The block was dropped, not poisoned: once the server is back, the same read succeeds.
        proxy.Policy = _ => FaultKind.None;
        source.ReadExactly(70_000, buffer);
        Assert.True(buffer.AsSpan().SequenceEqual(RemoteChecks.Npy.AsSpan(70_000, buffer.Length)));
    }

    [Fact]
    public void ReadAtMost_RetryBudgetSpent_FailsFast()
    {
        string url = server.Put("budget.npy", RemoteChecks.Npy);
        using var proxy = new FaultProxy(server.BaseUrl, r => FaultProxy.IsData(r) ? FaultKind.Status503 : FaultKind.None);
        RemoteOptions options = RemoteChecks.Options();
        options.RetryBudget = 2;
        using var engine = new RemoteEngine(options);
        using ByteSource source = engine.Open(url.Replace(server.BaseUrl, proxy.BaseUrl, StringComparison.Ordinal));
        byte[] buffer = new byte[1000];
        IOException e = Assert.Throws<IOException>(() => RemoteChecks.Bounded(() => source.ReadExactly(0, buffer)));
        Assert.Contains("the retry budget of 2 being spent", e.Message, StringComparison.Ordinal);
        IOException again = Assert.Throws<IOException>(() => RemoteChecks.Bounded(() => source.ReadExactly(500_000, buffer)));
        Assert.Contains("failed after 1 attempts", again.Message, StringComparison.Ordinal);
        Assert.Equal(2, engine.Statistics.Retries);
    }
}
