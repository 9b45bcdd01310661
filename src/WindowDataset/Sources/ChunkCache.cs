using System.Diagnostics;
using System.Runtime.InteropServices;

namespace WindowDataset.Sources;

/// <summary>
/// Decoded chunks of one source, least recently used first out, in native buffers whose bytes count against the
/// loader's memory budget. A chunk is decoded once while it stays cached, even when several workers ask for it at
/// the same time (the first decodes, the others wait for it); different chunks decode in parallel.
/// </summary>
internal sealed unsafe class ChunkCache : IDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<ChunkKey, Slot> _map;
    private readonly Slot[] _slots;
    private readonly long _slotBytes;
    private int _allocated;
    private long _clock;
    private bool _disposed;
    private long _hits;
    private long _misses;
    private long _decodedBytes;

    /// <param name="slotBytes">Bytes of the largest decoded chunk of any shard.</param>
    /// <param name="slots">Chunks held at most; at least the number of threads that read at once.</param>
    public ChunkCache(long slotBytes, int slots)
    {
        Debug.Assert(slotBytes > 0 && slots > 0);
        _slotBytes = slotBytes;
        _slots = new Slot[slots];
        _map = new Dictionary<ChunkKey, Slot>(slots);
    }

    /// <summary>Bytes the cache may hold: slots x the largest chunk.</summary>
    public long CapacityBytes => _slots.Length * _slotBytes;

    public int Capacity => _slots.Length;

    public long Hits => Interlocked.Read(ref _hits);

    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>Bytes of chunks decoded (or filled) since the cache was created.</summary>
    public long DecodedBytes => Interlocked.Read(ref _decodedBytes);

    /// <summary>
    /// The decoded bytes of chunk <paramref name="linear"/> (row-major grid index) of shard <paramref name="shard"/>,
    /// decoding it first when it is not cached. The chunk stays in the cache until <see cref="Release"/>.
    /// </summary>
    public Lease Acquire(int shard, ChunkedArray array, long linear, ReadOnlySpan<long> coords)
    {
        var key = new ChunkKey(shard, linear);
        Slot slot;
        lock (_gate)
        {
            while (true)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_map.TryGetValue(key, out Slot? found))
                {
                    found.Pins++;
                    found.LastUse = ++_clock;
                    while (found.State == SlotState.Loading)
                    {
                        Monitor.Wait(_gate);
                    }

                    if (found.State == SlotState.Ready)
                    {
                        _hits++;
                        return new Lease(this, found);
                    }

                    // The decode failed: drop the pin and decode again (the error is reported by that attempt).
                    Unpin(found);
                    continue;
                }

                if (FindVictim() is { } victim)
                {
                    slot = victim;
                    break;
                }

                // Every chunk is in use by another reader: wait for one to be released.
                Monitor.Wait(_gate);
            }

            if (slot.State != SlotState.Empty)
            {
                RemoveIfMapped(slot);
            }

            slot.Key = key;
            slot.State = SlotState.Loading;
            slot.Pins = 1;
            slot.LastUse = ++_clock;
            _map.Add(key, slot);
            _misses++;
        }

        bool ok = false;
        try
        {
            var destination = new Span<byte>(slot.Buffer, (int)array.ChunkBytes);
            if (!array.TryReadChunk(coords, destination))
            {
                Fill(destination, array.FillValue);
            }

            ok = true;
        }
        finally
        {
            lock (_gate)
            {
                slot.Bytes = array.ChunkBytes;
                _decodedBytes += ok ? array.ChunkBytes : 0;
                if (ok)
                {
                    slot.State = SlotState.Ready;
                }
                else
                {
                    RemoveIfMapped(slot);
                    slot.State = SlotState.Failed;
                    slot.Pins--;
                }

                Monitor.PulseAll(_gate);
            }
        }

        return new Lease(this, slot);
    }

    /// <summary>Whether chunk <paramref name="linear"/> of shard <paramref name="shard"/> is cached or being decoded now.</summary>
    public bool Contains(int shard, long linear)
    {
        lock (_gate)
        {
            return _map.TryGetValue(new ChunkKey(shard, linear), out Slot? slot) && slot.State is SlotState.Loading or SlotState.Ready;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            for (int i = 0; i < _allocated; i++)
            {
                // A reader still holding a lease would read freed memory: the loader disposes readers only after every worker stopped.
                Debug.Assert(_slots[i].Pins == 0);
                NativeMemory.AlignedFree(_slots[i].Buffer);
                _slots[i].Buffer = null;
            }

            _map.Clear();
            Monitor.PulseAll(_gate);
        }
    }

    private static void Fill(Span<byte> destination, byte[] value)
    {
        if (value.AsSpan().IndexOfAnyExcept((byte)0) < 0)
        {
            destination.Clear();
            return;
        }

        for (int i = 0; i + value.Length <= destination.Length; i += value.Length)
        {
            value.CopyTo(destination[i..]);
        }
    }

    private Slot? FindVictim()
    {
        Slot? best = null;
        for (int i = 0; i < _allocated; i++)
        {
            Slot s = _slots[i];
            if (s.Pins == 0 && s.State != SlotState.Loading && (best is null || s.State == SlotState.Empty || s.State == SlotState.Failed || s.LastUse < best.LastUse))
            {
                best = s;
                if (s.State is SlotState.Empty or SlotState.Failed)
                {
                    return s;
                }
            }
        }

        if (_allocated < _slots.Length)
        {
            // A fresh buffer only when every existing one holds a chunk: the cache grows to its capacity lazily.
            var fresh = new Slot((byte*)NativeMemory.AlignedAlloc((nuint)_slotBytes, 64));
            _slots[_allocated++] = fresh;
            return fresh;
        }

        return best;
    }

    /// <summary>Drops the slot's key from the map only while the key still maps to this slot: after a failed decode a retry may own the key in another slot.</summary>
    private void RemoveIfMapped(Slot slot)
    {
        if (_map.TryGetValue(slot.Key, out Slot? current) && ReferenceEquals(current, slot))
        {
            _map.Remove(slot.Key);
        }
    }

    private void Unpin(Slot slot)
    {
        slot.Pins--;
        if (slot.Pins == 0)
        {
            Monitor.PulseAll(_gate);
        }
    }

    private void Release(Slot slot)
    {
        lock (_gate)
        {
            Unpin(slot);
        }
    }

    internal enum SlotState
    {
        Empty,
        Loading,
        Ready,
        Failed,
    }

    internal readonly record struct ChunkKey(int Shard, long Linear);

    /// <summary>A pinned chunk: its bytes stay valid until <see cref="Dispose"/>.</summary>
    public readonly struct Lease : IDisposable
    {
        private readonly ChunkCache _cache;
        private readonly Slot _slot;

        internal Lease(ChunkCache cache, Slot slot)
        {
            _cache = cache;
            _slot = slot;
        }

        public ReadOnlySpan<byte> Bytes => new(_slot.Buffer, (int)_slot.Bytes);

        public void Dispose() => _cache?.Release(_slot);
    }

    internal sealed class Slot(byte* buffer)
    {
        public byte* Buffer = buffer;
        public ChunkKey Key;
        public SlotState State;
        public int Pins;
        public long LastUse;
        public long Bytes;
    }
}
