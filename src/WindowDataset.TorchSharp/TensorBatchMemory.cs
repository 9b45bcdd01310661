using System.Diagnostics;
using WindowDataset.Memory;
using static TorchSharp.torch;

namespace WindowDataset.TorchSharp;

/// <summary>One pool buffer: a contiguous CPU tensor whose storage the loader's workers fill.</summary>
internal sealed unsafe class TensorBatchMemory : IBatchMemory
{
    private readonly TensorBatchAllocator _owner;
    private Tensor? _tensor;
    private readonly nint _pointer;

    public TensorBatchMemory(Tensor tensor, long[] shape, long length, bool pinned, TensorBatchAllocator owner)
    {
        Debug.Assert(tensor.is_contiguous(), "pool tensors are contiguous");
        _tensor = tensor;
        _owner = owner;
        _pointer = DataPointer(tensor);
        Shape = shape;
        Length = length;
        IsPinned = pinned;
    }

    /// <summary>The pool tensor (full batch shape). Never handed to users: they get views.</summary>
    public Tensor Tensor => _tensor ?? throw new ObjectDisposedException(nameof(TensorBatchMemory));

    /// <summary>The pool tensor's shape, kept here: reading <c>Tensor.shape</c> is a native call (tens of microseconds when cold, once per batch).</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>True when the tensor is page-locked (known at allocation; <c>is_pinned()</c> is a native call per batch).</summary>
    public bool IsPinned { get; }

    public nint Pointer => _tensor is null ? throw new ObjectDisposedException(nameof(TensorBatchMemory)) : _pointer;

    public long Length { get; }

    /// <summary>Address of the first element of a contiguous CPU tensor of at most 2 GiB (the loader's batch limit).</summary>
    public static nint DataPointer(Tensor tensor)
    {
        fixed (byte* p = tensor.bytes)
        {
            return (nint)p;
        }
    }

    public void Dispose()
    {
        Tensor? t = Interlocked.Exchange(ref _tensor, null);
        if (t is not null)
        {
            t.Dispose();
            _owner.Released();
        }
    }
}
