using System.Globalization;
using Azure;
using Azure.Core.Pipeline;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace WindowDataset.Remote;

/// <summary>
/// Azure Blob Storage through Azure.Storage.Blobs: <c>az://container/blob</c> with the connection string of
/// <c>AZURE_STORAGE_CONNECTION_STRING</c>, or <c>https://account.blob.core.windows.net/...</c> with the URL's SAS
/// (without one: the account key of that connection string when its AccountName is the URL's account, else anonymous).
/// The SDK's own retries are off: the engine retries, within its budget.
/// </summary>
internal sealed class AzureBackend(TimeSpan timeout) : RemoteBackend
{
    private const string ConnectionVariable = "AZURE_STORAGE_CONNECTION_STRING";
    private readonly Lock _gate = new();
    private BlobServiceClient? _service;
    private (string Account, string Key)? _sharedKey;

    /// <summary>
    /// Test hook: the transport for account-host URLs of a host (the tests route <c>*.blob.core.windows.net</c> to a
    /// local Azurite over TLS); null, or null for that host: the SDK's own.
    /// </summary>
    internal static Func<string, HttpPipelineTransport?>? AccountHostTransport { get; set; }

    public override async Task<RemoteObjectInfo> StatAsync(RemoteUrl url, CancellationToken cancellationToken)
    {
        try
        {
            Response<BlobProperties> properties = await Blob(url).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return new RemoteObjectInfo(properties.Value.ContentLength, properties.Value.ETag.ToString());
        }
        catch (RequestFailedException e)
        {
            throw Translate(e, url);
        }
    }

