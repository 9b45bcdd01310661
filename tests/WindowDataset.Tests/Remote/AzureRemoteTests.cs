using WindowDataset.Remote;
using WindowDataset.Sources;
using WindowDataset.Tests.Remote.Infrastructure;

namespace WindowDataset.Tests.Remote;

[Collection(AzureCollection.Name)]
public sealed class AzureRemoteTests(AzuriteFixture azure)
{
    [Fact]
    public void ReadAtMost_RandomRanges_EqualLocalBytes()
    {
        string url = azure.Put("data/random.npy", RemoteChecks.Npy);
        using var engine = new RemoteEngine(RemoteChecks.Options());
        using ByteSource source = engine.Open(url);
        Assert.Equal(url, source.Name);
        RemoteChecks.Bounded(() => RemoteChecks.ReadRandomRanges(source, RemoteChecks.Npy, 200, 300_000));
        Assert.Equal(0, engine.Statistics.Retries);
    }

    [Fact]
    public void List_Pattern_MatchesLastSegmentInOrdinalOrder()
    {
        byte[] small = RemoteChecks.Npy.AsSpan(0, 1000).ToArray();
        foreach (string name in (string[])["shards/b.npy", "shards/a.npy", "shards/a.txt", "shards/deep/c.npy", "other/d.npy"])
        {
            azure.Put(name, small);
        }

        using var engine = new RemoteEngine(RemoteChecks.Options());
        string c = AzuriteFixture.ContainerName;
        Assert.Equal([$"az://{c}/shards/a.npy", $"az://{c}/shards/b.npy"], engine.List($"az://{c}/shards/*.npy"));
    }

    [Fact]
    public void ReadAtMost_BlobOverwritten_ThrowsChanged()
    {
        string url = azure.Put("data/changing.npy", RemoteChecks.Npy);
        using var engine = new RemoteEngine(RemoteChecks.Options());
        using ByteSource source = engine.Open(url);
        byte[] buffer = new byte[100_000];
        source.ReadExactly(0, buffer);
        azure.Put("data/changing.npy", RemoteChecks.Changed());
        IOException e = Assert.Throws<IOException>(() => source.ReadExactly(1_000_000, buffer));
        Assert.Contains(url, e.Message, StringComparison.Ordinal);
        Assert.Contains("the object changed since it was opened", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sas_ThroughHttp_ReadsAndRedacts()
    {
        azure.Put("data/sas.npy", RemoteChecks.Npy);
        string sas = azure.Sas("data/sas.npy");
        string signature = System.Web.HttpUtility.ParseQueryString(new Uri(sas).Query)["sig"]!;
        using var engine = new RemoteEngine(RemoteChecks.Options());
        using ByteSource source = engine.Open(sas);
        Assert.Contains("sig=REDACTED", source.Name, StringComparison.Ordinal);
        Assert.DoesNotContain(signature, source.Name, StringComparison.Ordinal);
        RemoteChecks.Bounded(() => RemoteChecks.ReadRandomRanges(source, RemoteChecks.Npy, 40, 300_000, threads: 2));

        // A wrong signature: the error names the URL, without the signature.
        IOException e = Assert.Throws<IOException>(() => engine.Open(sas.Replace("sig=", "sig=x", StringComparison.Ordinal)));
        Assert.Contains("sig=REDACTED", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(signature, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ReadAtMost_FaultsThroughProxy_Exact()
    {
        azure.Put("data/faulty.npy", RemoteChecks.Npy);
        // The first request for each range fails (dropped mid-body or 503, in turn); its retry goes through.
        var seen = new HashSet<string>();
        using var proxy = new FaultProxy(azure.BlobEndpoint[..azure.BlobEndpoint.LastIndexOf('/')], r =>
        {
            lock (seen)
            {
                return r.Method == "GET" && r.Range.Length > 0 && seen.Add(r.Range) ? (seen.Count % 2 == 0 ? FaultKind.DropMidBody : FaultKind.Status503) : FaultKind.None;
            }
        });
        using var engine = new RemoteEngine(RemoteChecks.Options());

        // Tests of this collection run one at a time: the engine reads the variable when it opens its first blob.
        Environment.SetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING", azure.ConnectionString.Replace(azure.BlobEndpoint, proxy.BaseUrl + "/devstoreaccount1", StringComparison.Ordinal));
        ByteSource source;
        try
        {
            source = engine.Open($"az://{AzuriteFixture.ContainerName}/data/faulty.npy");
        }
        finally
        {
            Environment.SetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING", azure.ConnectionString);
        }

        using ByteSource opened = source;
        RemoteChecks.Bounded(() => RemoteChecks.ReadRandomRanges(source, RemoteChecks.Npy, 100, 200_000));
        Assert.True(proxy.Injected > 0);

        // The SDK resumes a dropped body itself (same ETag, the rest of the range): only the 503s reach the engine.
        Assert.InRange(engine.Statistics.Retries, 1, proxy.Injected);
    }
}
