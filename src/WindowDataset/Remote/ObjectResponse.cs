namespace WindowDataset.Remote;

/// <summary>The body of one whole-object response (status checked), its length when the server gave one and its ETag; disposing it ends the response.</summary>
internal sealed class ObjectResponse(Stream body, long? length, string? etag, IDisposable? owner) : IDisposable
{
    public Stream Body { get; } = body;

    /// <summary>The object's size from the response headers; null when the server sent none (chunked transfer).</summary>
    public long? Length { get; } = length;

    /// <summary>The version served (the response's ETag); null when the server sent none.</summary>
    public string? ETag { get; } = etag is { Length: > 0 } ? etag : null;

    public void Dispose()
    {
        Body.Dispose();
        owner?.Dispose();
    }
}
