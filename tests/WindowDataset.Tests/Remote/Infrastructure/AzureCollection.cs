namespace WindowDataset.Tests.Remote.Infrastructure;

/// <summary>Tests that share one Azurite.</summary>
[CollectionDefinition(Name)]
public sealed class AzureCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "azurite";
}
