using WindowDataset.Tests.Formats;
using WindowDataset.Tests.Infrastructure;
using WindowDataset.Tests.Remote.Infrastructure;

namespace WindowDataset.Tests.Remote;

/// <summary>The loader over Azure Blob Storage (Azurite) by <c>az://</c> URL.</summary>
[Collection(AzureCollection.Name)]
public sealed class AzureLoaderTests(AzuriteFixture azure) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ReadWindow_BlobByAzUrl_EqualsTheLocalFile()
    {
        string local = TestArrays.WriteNpy(_dir.File("z.npy"), 300, 3);
        string url = azure.Put("loader/z.npy", File.ReadAllBytes(local));
        ChunkedSourceLoaderTests.AssertSameWindows(SourceOptions.FromPaths(url), SourceOptions.FromPaths(local), window: 4);
    }
}
