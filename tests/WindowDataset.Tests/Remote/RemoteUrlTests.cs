using WindowDataset.Remote;

namespace WindowDataset.Tests.Remote;

public sealed class RemoteUrlTests
{
    [Theory]
    [InlineData("s3://bucket/key.npy", true)]
    [InlineData("S3://bucket/key.npy", true)]
    [InlineData("az://container/blob.npy", true)]
    [InlineData("https://host/x.npy", true)]
    [InlineData("http://host/x.npy", true)]
    [InlineData("/data/x.npy", false)]
    [InlineData("data/s3://x", false)]
    [InlineData("C:\\data\\x.npy", false)]
    [InlineData("", false)]
    public void IsUrl_Forms_Recognized(string path, bool expected) => Assert.Equal(expected, RemoteEngine.IsUrl(path));

    [Fact]
    public void Parse_Forms_PickTheirClients()
    {
        RemoteUrl s3 = RemoteUrl.Parse("s3://bucket/dir/key.npy");
        Assert.Equal((RemoteUrlKind.S3, "bucket", "dir/key.npy"), (s3.Kind, s3.Container, s3.Key));
        RemoteUrl az = RemoteUrl.Parse("az://cont/a/b.npy");
        Assert.Equal((RemoteUrlKind.AzureContainer, "cont", "a/b.npy"), (az.Kind, az.Container, az.Key));
        RemoteUrl blob = RemoteUrl.Parse("https://acct.blob.core.windows.net/cont/a/b.npy?sv=1&sig=abc");
        Assert.Equal((RemoteUrlKind.AzureUri, "cont", "a/b.npy"), (blob.Kind, blob.Container, blob.Key));
        Assert.Equal(RemoteUrlKind.Http, RemoteUrl.Parse("https://example.org/b.npy").Kind);
    }

    [Theory]
    [InlineData("s3://bucket")]
    [InlineData("s3://bucket/")]
    [InlineData("az:///blob")]
    [InlineData("ftp://host/x")]
    [InlineData("https://acct.blob.core.windows.net/cont")]
    public void Parse_Malformed_ThrowsArgumentException(string url) => Assert.Throws<ArgumentException>(() => RemoteUrl.Parse(url));

    [Theory]
    [InlineData("https://acct.blob.core.windows.net/c/b?sv=2024&sig=SECRETSIG&se=x", "SECRETSIG")]
    [InlineData("http://127.0.0.1/b/k?X-Amz-Algorithm=A&X-Amz-Credential=SECRETCRED%2F2024&X-Amz-Signature=SECRETSIG", "SECRET")]
    [InlineData("https://user:SECRETPASS@host/x.npy", "SECRETPASS")]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=a;AccountKey=SECRETKEY==;BlobEndpoint=x", "SECRETKEY")]
    public void Redact_Secrets_Removed(string text, string secret)
    {
        string redacted = RemoteEngine.Redact(text);
        Assert.DoesNotContain(secret, redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("user:", redacted, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_PlainUrl_Unchanged() => Assert.Equal("https://host/a.npy?x=1", RemoteEngine.Redact("https://host/a.npy?x=1"));

    [Fact]
    public void Check_Defaults_Pass() => Assert.Null(RemoteOptions.Check(new RemoteOptions(), "remote"));

    [Theory]
    [InlineData("concurrency", "remote.concurrency: expected 1..1024; found 0.")]
    [InlineData("blockSize", "remote.blockSize: expected 4KiB..64MiB; found 100.")]
    [InlineData("memoryCacheBytes", "remote.memoryCacheBytes: expected 0 (sized for the read-ahead) or at least 4 blocks")]
    [InlineData("requestTimeoutMilliseconds", "remote.requestTimeoutMilliseconds: expected 1..3600000; found 0.")]
    [InlineData("maxRetries", "remote.maxRetries: expected 0..100; found -1.")]
    [InlineData("retryBudget", "remote.retryBudget: expected 0..10000000; found -1.")]
    [InlineData("readAheadBytes", "remote.readAheadBytes: expected >= 0; found -1.")]
    [InlineData("endpoint", "remote.endpoint: expected an http:// or https:// URL or null; found 'ftp://x'.")]
    [InlineData("cacheDirectory", "remote.cacheDirectory: expected a folder or null; found an empty string.")]
    public void Check_BadValue_NamesKey(string key, string message)
    {
        var o = new RemoteOptions();
        switch (key)
        {
            case "concurrency": o.Concurrency = 0; break;
            case "blockSize": o.BlockSize = 100; break;
            case "memoryCacheBytes": o.MemoryCacheBytes = o.BlockSize; break;
            case "requestTimeoutMilliseconds": o.RequestTimeoutMilliseconds = 0; break;
            case "maxRetries": o.MaxRetries = -1; break;
            case "retryBudget": o.RetryBudget = -1; break;
            case "readAheadBytes": o.ReadAheadBytes = -1; break;
            case "endpoint": o.Endpoint = "ftp://x"; break;
            case "cacheDirectory": o.CacheDirectory = string.Empty; break;
        }

        Assert.StartsWith(message, RemoteOptions.Check(o, "remote"), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new RemoteEngine(o));
    }

    [Fact]
    public void Clone_Copy_Independent()
    {
        var o = new RemoteOptions { Concurrency = 3, CacheDirectory = "/tmp/x" };
        RemoteOptions copy = o.Clone();
        copy.Concurrency = 9;
        Assert.Equal((3, "/tmp/x"), (o.Concurrency, copy.CacheDirectory));
    }
}
