namespace WindowDataset.Pipeline;

/// <summary>
/// One worker's view of whether the data is cold, and so whether to announce windows to the kernel ahead of time.
/// Each worker starts an epoch cold; if its first batch gathers faster than <see cref="CachedBytesPerSecond"/> it
/// turns warm, and it turns cold again, for the rest of the run, at the first slower batch. Cold: the worker
/// announces each batch's windows and those of the batch <see cref="Distance"/> ahead (the disk needs queue depth),
/// and the mmap reader uses positional reads. Warm: both are skipped, since announcing cached pages costs about a
/// quarter of a warm gather.
/// </summary>
internal sealed class ReadAheadPolicy(int distance)
{
    /// <summary>Gather speed (bytes per second, one worker) above which the data is evidently in the page cache.</summary>
    public const double CachedBytesPerSecond = 3e9;

    private bool _firstBatch = true;

    /// <summary>Batches ahead whose windows are announced while cold; 0 disables announcing.</summary>
    public int Distance { get; } = distance;

    /// <summary>True until a first fast batch shows the data is cached, and again after any slow batch.</summary>
    public bool Cold { get; private set; } = true;

    /// <summary>True when the next batch's windows (and those <see cref="Distance"/> batches ahead) should be announced.</summary>
    public bool ShouldAnnounce => Cold && Distance > 0;

    /// <summary>Records how long a batch of <paramref name="bytes"/> took to gather.</summary>
    public void Record(long bytes, double seconds)
    {
        bool fast = bytes >= CachedBytesPerSecond * seconds;

        // A worker turns warm only on its first batch: later fast batches may be fast because of read-ahead.
        Cold = !fast || (Cold && !_firstBatch);
        _firstBatch = false;
    }
}
