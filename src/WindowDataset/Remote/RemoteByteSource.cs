using WindowDataset.Sources;

namespace WindowDataset.Remote;

/// <summary>A remote object as a <see cref="ByteSource"/>: reads go through the engine's block caches; <see cref="WillNeed"/> starts read-ahead.</summary>
internal sealed class RemoteByteSource(RemoteEngine engine, RemoteObject remote) : ByteSource
{
    private int _disposed;

    public override string Name => remote.Url.Name;

    public override long Length => remote.Length;

    /// <summary>The pinned ETag (null when the server gives none).</summary>
    public string? ETag => remote.ETag;

    public override int ReadAtMost(long offset, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return engine.Read(remote, offset, destination);
    }

    public override void WillNeed(long offset, long length)
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            engine.WillNeed(remote, offset, length);
        }
    }

    public override bool ReadsAhead => true;

    public override void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            engine.Forget(remote);
        }
    }
}
