using System.Diagnostics;

namespace WindowDataset.Memory;

/// <summary>
/// The fixed set of batch slots. <see cref="Take"/> blocks until a slot is free; a slot returned after the
/// pool is disposed is freed at once, so memory is released deterministically whoever holds it last.
/// </summary>
internal sealed class BufferPool : IDisposable
{
    private readonly Stack<BatchSlot> _free = new();
    private readonly SemaphoreSlim _available;
    private readonly List<BatchSlot> _all = [];
    private readonly Func<BatchSlot> _create;
    private readonly int _capacity;
    private bool _disposed;

    public BufferPool(int capacity, Func<BatchSlot> create)
    {
        Debug.Assert(capacity >= 2);
        _capacity = capacity;
        _create = create;
        _available = new SemaphoreSlim(capacity, capacity);
    }

    public int Capacity => _capacity;

    /// <summary>Slots currently handed out (being filled, waiting for the consumer, or held by it).</summary>
    public int Outstanding
    {
        get
        {
            lock (_free)
            {
                return _all.Count - _free.Count;
            }
        }
    }

    /// <summary>Allocates every slot now (on the calling thread), so allocation never happens on a worker.</summary>
    public void EnsureAllocated()
    {
        lock (_free)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            while (_all.Count < _capacity)
            {
                BatchSlot slot = _create();
                _all.Add(slot);
                _free.Push(slot);
            }
        }
    }

    /// <summary>Waits for a free slot; throws <see cref="OperationCanceledException"/> when cancelled.</summary>
    public BatchSlot Take(CancellationToken cancellationToken)
    {
        _available.Wait(cancellationToken);
        lock (_free)
        {
            if (_disposed)
            {
                _available.Release();
                throw new ObjectDisposedException(nameof(WindowLoader));
            }

            return _free.Pop();
        }
    }

    public void Return(BatchSlot slot)
    {
        lock (_free)
        {
            Debug.Assert(!_free.Contains(slot), "slot returned twice");
            if (_disposed)
            {
                _all.Remove(slot);
                slot.Free();
                return;
            }

            _free.Push(slot);
        }

        _available.Release();
    }

    public void Dispose()
    {
        lock (_free)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            while (_free.TryPop(out BatchSlot? slot))
            {
                _all.Remove(slot);
                slot.Free();
            }
        }
    }
}
