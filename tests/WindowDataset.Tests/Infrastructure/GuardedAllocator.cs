using System.Runtime.InteropServices;
using WindowDataset.Memory;

namespace WindowDataset.Tests.Infrastructure;

/// <summary>
/// A use-after-free detector: every buffer is its own anonymous mapping; disposing a buffer makes its pages
/// inaccessible (PROT_NONE) instead of freeing them, so any later read or write by the loader, a worker or a batch
/// faults at once instead of silently reading reused memory. The mappings are unmapped when the allocator is
/// disposed (after the loader). Also counts live buffers and catches double disposal like <see cref="TrackingAllocator"/>.
/// </summary>
public sealed partial class GuardedAllocator : IBatchMemoryAllocator, IDisposable
{
    private const int ProtNone = 0;
    private const int ProtReadWrite = 3;
    private const int MapPrivateAnonymous = 0x22;

    private readonly List<(nint Address, nuint Length)> _mappings = [];
    private int _live;

    public int Live => Volatile.Read(ref _live);

    public int Allocations { get; private set; }

    public IBatchMemory Allocate(BatchBufferRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        nuint length = (nuint)((request.ByteLength + Environment.SystemPageSize - 1) / Environment.SystemPageSize * Environment.SystemPageSize);
        nint address = Mmap(0, length, ProtReadWrite, MapPrivateAnonymous, -1, 0);
        if (address == -1)
        {
            throw new InvalidOperationException($"mmap of {length} bytes failed (errno {Marshal.GetLastPInvokeError()}).");
        }

        lock (_mappings)
        {
            _mappings.Add((address, length));
            Allocations++;
        }

        Interlocked.Increment(ref _live);
        return new Guarded(this, address, request.ByteLength, length);
    }

    public void Dispose()
    {
        lock (_mappings)
        {
            foreach ((nint address, nuint length) in _mappings)
            {
                _ = Munmap(address, length);
            }

            _mappings.Clear();
        }
    }

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    private static partial int Mprotect(nint address, nuint length, int protection);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static partial int Munmap(nint address, nuint length);

    private sealed class Guarded(GuardedAllocator owner, nint address, long length, nuint mapped) : IBatchMemory
    {
        private int _disposed;

        public nint Pointer => address;

        public long Length => length;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                throw new InvalidOperationException("buffer disposed twice");
            }

            if (Mprotect(address, mapped, ProtNone) != 0)
            {
                throw new InvalidOperationException($"mprotect failed (errno {Marshal.GetLastPInvokeError()}).");
            }

            Interlocked.Decrement(ref owner._live);
        }
    }
}
