namespace WindowDataset.Remote;

/// <summary>The body of one whole-object response (status checked) and its length when the server gave one; disposing it ends the response.</summary>
internal sealed class ObjectResponse(Stream body, long? length, IDisposable? owner) : IDisposable
{
    public Stream Body { get; } = body;

    /// <summary>The object's size from the response headers; null when the server sent none (chunked transfer).</summary>
    public long? Length { get; } = length;

    public void Dispose()
    {
        Body.Dispose();
        owner?.Dispose();
    }
}
