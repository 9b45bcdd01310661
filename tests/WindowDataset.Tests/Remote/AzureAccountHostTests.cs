using WindowDataset.Remote;
using WindowDataset.Sources;
using WindowDataset.Tests.Formats;
using WindowDataset.Tests.Infrastructure;
using WindowDataset.Tests.Remote.Infrastructure;

namespace WindowDataset.Tests.Remote;

/// <summary>
/// The <c>https://account.blob.core.windows.net/container/blob</c> form through Azure.Storage.Blobs against a real
/// Azurite over TLS (<see cref="AzuriteHttpsFixture"/>): with a SAS in the URL, and without one, with the account key
/// of <c>AZURE_STORAGE_CONNECTION_STRING</c>. In the Azurite collection: its tests change that variable one at a time.
/// </summary>
[Collection(AzureCollection.Name)]
public sealed class AzureAccountHostTests(AzuriteFixture azure, AzuriteHttpsFixture https) : IClassFixture<AzuriteHttpsFixture>, IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ReadWindow_AccountHostUrlWithBlobSas_EqualsTheLocalFile()
    {
        string local = TestArrays.WriteNpy(_dir.File("z.npy"), 300, 3);
        string url = https.Put("host/z.npy", File.ReadAllBytes(local)) + "?" + AzuriteHttpsFixture.BlobSas("host/z.npy");
        Assert.Equal(RemoteUrlKind.AzureUri, RemoteUrl.Parse(url).Kind);
        ChunkedSourceLoaderTests.AssertSameWindows(SourceOptions.FromPaths(url), SourceOptions.FromPaths(local), window: 4);
        Assert.True(https.Connections > 0);
    }

    [Fact]
    public void ReadAtMost_AccountHostUrlWithConnectionString_EqualsLocalBytes()
    {
        string url = https.Put("host/random.npy", RemoteChecks.Npy);
        WithConnectionString(https.ConnectionString, () =>
        {
            using var engine = new RemoteEngine(RemoteChecks.Options());
            using ByteSource source = engine.Open(url);
            Assert.Equal(url, source.Name);
            RemoteChecks.Bounded(() => RemoteChecks.ReadRandomRanges(source, RemoteChecks.Npy, 200, 300_000));
            Assert.Equal(0, engine.Statistics.Retries);
        });
    }

    [Fact]
    public void List_AccountHostPatternWithContainerSas_MatchesLastSegmentAndLoads()
    {
        (string a, string b) = PutShards("sasshards");
        string sas = AzuriteHttpsFixture.ContainerSas();
        using (var engine = new RemoteEngine(RemoteChecks.Options()))
        {
            string[] urls = [.. engine.List(AzuriteHttpsFixture.Url("sasshards/") + "*.npy" + "?" + sas)];
            Assert.Equal([AzuriteHttpsFixture.Url("sasshards/part 0.npy") + "?" + sas, AzuriteHttpsFixture.Url("sasshards/part-1.npy") + "?" + sas], urls);
        }

        ChunkedSourceLoaderTests.AssertSameWindows(SourceOptions.FromPaths(AzuriteHttpsFixture.Url("sasshards/") + "part*.npy" + "?" + sas), SourceOptions.FromPaths(a, b), window: 6);
    }

    [Fact]
    public void List_AccountHostPatternWithConnectionString_MatchesLastSegmentAndLoads()
    {
        (string a, string b) = PutShards("keyshards");
        WithConnectionString(https.ConnectionString, () =>
        {
            using (var engine = new RemoteEngine(RemoteChecks.Options()))
            {
                Assert.Equal([AzuriteHttpsFixture.Url("keyshards/part 0.npy"), AzuriteHttpsFixture.Url("keyshards/part-1.npy")], engine.List(AzuriteHttpsFixture.Url("keyshards/") + "*.npy"));
            }

            ChunkedSourceLoaderTests.AssertSameWindows(SourceOptions.FromPaths(AzuriteHttpsFixture.Url("keyshards/") + "part*.npy"), SourceOptions.FromPaths(a, b), window: 6);
        });
    }

    [Fact]
    public void Open_WrongSasOrMissingBlob_ThrowsIOExceptionWithSasRedacted()
    {
        string url = https.Put("host/sas.npy", RemoteChecks.Npy.AsSpan(0, 1000).ToArray());
        string sas = AzuriteHttpsFixture.BlobSas("host/sas.npy");
        string signature = System.Web.HttpUtility.ParseQueryString(sas)["sig"]!;
        using var engine = new RemoteEngine(RemoteChecks.Options());

        IOException wrong = Assert.Throws<IOException>(() => engine.Open(url + "?" + sas.Replace("sig=", "sig=x", StringComparison.Ordinal)));
        Assert.StartsWith(AzuriteHttpsFixture.Url("host/sas.npy") + "?", wrong.Message, StringComparison.Ordinal);
        Assert.Contains("sig=REDACTED", wrong.Message, StringComparison.Ordinal);
        Assert.Contains("opening: Azure 403 AuthorizationFailure", wrong.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(signature, wrong.ToString(), StringComparison.Ordinal);

        string containerSas = AzuriteHttpsFixture.ContainerSas();
        string containerSignature = System.Web.HttpUtility.ParseQueryString(containerSas)["sig"]!;
        IOException missing = Assert.Throws<IOException>(() => engine.Open(AzuriteHttpsFixture.Url("host/missing.npy") + "?" + containerSas));
        Assert.StartsWith(AzuriteHttpsFixture.Url("host/missing.npy") + "?", missing.Message, StringComparison.Ordinal);
        Assert.Contains("sig=REDACTED", missing.Message, StringComparison.Ordinal);
        Assert.Contains("opening: Azure 404 BlobNotFound", missing.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(containerSignature, missing.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, engine.Statistics.Retries);
    }

    [Fact]
    public void Open_SameBlobUnderAnotherAccountHost_ResourceNotFound()
    {
        // Azurite takes the account from the host: under a host of an account it does not have, the same path and SAS are not found.
        string url = https.Put("host/account.npy", RemoteChecks.Npy.AsSpan(0, 1000).ToArray());
        string sas = AzuriteHttpsFixture.BlobSas("host/account.npy");
        using var engine = new RemoteEngine(RemoteChecks.Options());
        using (ByteSource source = engine.Open(url + "?" + sas))
        {
            Assert.Equal(1000, source.Length);
        }

        string other = url.Replace(AzuriteHttpsFixture.Host, "otheraccount.blob.core.windows.net", StringComparison.Ordinal);
        IOException e = Assert.Throws<IOException>(() => engine.Open(other + "?" + sas));
        Assert.StartsWith(other + "?", e.Message, StringComparison.Ordinal);
        Assert.EndsWith(": opening: Azure 404 ResourceNotFound", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ConnectionStringOfAnotherAccount_ThrowsNamingBothAccounts()
    {
        string url = https.Put("host/other.npy", RemoteChecks.Npy.AsSpan(0, 1000).ToArray());
        WithConnectionString(https.ConnectionString.Replace("AccountName=" + AzuriteHttpsFixture.Account, "AccountName=otheraccount", StringComparison.Ordinal), () =>
        {
            using var engine = new RemoteEngine(RemoteChecks.Options());
            IOException e = Assert.Throws<IOException>(() => engine.Open(url));
            Assert.Equal($"{url}: opening: expected a SAS in the URL, or AZURE_STORAGE_CONNECTION_STRING with AccountName={AzuriteHttpsFixture.Account} (the URL's account); found AccountName=otheraccount.", e.Message);
            Assert.DoesNotContain(AzuriteHttpsFixture.AccountKey, e.ToString(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Open_ConnectionStringWithoutKey_ThrowsNamingTheMissingField()
    {
        string url = https.Put("host/nokey.npy", RemoteChecks.Npy.AsSpan(0, 1000).ToArray());
        WithConnectionString($"BlobEndpoint=https://{AzuriteHttpsFixture.Host};AccountName={AzuriteHttpsFixture.Account}", () =>
        {
            using var engine = new RemoteEngine(RemoteChecks.Options());
            IOException e = Assert.Throws<IOException>(() => engine.Open(url));
            Assert.Equal($"{url}: opening: expected a SAS in the URL, or AccountName and AccountKey in AZURE_STORAGE_CONNECTION_STRING; found no AccountKey.", e.Message);
        });
    }

    [Fact]
    public void Open_NoCredentialOnAPrivateContainer_ThrowsSayingItWasAnonymous()
    {
        string url = https.Put("host/private.npy", RemoteChecks.Npy.AsSpan(0, 1000).ToArray());
        WithConnectionString(null, () =>
        {
            using var engine = new RemoteEngine(RemoteChecks.Options());
            IOException e = Assert.Throws<IOException>(() => engine.Open(url));
            Assert.Equal($"{url}: opening: Azure 403 AuthorizationFailure (read anonymously: no SAS in the URL and AZURE_STORAGE_CONNECTION_STRING unset)", e.Message);
        });
    }

    /// <summary>Two shards (one name with a space, escaped in its URL) and a blob the pattern must not match; returns the local files.</summary>
    private (string A, string B) PutShards(string folder)
    {
        string a = TestArrays.WriteNpyShard(_dir.File(folder + "-0.npy"), 0, 120, 5);
        string b = TestArrays.WriteNpyShard(_dir.File(folder + "-1.npy"), 120, 80, 5);
        https.Put(folder + "/part 0.npy", File.ReadAllBytes(a));
        https.Put(folder + "/part-1.npy", File.ReadAllBytes(b));
        https.Put(folder + "/part-2.txt", [1, 2, 3]);
        https.Put(folder + "/deep/part-3.npy", File.ReadAllBytes(a));
        return (a, b);
    }

    /// <summary>Runs <paramref name="action"/> with <c>AZURE_STORAGE_CONNECTION_STRING</c> set to <paramref name="value"/>, then restores the Azurite one.</summary>
    private void WithConnectionString(string? value, Action action)
    {
        Environment.SetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING", value);
        try
        {
            action();
        }
        finally
        {
            Environment.SetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING", azure.ConnectionString);
        }
    }
}
