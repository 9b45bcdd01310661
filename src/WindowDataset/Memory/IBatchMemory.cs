namespace WindowDataset.Memory;

/// <summary>
/// A block of memory the loader's workers write batches into. It must not move while alive (native or pinned
/// memory), be at least <see cref="BatchBufferRequest.RequiredAlignment"/>-byte aligned, and be released by
/// <see cref="IDisposable.Dispose"/>. The loader disposes each buffer exactly once.
/// </summary>
public interface IBatchMemory : IDisposable
{
    /// <summary>Address of the first byte.</summary>
    nint Pointer { get; }

    /// <summary>Usable length in bytes (at least the requested length).</summary>
    long Length { get; }
}
