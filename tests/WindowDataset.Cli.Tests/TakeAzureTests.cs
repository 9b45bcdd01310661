using WindowDataset.Tests.Remote.Infrastructure;

namespace WindowDataset.Cli.Tests;

/// <summary><c>windowds take az://container/A.npy</c> (connection string) and a SAS URL, against Azurite, equal take on the local file.</summary>
[Collection(AzureCollection.Name)]
public sealed class TakeAzureTests(AzuriteFixture azure)
{
    [Fact]
    public void Take_AzUrl_EqualsTheLocalFile()
    {
        string url = azure.Put("cli/A.npy", File.ReadAllBytes(Infrastructure.Tool.Fixture("cli-source.npy")));
        TakeRemoteTests.AssertSameAsLocal(url);
    }

    [Fact]
    public void Take_SasUrl_EqualsTheLocalFile()
    {
        azure.Put("cli/B.npy", File.ReadAllBytes(Infrastructure.Tool.Fixture("cli-source.npy")));
        TakeRemoteTests.AssertSameAsLocal(azure.Sas("cli/B.npy"));
    }
}
