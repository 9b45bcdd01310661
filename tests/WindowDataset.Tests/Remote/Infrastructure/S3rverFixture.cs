using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace WindowDataset.Tests.Remote.Infrastructure;

/// <summary>
/// A real S3-compatible server (npm s3rver) on a free port of 127.0.0.1 for the test run, with one bucket. It takes
/// any signature made with the S3RVER key, which the engine finds through the SDK's default chain (environment).
/// </summary>
public sealed class S3rverFixture : IDisposable
{
    public const string Bucket = "windowds";
    private readonly WindowDataset.Tests.Infrastructure.TempDirectory _data = new();
    private readonly NodeServer _server;

    public S3rverFixture()
    {
        string modules = RemoteTools.NodeModules();
        int port = NodeServer.FreePort();
        _server = NodeServer.Start("s3rver", Path.Combine(modules, "s3rver", "bin", "s3rver.js"), ["-d", _data.Path, "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--silent", "--configure-bucket", Bucket], port);
        Endpoint = $"http://127.0.0.1:{port}";
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "S3RVER");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "S3RVER");
        Environment.SetEnvironmentVariable("AWS_REGION", "us-east-1");
        Client = new AmazonS3Client(new BasicAWSCredentials("S3RVER", "S3RVER"), new AmazonS3Config
        {
            ServiceURL = Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });
    }

    public string Endpoint { get; }

    public AmazonS3Client Client { get; }

    /// <summary>Uploads <paramref name="data"/> as <paramref name="key"/> and returns its <c>s3://</c> URL.</summary>
    public string Put(string key, byte[] data)
    {
        Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, InputStream = new MemoryStream(data), UseChunkEncoding = false }).GetAwaiter().GetResult();
        return $"s3://{Bucket}/{key}";
    }

    /// <summary>A presigned GET URL of <paramref name="key"/> (read through the plain HTTP client).</summary>
    public string Presign(string key) => Client.GetPreSignedURL(new GetPreSignedUrlRequest
    {
        BucketName = Bucket,
        Key = key,
        Verb = HttpVerb.GET,
        Expires = DateTime.UtcNow.AddHours(1),
        Protocol = Protocol.HTTP,
    });

    public void Dispose()
    {
        Client.Dispose();
        _server.Dispose();
        _data.Dispose();
    }
}
