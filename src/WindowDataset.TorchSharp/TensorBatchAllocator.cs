using WindowDataset.Memory;
using static TorchSharp.torch;

namespace WindowDataset.TorchSharp;

/// <summary>
/// An <see cref="IBatchMemoryAllocator"/> whose buffers are torch tensors: the loader's workers write batches
/// straight into tensor storage, so no copy sits between the loader and the model. Each buffer is a contiguous
/// CPU tensor of the full batch shape (page-locked when <see cref="PinMemory"/> is set), detached from any
/// dispose scope (the loader allocates inside the consumer's first <c>MoveNext</c>, possibly inside a
/// <c>torch.NewDisposeScope()</c> that must not free the pool), and disposed by the loader when it is disposed.
/// </summary>
internal sealed class TensorBatchAllocator : IBatchMemoryAllocator
{
    private long _live;

    /// <summary>Creates an allocator.</summary>
    /// <param name="pinMemory">Allocate page-locked (pinned) memory, for fast non-blocking copies to CUDA. Requires CUDA.</param>
    /// <exception cref="ArgumentException"><paramref name="pinMemory"/> is true and CUDA is not available.</exception>
    public TensorBatchAllocator(bool pinMemory = false)
    {
        if (pinMemory && !cuda.is_available())
        {
            throw new ArgumentException("pinMemory: expected CUDA to be available for page-locked memory; found no CUDA device (use pinMemory: false on CPU).", nameof(pinMemory));
        }

        PinMemory = pinMemory;
    }

    /// <summary>True when buffers are page-locked.</summary>
    public bool PinMemory { get; }

    /// <summary>Buffers allocated by this instance and not yet disposed.</summary>
    public long LiveBuffers => Interlocked.Read(ref _live);

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">The element type has no torch equivalent (uint16, uint32, uint64).</exception>
    public IBatchMemory Allocate(BatchBufferRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ScalarType dtype = TensorTypes.ToScalarType(request.ElementType);
        long[] shape = new long[request.Shape.Count];
        for (int i = 0; i < shape.Length; i++)
        {
            shape[i] = request.Shape[i];
        }

        Tensor tensor = empty(shape, dtype, CPU);
        tensor.DetachFromDisposeScope();
        if (PinMemory)
        {
            Tensor pinned = tensor.pin_memory();
            pinned.DetachFromDisposeScope();
            tensor.Dispose();
            tensor = pinned;
        }

        Interlocked.Increment(ref _live);
        return new TensorBatchMemory(tensor, shape, request.ByteLength, PinMemory, this);
    }

    internal void Released() => Interlocked.Decrement(ref _live);
}
