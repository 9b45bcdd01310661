using WindowDataset.Cli.Tests.Infrastructure;
using WindowDataset.Tests.Remote.Infrastructure;

namespace WindowDataset.Cli.Tests;

/// <summary><c>windowds take s3://bucket/A.npy</c> against s3rver equals take on the local file.</summary>
[Collection(S3Collection.Name)]
public sealed class TakeS3Tests(S3rverFixture s3)
{
    [Fact]
    public void Take_S3Url_EqualsTheLocalFile()
    {
        string url = s3.Put("cli/A.npy", File.ReadAllBytes(Tool.Fixture("cli-source.npy")));
        TakeRemoteTests.AssertSameAsLocal(url, "--endpoint", s3.Endpoint);
    }

    [Fact]
    public void Take_PresignedS3Url_EqualsTheLocalFile()
    {
        s3.Put("cli/B.npy", File.ReadAllBytes(Tool.Fixture("cli-source.npy")));
        TakeRemoteTests.AssertSameAsLocal(s3.Presign("cli/B.npy"));
    }
}
