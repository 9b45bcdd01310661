namespace WindowDataset;

/// <summary>What the loader does about the kernel's page cache.</summary>
public enum PageCachePolicy
{
    /// <summary>Leave caching to the kernel (fastest when the file fits in RAM).</summary>
    Default,

    /// <summary>
    /// After a window is copied, tell the kernel its pages are no longer needed
    /// (<c>posix_fadvise(POSIX_FADV_DONTNEED)</c>), so the page cache the loader causes stays small.
    /// </summary>
    DropAfterRead,
}
