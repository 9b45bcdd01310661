using WindowDataset.Memory;

namespace WindowDataset.Tests.Infrastructure;

/// <summary>An allocator that counts live buffers and records the peak, delegating to native memory.</summary>
public sealed class TrackingAllocator : IBatchMemoryAllocator
{
    private readonly NativeBatchAllocator _inner = new();
    private int _live;
    private int _peak;
    private long _liveBytes;

    public int Live => Volatile.Read(ref _live);

    public int Peak => Volatile.Read(ref _peak);

    public int Allocations { get; private set; }

    public long LiveBytes => Interlocked.Read(ref _liveBytes);

    public IBatchMemory Allocate(BatchBufferRequest request)
    {
        IBatchMemory inner = _inner.Allocate(request);
        int live = Interlocked.Increment(ref _live);
        Interlocked.Add(ref _liveBytes, inner.Length);
        Allocations++;
        int peak;
        while (live > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, live, peak) != peak)
        {
        }

        return new Tracked(this, inner);
    }

    private sealed class Tracked(TrackingAllocator owner, IBatchMemory inner) : IBatchMemory
    {
        private int _disposed;

        public nint Pointer => inner.Pointer;

        public long Length => inner.Length;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                throw new InvalidOperationException("buffer disposed twice");
            }

            Interlocked.Decrement(ref owner._live);
            Interlocked.Add(ref owner._liveBytes, -inner.Length);
            inner.Dispose();
        }
    }
}
