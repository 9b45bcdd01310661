using System.Diagnostics;

namespace WindowDataset.Remote;

/// <summary>
/// The RAM block cache: LRU over fixed-size blocks keyed by (object, block index), one fetch per block however
/// many readers want it. Never evicts a pending block or one a reader has pinned; demand reads may go over the
/// capacity while they hold pins (trimmed back on release), read-ahead never does, and read-ahead that is not
/// read yet may hold at most three quarters of the capacity, so it cannot evict itself before it is used.
/// Blocks read ahead and not read yet wait on their own list, oldest first, so that finding a block to evict never
/// walks past the read-ahead (thousands of blocks when many requests are in flight).
/// </summary>
internal sealed class BlockCache(long capacity, int blockSize)
{
    private readonly Lock _gate = new();
    private long _capacity = capacity;
    private readonly Dictionary<(int, long), BlockEntry> _map = [];
    private readonly LinkedList<BlockEntry> _lru = new();
    private readonly LinkedList<BlockEntry> _ahead = new();
    private long _bytes;
    private long _unreadBytes;
    private long _hits;

    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Bytes the cache may hold.</summary>
    public long Capacity
    {
        get
        {
            lock (_gate)
            {
                return _capacity;
            }
        }
    }

    /// <summary>Raises the capacity (never lowers it): the loader sizes the cache for its read-ahead once it knows its batches.</summary>
    public void Grow(long capacity)
    {
        lock (_gate)
        {
            _capacity = Math.Max(_capacity, capacity);
        }
    }

    /// <summary>
    /// Pins the blocks [<paramref name="first"/>, first + entries.Length) of an object into <paramref name="entries"/>,
    /// creating pending entries for those missing; those are added to <paramref name="created"/> for the caller to fetch.
    /// </summary>
    public void Acquire(int objectId, long objectLength, long first, BlockEntry[] entries, int count, List<BlockEntry> created)
    {
        lock (_gate)
        {
            for (int i = 0; i < count; i++)
            {
                long index = first + i;
                if (_map.TryGetValue((objectId, index), out BlockEntry? entry))
                {
                    _hits++;
                    if (entry.Unread)
                    {
                        entry.Unread = false;
                        _unreadBytes -= blockSize;
                        _ahead.Remove(entry.Node!);
                    }
                    else
                    {
                        _lru.Remove(entry.Node!);
                    }

                    _lru.AddFirst(entry.Node!);
                }
                else
                {
                    entry = Create(objectId, index, objectLength, unread: false, mayExceed: true)!;
                    created.Add(entry);
                }

                entry.Pins++;
                entries[i] = entry;
            }
        }
    }

    /// <summary>Creates pending, unpinned entries for the missing blocks of a read-ahead range while they fit; adds them to <paramref name="created"/>.</summary>
    public void Reserve(int objectId, long objectLength, long first, long count, List<BlockEntry> created)
    {
        lock (_gate)
        {
            for (long i = 0; i < count; i++)
            {
                long index = first + i;
                if (_map.ContainsKey((objectId, index)))
                {
                    continue;
                }

                if (_unreadBytes + blockSize > _capacity * 3 / 4 || Create(objectId, index, objectLength, unread: true, mayExceed: false) is not { } entry)
                {
                    return;
                }

                _unreadBytes += blockSize;
                created.Add(entry);
            }
        }
    }

    /// <summary>
    /// Marks a fetched block ready. Without the lock: it is taken once per block by every fetch and read, and on a
    /// machine with few cores a holder that is preempted stalls all of them. A reader of <see cref="BlockEntry.Pending"/>
    /// under the lock that still sees it set only skips a block it could have evicted; one that no longer sees it
    /// may evict the block before <see cref="BlockEntry.Ready"/> completes, which is safe, since only unpinned blocks
    /// are evicted and whoever reads a block pins it first.
    /// </summary>
    public void Complete(BlockEntry entry)
    {
        Volatile.Write(ref entry.Pending, false);
        entry.Ready.TrySetResult();
    }

