namespace WindowDataset.Remote;

/// <summary>
/// One protocol (HTTP ranges, S3, Azure Blob). Throws <see cref="RemoteChangedException"/> when the object is not
/// the pinned version, <see cref="RemotePermanentException"/> for failures a retry cannot fix; anything else
/// (status 429/5xx as <see cref="RemoteTransientException"/>, network errors, cancellation) is retried by the engine.
/// </summary>
internal abstract class RemoteBackend : IDisposable
{
    /// <summary>Size and ETag of the object.</summary>
    public abstract Task<RemoteObjectInfo> StatAsync(RemoteUrl url, CancellationToken cancellationToken);

    /// <summary>Bytes [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>) of the version <paramref name="etag"/>.</summary>
    public abstract Task<RangeResponse> GetRangeAsync(RemoteUrl url, string? etag, long offset, long length, CancellationToken cancellationToken);

    /// <summary>The keys (blob names) of <paramref name="container"/> that start with <paramref name="prefix"/>.</summary>
    public abstract Task<List<string>> ListAsync(RemoteUrl url, string container, string prefix, CancellationToken cancellationToken);

    /// <summary>The whole object (a GET without a range: one request, no HEAD first); null when it does not exist.</summary>
    public abstract Task<ObjectResponse?> GetObjectAsync(RemoteUrl url, CancellationToken cancellationToken);

    /// <summary>As <see cref="StatAsync"/>, but null when the object does not exist.</summary>
    public abstract Task<RemoteObjectInfo?> TryStatAsync(RemoteUrl url, CancellationToken cancellationToken);

    /// <summary>The folders (common prefixes ending in <c>/</c>) directly under <paramref name="prefix"/> of <paramref name="container"/>.</summary>
    public abstract Task<List<string>> ListFoldersAsync(RemoteUrl url, string container, string prefix, CancellationToken cancellationToken);

    public abstract void Dispose();

    /// <summary>Whether an HTTP status is worth retrying.</summary>
    public static bool IsTransientStatus(int status) => status is 0 or 408 or 429 or 500 or 502 or 503 or 504;
}
