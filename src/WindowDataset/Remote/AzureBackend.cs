using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace WindowDataset.Remote;

/// <summary>
/// Azure Blob Storage through Azure.Storage.Blobs: <c>az://container/blob</c> with the connection string of
/// <c>AZURE_STORAGE_CONNECTION_STRING</c>, or <c>https://account.blob.core.windows.net/...</c> with the URL's SAS.
/// The SDK's own retries are off: the engine retries, within its budget.
/// </summary>
internal sealed class AzureBackend(TimeSpan timeout) : RemoteBackend
{
    private readonly Lock _gate = new();
    private BlobServiceClient? _service;

    public override async Task<RemoteObjectInfo> StatAsync(RemoteUrl url, CancellationToken cancellationToken)
    {
        try
        {
            Response<BlobProperties> properties = await Blob(url).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return new RemoteObjectInfo(properties.Value.ContentLength, properties.Value.ETag.ToString());
        }
        catch (RequestFailedException e)
        {
            throw Translate(e);
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
            throw Translate(e);
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
        BlobContainerClient client = url.Kind == RemoteUrlKind.AzureUri
            ? new BlobContainerClient(new Uri(url.Uri!.GetLeftPart(UriPartial.Authority) + "/" + Uri.EscapeDataString(container) + url.Uri.Query), Options(timeout))
            : Service(url).GetBlobContainerClient(container);
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
            throw Translate(e);
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
            throw Translate(e);
        }

        BlobDownloadStreamingResult result = response.Value;
        return new ObjectResponse(result.Content, result.Details.ContentLength, result);
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
            throw Translate(e);
        }
    }

    public override async Task<List<string>> ListFoldersAsync(RemoteUrl url, string container, string prefix, CancellationToken cancellationToken)
    {
        BlobContainerClient client = url.Kind == RemoteUrlKind.AzureUri
            ? new BlobContainerClient(new Uri(url.Uri!.GetLeftPart(UriPartial.Authority) + "/" + Uri.EscapeDataString(container) + url.Uri.Query), Options(timeout))
            : Service(url).GetBlobContainerClient(container);
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
            throw Translate(e);
        }

        return folders;
    }

    public override void Dispose()
    {
    }

    /// <summary>A blob that does not exist (BlobNotFound; a HEAD's bare 404); a missing container is an error.</summary>
    private static bool IsMissingBlob(RequestFailedException e) =>
        e.Status == 404 && e.ErrorCode != "ContainerNotFound";

    private BlobClient Blob(RemoteUrl url) => url.Kind == RemoteUrlKind.AzureUri
        ? new BlobClient(url.Uri, Options(timeout))
        : Service(url).GetBlobContainerClient(url.Container).GetBlobClient(url.Key);

    private BlobServiceClient Service(RemoteUrl url)
    {
        lock (_gate)
        {
            if (_service is null)
            {
                string? connection = Environment.GetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING");
                if (string.IsNullOrWhiteSpace(connection))
                {
                    throw new RemotePermanentException($"expected the AZURE_STORAGE_CONNECTION_STRING environment variable for {url.Name}; found it unset (or give an https:// URL with a SAS).");
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

    private static BlobClientOptions Options(TimeSpan timeout)
    {
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = timeout;
        return options;
    }

    private static Exception Translate(RequestFailedException e)
    {
        if (e.Status == 412)
        {
            return new RemoteChangedException("?");
        }

        string text = RemoteUrl.Redact(string.Create(CultureInfo.InvariantCulture, $"Azure {e.Status} {e.ErrorCode ?? "(no error code)"}"));
        return IsTransientStatus(e.Status) ? new RemoteTransientException(text) : new RemotePermanentException(text);
    }
}