    /// <summary>Drops a block whose fetch failed (a later read fetches it again) and hands the error to its readers.</summary>
    public void Fail(BlockEntry entry, Exception error)
    {
        lock (_gate)
        {
            entry.Pending = false;
            Remove(entry);
        }

        entry.Ready.TrySetException(error);

        // A failed read-ahead nobody reads must not surface as an unobserved task exception.
        _ = entry.Ready.Task.Exception;
    }

    /// <summary>Unpins the blocks a read acquired (one lock for all of them).</summary>
    public void Release(BlockEntry[] entries, int count)
    {
        lock (_gate)
        {
            for (int i = 0; i < count; i++)
            {
                Debug.Assert(entries[i].Pins > 0, "released more often than acquired");
                entries[i].Pins--;
            }

            if (_bytes > _capacity)
            {
                Trim(_capacity);
            }
        }
    }

    /// <summary>Drops every block of an object.</summary>
    public void Forget(int objectId)
    {
        lock (_gate)
        {
            foreach (LinkedList<BlockEntry> list in (ReadOnlySpan<LinkedList<BlockEntry>>)[_lru, _ahead])
            {
                LinkedListNode<BlockEntry>? node = list.First;
                while (node is not null)
                {
                    LinkedListNode<BlockEntry>? next = node.Next;
                    if (node.Value.ObjectId == objectId && node.Value.Pins == 0 && !node.Value.Pending)
                    {
                        Remove(node.Value);
                    }

                    node = next;
                }
            }
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _map.Clear();
            _lru.Clear();
            _ahead.Clear();
            _bytes = 0;
            _unreadBytes = 0;
        }
    }

    private BlockEntry? Create(int objectId, long index, long objectLength, bool unread, bool mayExceed)
    {
        byte[]? buffer = null;
        if (_bytes + blockSize > _capacity)
        {
            buffer = EvictOne(unread);
            if (buffer is null && !mayExceed)
            {
                return null;
            }
        }

        if (buffer is null)
        {
            // On the pinned heap: blocks live long, and the GC would otherwise copy them when it compacts.
            buffer = GC.AllocateUninitializedArray<byte>(blockSize, pinned: true);
            _bytes += blockSize;
        }

        int length = (int)Math.Min(blockSize, objectLength - (index * blockSize));
        var entry = new BlockEntry(objectId, index, buffer, length, unread);
        entry.Node = unread ? _ahead.AddLast(entry) : _lru.AddFirst(entry);
        _map.Add((objectId, index), entry);
        return entry;
    }

    /// <summary>
    /// Evicts the least recently used block that no one holds and returns its buffer (still counted in
    /// <see cref="Bytes"/>). Blocks read ahead and not read yet go last, oldest first, and never for more read-ahead:
    /// evicting them would only fetch them again.
    /// </summary>
    private byte[]? EvictOne(bool forReadAhead)
    {
        BlockEntry? victim = Evictable(_lru.Last, backwards: true) ?? (forReadAhead ? null : Evictable(_ahead.First, backwards: false));
        if (victim is null)
        {
            return null;
        }

        Unlink(victim);
        return victim.Data;
    }

    /// <summary>The first block from <paramref name="node"/> on that no reader holds and no fetch is filling (only those are skipped: a few per worker and request in flight).</summary>
    private static BlockEntry? Evictable(LinkedListNode<BlockEntry>? node, bool backwards)
    {
        for (; node is not null; node = backwards ? node.Previous : node.Next)
        {
            if (node.Value.Pins == 0 && !node.Value.Pending)
            {
                return node.Value;
            }
        }

        return null;
    }

    private void Trim(long target)
    {
        while (_bytes > target && (Evictable(_lru.Last, backwards: true) ?? Evictable(_ahead.First, backwards: false)) is { } victim)
        {
            Remove(victim);
        }
    }

    private void Remove(BlockEntry entry)
    {
        if (!entry.Removed)
        {
            Unlink(entry);
            _bytes -= blockSize;
        }
    }

    private void Unlink(BlockEntry entry)
    {
        entry.Removed = true;
        _map.Remove((entry.ObjectId, entry.Index));
        if (entry.Unread)
        {
            entry.Unread = false;
            _unreadBytes -= blockSize;
            _ahead.Remove(entry.Node!);
        }
        else
        {
            _lru.Remove(entry.Node!);
        }
    }
}
