namespace WindowDataset.Remote;

/// <summary>
/// The ETag of each whole object (a Zarr chunk) seen at its first GET in this run, so that a later GET of the same
/// object (after the chunk cache evicted it) that finds another version fails instead of mixing versions. Keyed by
/// a 64-bit hash of the URL; bounded by <see cref="CapacityBytes"/> (about 50 bytes plus the ETag's characters per
/// object): past it, further objects are not pinned (<see cref="Unpinned"/> counts them). Thread-safe.
/// </summary>
internal sealed class ObjectVersions
{
    /// <summary>What the table may hold by default: about 150,000 objects of quoted-MD5 ETags.</summary>
    public const long DefaultCapacityBytes = 16L << 20;

    private readonly Lock _gate = new();
    private readonly Dictionary<ulong, string> _etags = [];
    private long _capacityBytes = DefaultCapacityBytes;
    private long _bytes;
    private long _unpinned;

    /// <summary>Bytes the table may hold (part of the memory budget for sources whose chunks are whole objects).</summary>
    public long CapacityBytes
    {
        get => Volatile.Read(ref _capacityBytes);
        set => Volatile.Write(ref _capacityBytes, Math.Max(0, value));
    }

    /// <summary>Bytes the pins hold now.</summary>
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

    /// <summary>Objects read while the table was full, hence not pinned.</summary>
    public long Unpinned => Interlocked.Read(ref _unpinned);

    /// <summary>The ETag pinned for <paramref name="url"/>, or null when none is.</summary>
    public string? Pinned(string url)
    {
        lock (_gate)
        {
            return _etags.GetValueOrDefault(Hash(url));
        }
    }

    /// <summary>
    /// Pins <paramref name="etag"/> for <paramref name="url"/> on its first read; returns the ETag pinned earlier when
    /// it differs (the object changed), else null. An object served without an ETag is not pinned; one pinned earlier
    /// and now served without an ETag cannot be shown to be the same version, so it counts as changed.
    /// </summary>
    public string? Check(string url, string? etag)
    {
        ulong key = Hash(url);
        if (etag is null)
        {
            lock (_gate)
            {
                return _etags.GetValueOrDefault(key);
            }
        }

        lock (_gate)
        {
            if (_etags.TryGetValue(key, out string? pinned))
            {
                return string.Equals(pinned, etag, StringComparison.Ordinal) ? null : pinned;
            }

            long size = EntryBytes(etag);
            if (_bytes + size > _capacityBytes)
            {
                _unpinned++;
                return null;
            }

            _etags.Add(key, etag);
            _bytes += size;
            return null;
        }
    }

    /// <summary>Dictionary entry (key, value reference, hash, next, bucket) and the string object.</summary>
    private static long EntryBytes(string etag) => 48 + (2L * etag.Length);

    /// <summary>64-bit FNV-1a of the URL's characters: collisions among a million URLs are about 1 in 10^7.</summary>
    private static ulong Hash(string url)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in url)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}
