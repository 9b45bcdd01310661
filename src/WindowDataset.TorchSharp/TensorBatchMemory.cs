using System.Diagnostics;
using WindowDataset.Memory;
using static TorchSharp.torch;

namespace WindowDataset.TorchSharp;

/// <summary>
/// One pool buffer: a contiguous CPU tensor whose storage the loader's workers fill. The worker that fills it also
/// makes the batch's view (<see cref="OnFilled"/>), so the training loop's thread only takes it (<see cref="TakeView"/>):
/// a view made right after a training step costs that thread ~10 us of cold native calls per batch.
/// </summary>
internal sealed unsafe class TensorBatchMemory : IBatchMemory, IBatchMemoryFillObserver
{
    private readonly TensorBatchAllocator _owner;
    private Tensor? _tensor;
    private readonly nint _pointer;
    private Tensor? _prepared;
    private int _preparedCount;

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

    /// <summary>On the worker that filled the buffer: the view of its <paramref name="count"/> windows (none for a strided run, which the batch makes itself).</summary>
    public void OnFilled(int count, bool strided)
    {
        Tensor? view = null;
        if (!strided)
        {
            Tensor pool = Tensor;
            view = count == Shape[0] ? pool.alias() : pool.narrow(0, 0, count);
        }

        _preparedCount = count;
        // A batch that was never delivered (its run stopped) left its view here.
        Interlocked.Exchange(ref _prepared, view)?.Dispose();
    }

    /// <summary>
    /// The view of the batch's first <paramref name="count"/> windows: the one the filling worker made, or a new one.
    /// The caller owns it. A full buffer's view is an alias (the same view as <c>narrow(0, 0, rows)</c>, cheaper).
    /// </summary>
    public Tensor TakeView(int count)
    {
        Tensor? view = Interlocked.Exchange(ref _prepared, null);
        if (view is not null && _preparedCount == count)
        {
            return view;
        }

        view?.Dispose();
        Tensor pool = Tensor;
        return count == Shape[0] ? pool.alias() : pool.narrow(0, 0, count);
    }

    public void Dispose()
    {
        Interlocked.Exchange(ref _prepared, null)?.Dispose();
        Tensor? t = Interlocked.Exchange(ref _tensor, null);
        if (t is not null)
        {
            t.Dispose();
            _owner.Released();
        }
    }
}