    public override async Task<RangeResponse> GetRangeAsync(RemoteUrl url, string? etag, long offset, long length, CancellationToken cancellationToken)
    {
        var options = new BlobDownloadOptions { Range = new HttpRange(offset, length) };
        if (etag is not null)
        {
            options.Conditions = new BlobRequestConditions { IfMatch = new ETag(etag) };
        }

        Response<BlobDownloadStreamingResult> response;
        try
        {
            response = await Blob(url).DownloadStreamingAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e)
        {
            throw Translate(e, url);
        }

        BlobDownloadStreamingResult result = response.Value;
        try
        {
            string now = result.Details.ETag.ToString();
            if (etag is not null && now.Length > 0 && now != etag)
            {
                throw new RemoteChangedException(now);
            }

            if (result.Details.ContentLength != length)
            {
                throw new RemoteTransientException(string.Create(CultureInfo.InvariantCulture, $"truncated body: Content-Length {result.Details.ContentLength} for a {length}-byte range"));
            }

            return new RangeResponse(result.Content, result);
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    public override async Task<List<string>> ListAsync(RemoteUrl url, string container, string prefix, CancellationToken cancellationToken)
    {
        BlobContainerClient client = Container(url, container);
        var names = new List<string>();
        try
        {
            await foreach (BlobItem item in client.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
            {
                names.Add(item.Name);
            }
        }
        catch (RequestFailedException e)
        {
            throw Translate(e, url);
        }

        return names;
    }

    public override async Task<ObjectResponse?> GetObjectAsync(RemoteUrl url, CancellationToken cancellationToken)
    {
        Response<BlobDownloadStreamingResult> response;
        try
        {
            response = await Blob(url).DownloadStreamingAsync(new BlobDownloadOptions(), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (IsMissingBlob(e))
        {
            return null;
        }
        catch (RequestFailedException e)
        {
            throw Translate(e, url);
        }

        BlobDownloadStreamingResult result = response.Value;
        return new ObjectResponse(result.Content, result.Details.ContentLength, result.Details.ETag.ToString(), result);
    }

    public override async Task<RemoteObjectInfo?> TryStatAsync(RemoteUrl url, CancellationToken cancellationToken)
    {
        try
        {
            Response<BlobProperties> properties = await Blob(url).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return new RemoteObjectInfo(properties.Value.ContentLength, properties.Value.ETag.ToString());
        }
        catch (RequestFailedException e) when (IsMissingBlob(e))
        {
            return null;
        }
        catch (RequestFailedException e)
        {
            throw Translate(e, url);
        }
    }

    public override async Task<List<string>> ListFoldersAsync(RemoteUrl url, string container, string prefix, CancellationToken cancellationToken)
    {
        BlobContainerClient client = Container(url, container);
        var folders = new List<string>();
        try
        {
            await foreach (BlobHierarchyItem item in client.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", prefix, cancellationToken).ConfigureAwait(false))
            {
                if (item.IsPrefix)
                {
                    folders.Add(item.Prefix);
                }
            }
        }
        catch (RequestFailedException e)
        {
            throw Translate(e, url);
        }

        return folders;
    }

    public override void Dispose()
    {
    }

    private BlobClient Blob(RemoteUrl url)
    {
        if (url.Kind != RemoteUrlKind.AzureUri)
        {
            return Service(url).GetBlobContainerClient(url.Container).GetBlobClient(url.Key);
        }

        return SharedKey(url) is { } key ? new BlobClient(url.Uri, key, Options(timeout, url.Uri)) : new BlobClient(url.Uri, Options(timeout, url.Uri));
    }

    /// <summary>
    /// The account key for an account-host URL without a SAS: from <c>AZURE_STORAGE_CONNECTION_STRING</c> when it is
    /// set (its AccountName must be the URL's account); null (anonymous: public containers) when it is not.
    /// </summary>
    private StorageSharedKeyCredential? SharedKey(RemoteUrl url)
    {
        if (HasSignature(url))
        {
            return null;
        }

        string account = url.Uri!.Host[..url.Uri.Host.IndexOf('.', StringComparison.Ordinal)];
        (string Account, string Key) found;
        lock (_gate)
        {
            // Read once per loader, like the connection string of az:// URLs.
            found = _sharedKey ??= ParseSharedKey(Environment.GetEnvironmentVariable(ConnectionVariable));
        }

        if (found.Key.Length == 0)
        {
            return null;
        }

        if (!string.Equals(found.Account, account, StringComparison.OrdinalIgnoreCase))
        {
            throw new RemotePermanentException($"expected a SAS in the URL, or {ConnectionVariable} with AccountName={account} (the URL's account); found AccountName={found.Account}.");
        }

        return new StorageSharedKeyCredential(found.Account, found.Key);
    }

    /// <summary>AccountName and AccountKey of a connection string; empty ones when it is unset.</summary>
    private static (string Account, string Key) ParseSharedKey(string? connection)
    {
        if (string.IsNullOrWhiteSpace(connection))
        {
            return (string.Empty, string.Empty);
        }

        string? account = null, key = null;
        foreach (string part in connection.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                string field = part[..equals].Trim();
                if (field.Equals("AccountName", StringComparison.OrdinalIgnoreCase))
                {
                    account = part[(equals + 1)..];
                }
                else if (field.Equals("AccountKey", StringComparison.OrdinalIgnoreCase))
                {
                    key = part[(equals + 1)..];
                }
            }
        }

        if (string.IsNullOrEmpty(account) || string.IsNullOrEmpty(key))
        {
            throw new RemotePermanentException($"expected a SAS in the URL, or AccountName and AccountKey in {ConnectionVariable}; found no {(string.IsNullOrEmpty(account) ? "AccountName" : "AccountKey")}.");
        }

        return (account, key);
    }

    private static bool HasSignature(RemoteUrl url) =>
        url.Uri!.Query.StartsWith("?sig=", StringComparison.OrdinalIgnoreCase) || url.Uri.Query.Contains("&sig=", StringComparison.OrdinalIgnoreCase);

    /// <summary>A blob that does not exist (BlobNotFound; a HEAD's bare 404); a missing container is an error.</summary>
    private static bool IsMissingBlob(RequestFailedException e) =>
        e.Status == 404 && e.ErrorCode != "ContainerNotFound";

    /// <summary>The container of a URL, for listing: an account-host URL keeps its SAS (or the connection string's key) and transport.</summary>
    private BlobContainerClient Container(RemoteUrl url, string container)
    {
        if (url.Kind != RemoteUrlKind.AzureUri)
        {
            return Service(url).GetBlobContainerClient(container);
        }

        var uri = new Uri(url.Uri!.GetLeftPart(UriPartial.Authority) + "/" + Uri.EscapeDataString(container) + url.Uri.Query);
        return SharedKey(url) is { } key ? new BlobContainerClient(uri, key, Options(timeout, uri)) : new BlobContainerClient(uri, Options(timeout, uri));
    }

    private BlobServiceClient Service(RemoteUrl url)
    {
        lock (_gate)
        {
            if (_service is null)
            {
                string? connection = Environment.GetEnvironmentVariable(ConnectionVariable);
                if (string.IsNullOrWhiteSpace(connection))
                {
                    throw new RemotePermanentException($"expected the {ConnectionVariable} environment variable for {url.Name}; found it unset (or give an https:// URL with a SAS).");
                }

                try
                {
                    _service = new BlobServiceClient(connection, Options(timeout));
                }
                catch (FormatException)
                {
                    throw new RemotePermanentException("expected a valid connection string in AZURE_STORAGE_CONNECTION_STRING; found one that does not parse.");
                }
            }

            return _service;
        }
    }

    private static BlobClientOptions Options(TimeSpan timeout, Uri? accountHost = null)
    {
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = timeout;
        if (accountHost is not null && AccountHostTransport?.Invoke(accountHost.Host) is { } transport)
        {
            options.Transport = transport;
        }

        return options;
    }

    private Exception Translate(RequestFailedException e, RemoteUrl url)
    {
        if (e.Status == 412)
        {
            return new RemoteChangedException("?");
        }

        // A private blob read without credentials answers 404 or 403: say that no credential was sent.
        bool anonymous;
        lock (_gate)
        {
            anonymous = url.Kind == RemoteUrlKind.AzureUri && !HasSignature(url) && _sharedKey is { Key.Length: 0 };
        }

        string text = RemoteUrl.Redact(string.Create(CultureInfo.InvariantCulture, $"Azure {e.Status} {e.ErrorCode ?? "(no error code)"}{(anonymous && e.Status is 401 or 403 or 404 or 409 ? $" (read anonymously: no SAS in the URL and {ConnectionVariable} unset)" : string.Empty)}"));
        return IsTransientStatus(e.Status) ? new RemoteTransientException(text) : new RemotePermanentException(text);
    }
}
