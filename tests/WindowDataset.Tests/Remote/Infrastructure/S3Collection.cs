namespace WindowDataset.Tests.Remote.Infrastructure;

/// <summary>Tests that share one s3rver.</summary>
[CollectionDefinition(Name)]
public sealed class S3Collection : ICollectionFixture<S3rverFixture>
{
    public const string Name = "s3rver";
}
