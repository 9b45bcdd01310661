namespace WindowDataset.Sources;

/// <summary>
/// Random-access bytes of one object that is not a local file (an object in S3 or Azure Blob Storage, a URL served
/// with byte ranges). Thread-safe: workers read different ranges at the same time. Local files are read through
/// their <see cref="Microsoft.Win32.SafeHandles.SafeFileHandle"/> instead (pread, mmap, page-cache advice).
/// </summary>
internal abstract class ByteSource : IDisposable
{
    /// <summary>What messages name: the path or URL, with credentials and SAS tokens redacted.</summary>
    public abstract string Name { get; }

    /// <summary>The object's size in bytes, pinned when the source opened.</summary>
    public abstract long Length { get; }

    /// <summary>Reads up to <paramref name="destination"/>.Length bytes at <paramref name="offset"/>; fewer only at the end of the object.</summary>
    /// <exception cref="IOException">The bytes could not be read (after retries), or the object changed since it was opened; the message names <see cref="Name"/> and the byte range.</exception>
    public abstract int ReadAtMost(long offset, Span<byte> destination);

    /// <summary>Reads exactly <paramref name="destination"/>.Length bytes at <paramref name="offset"/>.</summary>
    public void ReadExactly(long offset, Span<byte> destination)
    {
        int got = ReadAtMost(offset, destination);
        if (got != destination.Length)
        {
            throw new IOException($"{Name}: expected {destination.Length} bytes at offset {offset}; found end of object after {got} bytes (the object is {Length} bytes).");
        }
    }

    /// <summary>These bytes will be read soon (the sampler knows the next batches): a remote source starts fetching them. Never blocks.</summary>
    public virtual void WillNeed(long offset, long length)
    {
    }

    /// <summary>Whether <see cref="WillNeed"/> does anything (a remote source); false for local bytes, so callers skip working out what to announce.</summary>
    public virtual bool ReadsAhead => false;

    public abstract void Dispose();
}
