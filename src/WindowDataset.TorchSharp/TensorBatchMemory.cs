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

    public TensorBatchMemory(Tensor tensor, long length, TensorBatchAllocator owner)
    {
        Debug.Assert(tensor.is_contiguous(), "pool tensors are contiguous");
        _tensor = tensor;
        _owner = owner;
        _pointer = DataPointer(tensor);
        Length = length;
    }

    /// <summary>The pool tensor (full batch shape). Never handed to users: they get views.</summary>
    public Tensor Tensor => _tensor ?? throw new ObjectDisposedException(nameof(TensorBatchMemory));

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
