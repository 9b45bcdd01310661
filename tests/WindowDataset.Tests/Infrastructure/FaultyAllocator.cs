using WindowDataset.Memory;

namespace WindowDataset.Tests.Infrastructure;

/// <summary>A <see cref="TrackingAllocator"/> whose allocation number <c>failAt</c> (1-based) throws <see cref="InsufficientMemoryException"/>.</summary>
public sealed class FaultyAllocator(int failAt) : IBatchMemoryAllocator
{
    private int _calls;

    public TrackingAllocator Inner { get; } = new();

    public IBatchMemory Allocate(BatchBufferRequest request)
    {
        if (Interlocked.Increment(ref _calls) == failAt)
        {
            throw new InsufficientMemoryException($"injected failure of allocation {failAt}");
        }

        return Inner.Allocate(request);
    }
}
