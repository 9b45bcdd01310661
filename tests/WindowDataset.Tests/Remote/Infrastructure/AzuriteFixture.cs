using Azure.Storage.Blobs;
using Azure.Storage.Sas;

namespace WindowDataset.Tests.Remote.Infrastructure;

/// <summary>
/// A real Azure Blob emulator (npm Azurite, blob service only, in memory) on a free port of 127.0.0.1, with one
/// container; <c>AZURE_STORAGE_CONNECTION_STRING</c> points at it for <c>az://</c> URLs.
/// </summary>
public sealed class AzuriteFixture : IDisposable
{
    public const string ContainerName = "windowds";

    // Azurite's documented well-known development account key (not a secret).
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly WindowDataset.Tests.Infrastructure.TempDirectory _data = new();
    private readonly NodeServer _server;

    public AzuriteFixture()
    {
        string modules = RemoteTools.NodeModules();
        int port = NodeServer.FreePort();
        _server = NodeServer.Start("azurite", Path.Combine(modules, "azurite", "dist", "src", "blob", "main.js"), ["--blobHost", "127.0.0.1", "--blobPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--silent", "--skipApiVersionCheck", "--loose", "--inMemoryPersistence", "--disableTelemetry"], port, _data.Path);
        BlobEndpoint = $"http://127.0.0.1:{port}/devstoreaccount1";
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};BlobEndpoint={BlobEndpoint};";
        Environment.SetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING", ConnectionString);
        Container = new BlobContainerClient(ConnectionString, ContainerName);
        Container.CreateIfNotExists();
    }

    public string BlobEndpoint { get; }

    public string ConnectionString { get; }

    public BlobContainerClient Container { get; }

    /// <summary>Uploads <paramref name="data"/> as <paramref name="name"/> (overwriting) and returns its <c>az://</c> URL.</summary>
    public string Put(string name, byte[] data)
    {
        Container.GetBlobClient(name).Upload(new BinaryData(data), overwrite: true);
        return $"az://{ContainerName}/{name}";
    }

    /// <summary>A read SAS URL of <paramref name="name"/> (read through the plain HTTP client).</summary>
    public string Sas(string name) => Container.GetBlobClient(name).GenerateSasUri(BlobSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(1)).ToString();

    public void Dispose()
    {
        _server.Dispose();
        _data.Dispose();
    }
}
