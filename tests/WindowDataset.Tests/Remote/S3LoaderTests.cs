using WindowDataset.Tests.Formats;
using WindowDataset.Tests.Infrastructure;
using WindowDataset.Tests.Remote.Infrastructure;

namespace WindowDataset.Tests.Remote;

/// <summary>The loader over an S3 bucket (s3rver): shard patterns listed in the bucket.</summary>
[Collection(S3Collection.Name)]
public sealed class S3LoaderTests(S3rverFixture s3) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ReadWindow_ShardPatternInABucket_EqualsTheLocalShards()
    {
        string a = TestArrays.WriteNpyShard(_dir.File("part-0.npy"), 0, 120, 5);
        string b = TestArrays.WriteNpyShard(_dir.File("part-1.npy"), 120, 80, 5);
        s3.Put("loader/part-0.npy", File.ReadAllBytes(a));
        s3.Put("loader/part-1.npy", File.ReadAllBytes(b));
        var remote = new SourceOptions { Paths = [$"s3://{S3rverFixture.Bucket}/loader/part-*.npy"], Endpoint = s3.Endpoint };
        ChunkedSourceLoaderTests.AssertSameWindows(remote, SourceOptions.FromPaths(a, b), window: 6);
    }
}
