using System.Runtime.InteropServices;
using WindowDataset.Interop;

namespace WindowDataset.Memory;

/// <summary>The default allocator: page-aligned native memory (<see cref="NativeMemory.AlignedAlloc"/>), never moved by the GC.</summary>
public sealed class NativeBatchAllocator : IBatchMemoryAllocator
{
    private long _live;

    /// <summary>A shared instance.</summary>
    public static NativeBatchAllocator Shared { get; } = new();

    /// <summary>Buffers allocated by this instance and not yet freed.</summary>
    public long LiveBuffers => Interlocked.Read(ref _live);

    /// <inheritdoc/>
    public IBatchMemory Allocate(BatchBufferRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.ByteLength, 1);
        return new NativeBuffer(this, request.ByteLength);
    }

    private sealed unsafe class NativeBuffer : IBatchMemory
    {
        private const nuint HugePage = 2 << 20;

        private readonly NativeBatchAllocator _owner;
        private void* _pointer;

        public NativeBuffer(NativeBatchAllocator owner, long length)
        {
            _owner = owner;
            // Buffers of 2 MiB and more are aligned to 2 MiB and offered transparent huge pages: fewer page faults
            // on first touch and fewer TLB misses while the workers stream windows into them.
            nuint alignment = (nuint)length >= HugePage ? HugePage : (nuint)Math.Max(Environment.SystemPageSize, BatchBufferRequest.RequiredAlignment);
            _pointer = NativeMemory.AlignedAlloc((nuint)length, alignment);
            if ((nuint)length >= HugePage)
            {
                LibC.Advise((byte*)_pointer, length, LibC.MadvHugePage);
            }

            Length = length;
            Interlocked.Increment(ref owner._live);
        }

        public nint Pointer => _pointer == null ? throw new ObjectDisposedException(nameof(NativeBuffer)) : (nint)_pointer;

        public long Length { get; }

        public void Dispose()
        {
            void* p = _pointer;
            if (p != null)
            {
                _pointer = null;
                NativeMemory.AlignedFree(p);
                Interlocked.Decrement(ref _owner._live);
            }
        }
    }
}
