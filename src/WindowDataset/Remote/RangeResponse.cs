namespace WindowDataset.Remote;

/// <summary>The body of one ranged response, already checked for status, range and version; disposing it ends the response.</summary>
internal sealed class RangeResponse(Stream body, IDisposable? owner) : IDisposable
{
    public Stream Body { get; } = body;

    public void Dispose()
    {
        Body.Dispose();
        owner?.Dispose();
    }
}
