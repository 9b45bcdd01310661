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
    private readonly int _burst;
    private int _deferred;
    private bool _disposed;

    public BufferPool(int capacity, Func<BatchSlot> create)
    {
        Debug.Assert(capacity >= 2);
        _capacity = capacity;
        _create = create;
        _available = new SemaphoreSlim(capacity, capacity);
        _burst = Math.Clamp(capacity / 4, 1, 8);
    }

    public int Capacity => _capacity;

    /// <summary>Slots a worker can take without waiting (the semaphore's count; deferred returns not included).</summary>
    internal int AvailableForTests => _available.CurrentCount;

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
        if (!_available.Wait(0, cancellationToken))
        {
            // About to block: slots the consumer returned without a wake-up are this worker's to take.
            Flush();
            _available.Wait(cancellationToken);
        }

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

    /// <summary>
    /// Returns a slot the consumer is done with, waking a waiting worker only once every few slots: a wake-up
    /// costs the consumer's thread a system call (often a cross-core interrupt on a VM) once per batch otherwise.
    /// A worker about to block takes the deferred slots itself, and the consumer calls <see cref="Flush"/> before
    /// it waits for a batch, so a deferred slot never holds up the stream.
    /// </summary>
    public void ReturnDeferred(BatchSlot slot) => Return(slot, _burst);

    /// <summary>Makes the slots returned by <see cref="ReturnDeferred"/> available to the workers now.</summary>
    public void Flush()
    {
        int release;
        lock (_free)
        {
            release = _deferred;
            _deferred = 0;
        }

        if (release > 0)
        {
            _available.Release(release);
        }
    }

    /// <summary>Returns a slot and makes it available at once (with any deferred before it).</summary>
    public void Return(BatchSlot slot) => Return(slot, 1);

    /// <summary>Puts the slot back; releases the deferred slots once <paramref name="burst"/> of them are back (freed instead once the pool is disposed).</summary>
    private void Return(BatchSlot slot, int burst)
    {
        int release;
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
            if (++_deferred < burst)
            {
                return;
            }

            release = _deferred;
            _deferred = 0;
        }

        _available.Release(release);
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
