using System.Buffers;

namespace WindowDataset.Remote;

/// <summary>
/// Whole objects (Zarr chunks) whose GET started before a worker asked for them, bounded by bytes: an entry reserves
/// the largest buffer its response may need while the GET is in flight, then the buffer it holds, until a demand
/// read claims it (the buffer passes to the reader) or it goes stale. Demand GETs are registered too while in flight,
/// so that a hint for an object already on its way is dropped: every object is one GET, whoever asked first.
/// A hint that does not fit is dropped (its chunk is read on demand), so the held bytes never exceed the capacity.
/// Thread-safe.
/// </summary>
internal sealed class ObjectReadAhead
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _unclaimed = new(); // completed, not claimed yet, oldest first
    private long _capacity;
    private long _held;
    private long _peak;
    private long _reservations;
    private long _dropped;
    private long _stale;

    /// <summary>Bytes read-ahead may hold or reserve; 0 turns read-ahead of whole objects off.</summary>
    public long Capacity
    {
        get => Volatile.Read(ref _capacity);
        set => Volatile.Write(ref _capacity, Math.Max(0, value));
    }

    /// <summary>Bytes held or reserved now.</summary>
    public long Held
    {
        get
        {
            lock (_gate)
            {
                return _held;
            }
        }
    }

    /// <summary>The most bytes ever held or reserved at once.</summary>
    public long Peak
    {
        get
        {
            lock (_gate)
            {
                return _peak;
            }
        }
    }

    /// <summary>Hints dropped because the capacity was taken.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Completed read-ahead nobody claimed, dropped to make room (hinted rows never read: the end of a run, dilated windows).</summary>
    public long Stale => Interlocked.Read(ref _stale);

    /// <summary>
    /// Reserves <paramref name="bytes"/> for a read-ahead GET of <paramref name="url"/>; null when the object is
    /// already held or on its way, or when it does not fit (completed entries nobody claimed for a long time are
    /// dropped first).
    /// </summary>
    public Entry? TryReserve(string url, long bytes)
    {
        if (Capacity == 0)
        {
            return null;
        }

        List<byte[]>? freed = null;
        try
        {
            lock (_gate)
            {
                if (_entries.ContainsKey(url))
                {
                    return null;
                }

                long sequence = ++_reservations;

                // An entry is stale after twice as many hints as the capacity holds entries of this size went by.
                long staleAfter = Math.Max(64, 2 * (_capacity / Math.Max(1, bytes)));
                while (_held + bytes > _capacity && _unclaimed.First is { } oldest && sequence - oldest.Value.Sequence > staleAfter)
                {
                    Entry old = oldest.Value;
                    _unclaimed.RemoveFirst();
                    old.Node = null;
                    _entries.Remove(old.Url);
                    _held -= old.Reserved;
                    old.Reserved = 0;
                    if (old.Result.Buffer is { } buffer)
                    {
                        (freed ??= []).Add(buffer);
                    }

                    _stale++;
                }

                if (_held + bytes > _capacity)
                {
                    _dropped++;
                    return null;
                }

                var entry = new Entry(url, bytes, sequence) { Ticket = new RequestTicket(demanded: false) };
                _entries.Add(url, entry);
                _held += bytes;
                _peak = Math.Max(_peak, _held);
                return entry;
            }
        }
        finally
        {
            Return(freed);
        }
    }

    /// <summary>
    /// A demand read of <paramref name="url"/>: the read-ahead entry to wait for (claimed: its buffer will be the
    /// caller's), or, when none is in the table, a demand entry the caller registers until its own GET ends
    /// (<see cref="Release"/>); both null when read-ahead is off or another reader already claimed the object.
    /// </summary>
    public (Entry? Wait, Entry? Own) Join(string url)
    {
        if (Capacity == 0)
        {
            return (null, null);
        }

        lock (_gate)
        {
            if (_entries.TryGetValue(url, out Entry? found))
            {
                if (found.Claimed)
                {
                    return (null, null);
                }

                found.Claimed = true;
                if (found.Node is { } node)
                {
                    _unclaimed.Remove(node);
                    found.Node = null;
                }

                return (found, null);
            }

            var own = new Entry(url, 0, 0) { Claimed = true };
            _entries.Add(url, own);
            return (null, own);
        }
    }

    /// <summary>A read-ahead hint found its chunk already cached or being read: drop the entry, unclaimed or not (a waiter reads the object itself).</summary>
    public void Cancel(Entry entry)
    {
        lock (_gate)
        {
            Remove(entry);
            entry.Done.TrySetResult(FetchedObject.Skipped);
        }
    }

    /// <summary>The read-ahead GET of <paramref name="entry"/> ended with <paramref name="result"/>.</summary>
    public void Complete(Entry entry, FetchedObject result)
    {
        byte[]? orphan = null;
        lock (_gate)
        {
            entry.Result = result;
            if (!entry.Claimed)
            {
                if (_entries.TryGetValue(entry.Url, out Entry? mapped) && ReferenceEquals(mapped, entry))
                {
                    // Held until claimed: the buffer's real size replaces the reservation.
                    long size = result.Buffer?.Length ?? 0;
                    _held += size - entry.Reserved;
                    entry.Reserved = size;
                    entry.Node = _unclaimed.AddLast(entry);
                }
                else
                {
                    orphan = result.Buffer; // cancelled while in flight
                }
            }

            entry.Done.TrySetResult(result);
        }

        if (orphan is not null)
        {
            ArrayPool<byte>.Shared.Return(orphan);
        }
    }

    /// <summary>The read-ahead GET of <paramref name="entry"/> failed: a claimant gets the error; unclaimed, the entry goes (a later read asks again).</summary>
    public void Fail(Entry entry, Exception error)
    {
        lock (_gate)
        {
            entry.Done.TrySetException(error);
            if (!entry.Claimed)
            {
                Remove(entry);
                _ = entry.Done.Task.Exception; // nobody waits for it: observed here, the next read asks again
            }
        }
    }

    /// <summary>The claimant of <paramref name="entry"/> took its result, or a demand GET ended: the entry leaves the table.</summary>
    public void Release(Entry entry)
    {
        lock (_gate)
        {
            Remove(entry);
        }
    }

    /// <summary>Drops every entry and returns the buffers nobody claimed (the engine is disposed).</summary>
    public void Clear()
    {
        List<byte[]>? freed = null;
        lock (_gate)
        {
            foreach (Entry entry in _unclaimed)
            {
                if (entry.Result.Buffer is { } buffer)
                {
                    (freed ??= []).Add(buffer);
                }

                entry.Node = null;
                _entries.Remove(entry.Url);
            }

            // Entries still in flight leave the table too: their GET, ending after this, returns its buffer
            // (Complete finds the entry unmapped) instead of parking it where nothing will free it.
            foreach (Entry entry in _entries.Values)
            {
                entry.Reserved = 0;
            }

            _entries.Clear();
            _unclaimed.Clear();
            _held = 0;
        }

        Return(freed);
    }

    private void Remove(Entry entry)
    {
        if (_entries.TryGetValue(entry.Url, out Entry? mapped) && ReferenceEquals(mapped, entry))
        {
            _entries.Remove(entry.Url);
        }

        if (entry.Node is { } node)
        {
            _unclaimed.Remove(node);
            entry.Node = null;
        }

        _held -= entry.Reserved;
        entry.Reserved = 0;
    }

    private static void Return(List<byte[]>? buffers)
    {
        foreach (byte[] buffer in buffers ?? [])
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>One object read ahead (or, with <see cref="Claimed"/> and nothing reserved, a demand GET in flight).</summary>
    internal sealed class Entry(string url, long reserved, long sequence)
    {
        public string Url { get; } = url;

        public long Sequence { get; } = sequence;

        /// <summary>Bytes counted against the capacity (guarded by the table's lock).</summary>
        public long Reserved { get; set; } = reserved;

        public bool Claimed { get; set; }

        public LinkedListNode<Entry>? Node { get; set; }

        public FetchedObject Result { get; set; }

        public TaskCompletionSource<FetchedObject> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The read-ahead GET's place with the request limiter: a worker that comes to wait on it promotes it. Null for a demand GET.</summary>
        public RequestTicket? Ticket { get; init; }
    }
}
