namespace WindowDataset.Formats.Zarr;

/// <summary>
/// Where the objects of a Zarr store live (a local directory, or a URL prefix read through the remote engine).
/// Keys are relative to the store's root and use <c>/</c> (<c>grp/x/.zarray</c>, <c>x/c/0/0</c>). A missing key is
/// not an error: it is a chunk never written, or a node that is not there.
/// </summary>
internal abstract class ZarrStorage : IDisposable
{
    /// <summary>The store's root for messages: the directory, or the URL with its secrets redacted.</summary>
    public abstract string Root { get; }

    /// <summary>Whether group hierarchies should be found through consolidated metadata before listing (one request instead of a walk).</summary>
    public abstract bool PrefersConsolidated { get; }

    /// <summary>The path or redacted URL of <paramref name="key"/>, for messages.</summary>
    public abstract string Describe(string key);

    /// <summary>
    /// The whole object <paramref name="key"/> in a buffer rented from <see cref="System.Buffers.ArrayPool{T}.Shared"/>
    /// (the caller returns it), or no buffer when it is missing (<see cref="ZarrBytes.Missing"/>) or larger than
    /// <paramref name="maxBytes"/> (then nothing is read or allocated: <see cref="ZarrBytes.Size"/> says how large).
    /// </summary>
    public abstract ZarrBytes Read(string key, long maxBytes);

    /// <summary>The object <paramref name="key"/> for random access (shards), or null when it is missing.</summary>
    public abstract ZarrObject? OpenObject(string key);

    /// <summary>The names of the folders directly under <paramref name="prefix"/> (empty: the root), or null when the storage cannot list (plain HTTP).</summary>
    public abstract IReadOnlyList<string>? ListChildren(string prefix);

    /// <summary>Whether chunks can be fetched ahead (<see cref="WillNeed"/>, <see cref="OpenedObject"/>): a remote store.</summary>
    public virtual bool ReadsAhead => false;

    /// <summary>
    /// Starts fetching the whole object <paramref name="key"/> (of at most <paramref name="maxBytes"/> bytes) for a
    /// later <see cref="Read"/>, unless <paramref name="stillNeeded"/> says the caller has its chunk already. Never blocks.
    /// </summary>
    public virtual void WillNeed(string key, long maxBytes, Func<bool>? stillNeeded)
    {
    }

    /// <summary>The object <paramref name="key"/> when an earlier <see cref="OpenObject"/> opened it and it is still open (no request); else null.</summary>
    public virtual ZarrObject? OpenedObject(string key) => null;

    public virtual void Dispose()
    {
    }

    /// <summary><paramref name="prefix"/>/<paramref name="name"/>, or <paramref name="name"/> at the root.</summary>
    public static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "/" + name;
}
