using System.Collections.Concurrent;
using WindowDataset.Remote;
using WindowDataset.Sources;

namespace WindowDataset.Formats.Zarr;

/// <summary>
/// A store under a URL (<c>s3://bucket/a.zarr</c>, <c>az://container/a.zarr</c>, <c>https://host/a.zarr</c>): each
/// key is the object at URL/key, read through the loader's <see cref="RemoteEngine"/> (its limiter, timeout and
/// retries). Whole objects (metadata, chunks) are one GET each; shards are opened once (size and ETag pinned) and
/// read by ranges through the engine's block cache.
/// </summary>
internal sealed class RemoteZarrStorage : ZarrStorage
{
    /// <summary>Shards kept open at most; past it the map starts again (an open shard is a few hundred bytes, its blocks live in the engine's bounded cache).</summary>
    private const int MaxOpenObjects = 4096;

    private readonly RemoteEngine _engine;
    private readonly string _base;
    private readonly string _query;
    private readonly bool _escape;
    private readonly ConcurrentDictionary<string, ByteSource?> _open = new(StringComparer.Ordinal);
    private int _disposed;

    public RemoteZarrStorage(RemoteEngine engine, string url)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(url);
        _engine = engine;
        bool http = url.StartsWith("http", StringComparison.OrdinalIgnoreCase);
        int query = http ? url.IndexOf('?', StringComparison.Ordinal) : -1;
        _escape = http;
        _query = query < 0 ? string.Empty : url[query..];
        _base = (query < 0 ? url : url[..query]).TrimEnd('/');
        Root = RemoteEngine.Redact(_base + _query);
        _ = RemoteUrl.Parse(UrlOf(".zattrs")); // a malformed URL fails here, naming it
    }

    public override string Root { get; }

    public override bool PrefersConsolidated => true;

    /// <summary>The URL of <paramref name="key"/> (its segments escaped for HTTP forms; a SAS query kept).</summary>
    public string UrlOf(string key)
    {
        if (key.Length == 0)
        {
            return _base + _query;
        }

        if (!_escape)
        {
            return _base + "/" + key + _query;
        }

        var url = new System.Text.StringBuilder(_base);
        foreach (string segment in key.Split('/'))
        {
            url.Append('/').Append(Uri.EscapeDataString(segment));
        }

        return url.Append(_query).ToString();
    }

    public override string Describe(string key) => RemoteEngine.Redact(UrlOf(key));

    public override ZarrBytes Read(string key, long maxBytes)
    {
        (byte[]? buffer, long size) = _engine.GetObject(UrlOf(key), maxBytes);
        return new ZarrBytes(buffer, size);
    }

    public override ZarrObject? OpenObject(string key)
    {
        if (!_open.TryGetValue(key, out ByteSource? bytes))
        {
            ByteSource? mine = _engine.TryOpen(UrlOf(key));
            if (_open.Count >= MaxOpenObjects)
            {
                _open.Clear(); // not disposed: a worker may still read one; their blocks age out of the engine's cache
            }

            // Another worker may have opened it first: use its copy, so every read of the shard names one pinned version.
            bytes = _open.GetOrAdd(key, mine);
            if (!ReferenceEquals(bytes, mine))
            {
                mine?.Dispose();
            }

            // Opened while the store was being disposed (a read-ahead's index read): nobody would dispose it later.
            if (Volatile.Read(ref _disposed) != 0)
            {
                _open.TryRemove(key, out _);
                bytes?.Dispose();
                throw new ObjectDisposedException(Describe(key));
            }
        }

        return bytes is null ? null : new ZarrObject(bytes);
    }

    public override bool ReadsAhead => true;

    public override void WillNeed(string key, long maxBytes, Func<bool>? stillNeeded) => _engine.WillNeedObject(UrlOf(key), maxBytes, stillNeeded);

    public override ZarrObject? OpenedObject(string key) => _open.TryGetValue(key, out ByteSource? bytes) && bytes is not null ? new ZarrObject(bytes) : null;

    public override IReadOnlyList<string>? ListChildren(string prefix) => _engine.ListFolders(UrlOf(Join(prefix, ".zgroup")));

    public override void Dispose()
    {
        Volatile.Write(ref _disposed, 1);
        foreach (KeyValuePair<string, ByteSource?> open in _open)
        {
            open.Value?.Dispose();
        }

        _open.Clear();
        base.Dispose();
    }
}
