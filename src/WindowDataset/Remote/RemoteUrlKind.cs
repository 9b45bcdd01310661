namespace WindowDataset.Remote;

/// <summary>Which client reads a URL.</summary>
internal enum RemoteUrlKind
{
    /// <summary><c>http(s)://</c> other than Azure Blob: ranged GETs with HttpClient (presigned and SAS URLs too).</summary>
    Http,

    /// <summary><c>s3://bucket/key</c>: AWSSDK.S3.</summary>
    S3,

    /// <summary><c>az://container/blob</c>: Azure.Storage.Blobs with <c>AZURE_STORAGE_CONNECTION_STRING</c>.</summary>
    AzureContainer,

    /// <summary><c>https://account.blob.core.windows.net/container/blob[?SAS]</c>: Azure.Storage.Blobs with the URL's SAS.</summary>
    AzureUri,
}
