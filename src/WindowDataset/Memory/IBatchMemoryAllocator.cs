namespace WindowDataset.Memory;

/// <summary>
/// Supplies the loader's batch buffers, so adapters can have the workers write straight into memory they own
/// (for instance tensor storage). The loader allocates each buffer once, reuses it for every batch, and never
/// holds more than its memory budget allows.
/// </summary>
public interface IBatchMemoryAllocator
{
    /// <summary>Allocates one buffer for <paramref name="request"/>. Called from the thread that starts an epoch.</summary>
    IBatchMemory Allocate(BatchBufferRequest request);
}
