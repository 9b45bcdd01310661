using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Core.Pipeline;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using WindowDataset.Remote;

namespace WindowDataset.Tests.Remote.Infrastructure;

/// <summary>
/// A second Azurite (npm, blob service, in memory) serving HTTPS on a free port of 127.0.0.1 with a throwaway
/// self-signed certificate, reached by production-style URLs: <c>https://devstoreaccount1.blob.core.windows.net/...</c>.
/// Azurite takes the account from the first label of a host name that is neither an IP address nor a known name,
/// so it sees <c>devstoreaccount1</c>. The library's client reaches it through the internal
/// <see cref="AzureBackend.AccountHostTransport"/>: an HttpClient whose connections to <c>*.blob.core.windows.net:443</c>
/// go to this Azurite (and that dials nothing else) and which accepts that one certificate, by thumbprint; the Host header, SNI and signatures stay those of the
/// production URL. Blobs are uploaded through the path-style endpoint (<c>https://127.0.0.1:port/devstoreaccount1</c>).
/// </summary>
public sealed class AzuriteHttpsFixture : IDisposable
{
    public const string Account = "devstoreaccount1";
    public const string ContainerName = "windowds";
    public const string Host = Account + ".blob.core.windows.net";

    // Azurite's documented well-known development account key (not a secret).
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly WindowDataset.Tests.Infrastructure.TempDirectory _data = new();
    private readonly NodeServer _server;
    private readonly HttpClient _http;
    private readonly HttpClientTransport _transport;
    private readonly Func<string, HttpPipelineTransport?> _hook;
    private int _connections;

    public AzuriteHttpsFixture()
    {
        string thumbprint = WriteCertificate(_data.Path, out string certPath, out string keyPath);
        int port = NodeServer.FreePort();
        string modules = RemoteTools.NodeModules();
        _server = NodeServer.Start("azurite (https)", Path.Combine(modules, "azurite", "dist", "src", "blob", "main.js"), ["--blobHost", "127.0.0.1", "--blobPort", port.ToString(CultureInfo.InvariantCulture), "--silent", "--skipApiVersionCheck", "--loose", "--inMemoryPersistence", "--disableTelemetry", "--cert", certPath, "--key", keyPath], port, _data.Path);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                // Only this test's hosts are dialled, and always to the local Azurite: nothing leaves the machine.
                string host = context.DnsEndPoint.Host;
                if (!(host.EndsWith(".blob.core.windows.net", StringComparison.OrdinalIgnoreCase) && context.DnsEndPoint.Port == 443) && !(host == "127.0.0.1" && context.DnsEndPoint.Port == port))
                {
                    throw new HttpRequestException($"test transport: expected *.blob.core.windows.net:443 or 127.0.0.1:{port}; found {host}:{context.DnsEndPoint.Port}.");
                }

                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
                    Interlocked.Increment(ref _connections);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && certificate.GetCertHashString(HashAlgorithmName.SHA256) == thumbprint,
            },
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _transport = new HttpClientTransport(_http);
        _hook = host => host.EndsWith(".blob.core.windows.net", StringComparison.OrdinalIgnoreCase) ? _transport : null;
        AzureBackend.AccountHostTransport = _hook;

        PathStyleEndpoint = $"https://127.0.0.1:{port}/{Account}";
        ConnectionString = $"DefaultEndpointsProtocol=https;AccountName={Account};AccountKey={AccountKey};BlobEndpoint={PathStyleEndpoint};";
        Container = new BlobContainerClient(ConnectionString, ContainerName, new BlobClientOptions { Transport = _transport });
        Container.CreateIfNotExists();
    }

    /// <summary>The same account by path (how the blobs are uploaded).</summary>
    public string PathStyleEndpoint { get; }

    /// <summary>A connection string of this instance's account (its BlobEndpoint is the path-style one).</summary>
    public string ConnectionString { get; }

    public BlobContainerClient Container { get; }

    /// <summary>TCP connections the test transport made to this Azurite (proof that requests went to it).</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary><c>https://devstoreaccount1.blob.core.windows.net/windowds/</c> + <paramref name="name"/> (escaped by segment), no query.</summary>
    public static string Url(string name) => $"https://{Host}/{ContainerName}/{string.Join('/', name.Split('/').Select(Uri.EscapeDataString))}";

    /// <summary>Uploads <paramref name="data"/> as <paramref name="name"/> (overwriting) and returns its account-host URL without a SAS.</summary>
    public string Put(string name, byte[] data)
    {
        Container.GetBlobClient(name).Upload(new BinaryData(data), overwrite: true);
        return Url(name);
    }

    /// <summary>A blob read SAS for <paramref name="name"/> (built with <see cref="BlobSasBuilder"/> and the account key), without the '?'.</summary>
    public static string BlobSas(string name) => Sas(new BlobSasBuilder(BlobSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(1)) { BlobContainerName = ContainerName, BlobName = name, Resource = "b" });

    /// <summary>A container SAS that reads and lists, without the '?'.</summary>
    public static string ContainerSas() => Sas(new BlobSasBuilder(BlobContainerSasPermissions.Read | BlobContainerSasPermissions.List, DateTimeOffset.UtcNow.AddHours(1)) { BlobContainerName = ContainerName, Resource = "c" });

    public void Dispose()
    {
        // Unhook only if no other fixture replaced it since.
        if (AzureBackend.AccountHostTransport == _hook)
        {
            AzureBackend.AccountHostTransport = null;
        }

        _http.Dispose();
        _server.Dispose();
        _data.Dispose();
    }

    private static string Sas(BlobSasBuilder builder) => builder.ToSasQueryParameters(new StorageSharedKeyCredential(Account, AccountKey)).ToString();

    /// <summary>Writes a self-signed certificate for the production host names as PEM files; returns its SHA-256 thumbprint.</summary>
    private static string WriteCertificate(string directory, out string certPath, out string keyPath)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={Host}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(Host);
        names.AddDnsName("*.blob.core.windows.net");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        certPath = Path.Combine(directory, "azurite-cert.pem");
        keyPath = Path.Combine(directory, "azurite-key.pem");
        File.WriteAllText(certPath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return certificate.GetCertHashString(HashAlgorithmName.SHA256);
    }
}
