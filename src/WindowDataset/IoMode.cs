namespace WindowDataset;

/// <summary>How windows are read from the files.</summary>
public enum IoMode
{
    /// <summary>
    /// Positional reads (<c>pread</c>, via <see cref="RandomAccess"/>) straight into the batch buffer. A file that is
    /// truncated while in use raises an <see cref="IOException"/> naming the file and offset. The default.
    /// </summary>
    Pread,

    /// <summary>
    /// A read-only memory map with access hints (<c>madvise</c>), copied out by the workers. A file truncated
    /// while mapped makes the kernel kill the process with SIGBUS; the loader re-checks the size before each batch
    /// but cannot close that window completely.
    /// </summary>
    Mmap,
}
