namespace WindowDataset.Pipeline;

/// <summary>Bytes the workers asked the sources for (in the file's element type), shared by a loader's gatherers.</summary>
internal sealed class ReadCounters
{
    private long _bytesRead;

    /// <summary>Bytes requested from the sources so far.</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    public void Add(long bytes) => Interlocked.Add(ref _bytesRead, bytes);
}
