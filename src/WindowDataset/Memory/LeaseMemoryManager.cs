using System.Buffers;

namespace WindowDataset.Memory;

/// <summary>
/// A <see cref="Memory{T}"/> over one lease of a batch buffer: every <see cref="Memory{T}.Span"/> and
/// <see cref="Memory{T}.Pin"/> checks the lease is still current, so a <see cref="Memory{T}"/> kept past its
/// batch throws <see cref="ObjectDisposedException"/> instead of reading the next batch's data.
/// </summary>
internal sealed unsafe class LeaseMemoryManager : MemoryManager<byte>
{
    private readonly BatchSlot _slot;
    private readonly int _generation;
    private readonly nint _pointer;
    private readonly int _length;
    private readonly string _what;

    public LeaseMemoryManager(BatchSlot slot, int generation, nint pointer, int length, string what)
    {
        _slot = slot;
        _generation = generation;
        _pointer = pointer;
        _length = length;
        _what = what;
    }

    public override Span<byte> GetSpan()
    {
        ThrowIfStale();
        return new Span<byte>((void*)_pointer, _length);
    }

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ThrowIfStale();
        ArgumentOutOfRangeException.ThrowIfNegative(elementIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(elementIndex, _length);
        return new MemoryHandle((byte*)_pointer + elementIndex);
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }

    private void ThrowIfStale()
    {
        if (_slot.Generation != _generation)
        {
            throw new ObjectDisposedException(nameof(WindowBatch), $"{_what}: the batch this memory belongs to was disposed; its buffer has been reused.");
        }
    }
}
