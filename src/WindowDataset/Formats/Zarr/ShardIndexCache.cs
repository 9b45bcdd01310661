namespace WindowDataset.Formats.Zarr;

/// <summary>
/// A small LRU of decoded shard indexes ((offset, nbytes) pairs), bounded by bytes; thread-safe. Two workers that
/// miss the same shard at once both decode its index (cheap, and rarer than a lock held across a read).
/// </summary>
internal sealed class ShardIndexCache
{
    private readonly object _gate = new();
    private readonly Dictionary<long, LinkedListNode<(long Shard, ulong[] Index)>> _entries = [];
    private readonly LinkedList<(long Shard, ulong[] Index)> _order = new();
    private readonly long _capacityBytes;

    public ShardIndexCache(long capacityBytes)
    {
        _capacityBytes = capacityBytes;
    }

    private long _bytes;

    /// <summary>Bytes held by cached indexes.</summary>
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

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    public bool TryGet(long shard, out ulong[] index)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(shard, out LinkedListNode<(long Shard, ulong[] Index)>? node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                index = node.Value.Index;
                return true;
            }
        }

        index = [];
        return false;
    }

    public void Add(long shard, ulong[] index)
    {
        long size = (long)index.Length * sizeof(ulong);
        if (size > _capacityBytes)
        {
            return;
        }

        lock (_gate)
        {
            if (_entries.ContainsKey(shard))
            {
                return;
            }

            while (_bytes + size > _capacityBytes && _order.Last is { } last)
            {
                _order.RemoveLast();
                _entries.Remove(last.Value.Shard);
                _bytes -= (long)last.Value.Index.Length * sizeof(ulong);
            }

            _entries[shard] = _order.AddFirst((shard, index));
            _bytes += size;
        }
    }
}
