using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using WindowDataset.Sources;

namespace WindowDataset.Remote;

/// <summary>
/// Stores made of many objects (Zarr): whole objects fetched by one GET with no HEAD first, objects that may be
/// missing, and the folders under a prefix. Every request goes through the same limiter, timeout and retry budget
/// as ranged reads.
/// </summary>
internal sealed partial class RemoteEngine
{
    /// <summary>
    /// GETs the whole object at <paramref name="url"/> into a buffer rented from <see cref="ArrayPool{T}.Shared"/>
    /// (the caller returns it). Returns (null, -1) when the object does not exist (404, NoSuchKey, BlobNotFound), and
    /// (null, size) without reading the body when it is larger than <paramref name="maxBytes"/> (size is the limit + 1
    /// when the server sent no length). The response's own bytes are one version of the object; an object read
    /// ahead (<see cref="WillNeedObject"/>) is taken from the read-ahead, or its GET waited for, never sent twice.
    /// </summary>
    /// <exception cref="IOException">Any other failure, after the retries, or an object whose ETag differs from the
    /// one its first GET in this run saw; the message names the redacted URL.</exception>
    public (byte[]? Buffer, long Size) GetObject(string url, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxBytes, Array.MaxLength - 1L);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        while (true)
        {
            (ObjectReadAhead.Entry? wait, ObjectReadAhead.Entry? own) = _ahead.Join(url);
            if (wait is null)
            {
                try
                {
                    FetchedObject fetched = RunAsync(() => FetchObjectAsync(url, maxBytes, ticket: null)).GetAwaiter().GetResult();
                    return (fetched.Buffer, fetched.Size);
                }
                finally
                {
                    if (own is not null)
                    {
                        _ahead.Release(own);
                    }
                }
            }

            FetchedObject ahead;
            bool ready = wait.Done.Task.IsCompleted;
            if (!ready && wait.Ticket is { } ticket)
            {
                // A read-ahead GET this worker now waits on goes before what nobody waits on (queued, or its retry).
                _limiter.Demand(ticket);
            }

            try
            {
                WaitWithoutSpinning(wait.Done.Task);
                ahead = wait.Done.Task.Result;
            }
            finally
            {
                _ahead.Release(wait);
            }

            if (ahead.WasSkipped)
            {
                continue; // the hint was withdrawn before its GET: read it now
            }

            if (ready)
            {
                Interlocked.Increment(ref _aheadReady);
            }
            else
            {
                Interlocked.Increment(ref _aheadJoined);
            }
            if (ahead.Buffer is { } buffer && ahead.Size > maxBytes)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                return (null, ahead.Size);
            }

            return (ahead.Buffer, ahead.Size);
        }
    }

    /// <summary>
    /// Starts the GET of the whole object at <paramref name="url"/> ahead of a demand read, within the read-ahead's
    /// share of the budget (<see cref="ConfigureObjects"/>); nothing when it is already held or on its way, when it
    /// does not fit, or when <paramref name="stillNeeded"/>, asked once the object is reserved, says the reader has it
    /// already. Never blocks on the network and never throws: a failed read-ahead GET is reported to the demand read
    /// that claims it.
    /// </summary>
    public void WillNeedObject(string url, long maxBytes, Func<bool>? stillNeeded)
    {
        if (Volatile.Read(ref _disposed) != 0 || maxBytes < 0 || maxBytes >= Array.MaxLength)
        {
            return;
        }

        // The largest buffer the response may rent (the pool rounds up to a power of two).
        long reserve = (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)maxBytes + 1);
        ObjectReadAhead.Entry? entry = _ahead.TryReserve(url, reserve);
        if (entry is null)
        {
            return;
        }

        if (stillNeeded is not null && !stillNeeded())
        {
            _ahead.Cancel(entry);
            return;
        }

        Interlocked.Increment(ref _aheadStarted);
        _ = Task.Run(async () =>
        {
            try
            {
                _ahead.Complete(entry, await FetchObjectAsync(url, maxBytes, entry.Ticket).ConfigureAwait(false));
            }
            catch (Exception e)
            {
                _ahead.Fail(entry, e);
            }
        });
    }

    /// <summary>
    /// Sizes the read-ahead of whole objects (<paramref name="readAheadBytes"/>, 0: off) and the table of their
    /// pinned ETags (<paramref name="versionBytes"/>); both count in the memory budget (<see cref="ObjectBytes"/>).
    /// </summary>
    public void ConfigureObjects(long readAheadBytes, long versionBytes)
    {
        _ahead.Capacity = readAheadBytes;
        _versions.CapacityBytes = versionBytes;
        Volatile.Write(ref _objectsConfigured, true);
    }

    /// <summary>
    /// Bytes of the whole-object read-ahead and ETag table once <see cref="ConfigureObjects"/> sized them (part of the
    /// memory budget); 0 before (no read-ahead; the ETag table's default cap, for a reader without a budget).
    /// </summary>
    public long ObjectBytes => Volatile.Read(ref _objectsConfigured) ? _ahead.Capacity + _versions.CapacityBytes : 0;

    /// <summary>Bytes the whole-object read-ahead may hold (0: off).</summary>
    internal long ObjectReadAheadCapacity => _ahead.Capacity;

    /// <summary>The ETag pinned for a whole object's URL (tests, diagnostics).</summary>
    internal string? PinnedETag(string url) => _versions.Pinned(url);

    /// <summary>One whole-object GET with retries, checked against the ETag its first GET in this run pinned.</summary>
    private async Task<FetchedObject> FetchObjectAsync(string url, long maxBytes, RequestTicket? ticket)
    {
        RemoteUrl parsed = RemoteUrl.Parse(url);
        RemoteBackend backend = BackendFor(parsed);
        (byte[]? buffer, long size, string? etag) = await WithRetriesAsync(parsed.Name, "GET", null, async ct =>
        {
            Interlocked.Increment(ref _requests);
            using ObjectResponse? response = await backend.GetObjectAsync(parsed, ct).ConfigureAwait(false);
            if (response is null)
            {
                return ((byte[]?)null, -1L, (string?)null);
            }

            if (response.Length is long announced && announced > maxBytes)
            {
                return (null, announced, response.ETag);
            }

            // Without a length, read at most one byte past the limit to see whether the object is larger.
            int capacity = (int)(response.Length ?? (maxBytes + 1));
            byte[] rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, capacity));
            try
            {
                int got = 0;
                while (got < capacity)
                {
                    int n = await response.Body.ReadAsync(rented.AsMemory(got, capacity - got), ct).ConfigureAwait(false);
                    if (n == 0)
                    {
                        break;
                    }

                    got += n;
                }

                Interlocked.Add(ref _bytesFetched, got);
                if (response.Length is long expected && got != expected)
                {
                    throw new RemoteTransientException(string.Create(CultureInfo.InvariantCulture, $"truncated body: {got} of {expected} bytes"));
                }

                if (got > maxBytes)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                    return (null, got, response.ETag);
                }

                Interlocked.Add(ref _bytesDelivered, got);
                return ((byte[]?)rented, (long)got, response.ETag);
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(rented);
                throw;
            }
        }, ticket).ConfigureAwait(false);

        // A chunk read again after the chunk cache dropped it must be the version its first read saw.
        string? pinned = size < 0 ? _versions.Pinned(url) : _versions.Check(url, etag);
        if (pinned is not null)
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            Interlocked.Increment(ref _failed);
            throw new IOException($"{parsed.Name}: GET: the object changed since it was first read (ETag {pinned}, now {(size < 0 ? "missing" : etag ?? "none")}).");
        }

        return new FetchedObject(buffer, size);
    }

    /// <summary>As <see cref="Open"/>, but null when the object does not exist (a shard never written).</summary>
    /// <exception cref="IOException">Any other failure, after the retries; the message names the redacted URL.</exception>
    public ByteSource? TryOpen(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        RemoteUrl parsed = RemoteUrl.Parse(url);
        RemoteBackend backend = BackendFor(parsed);
        RemoteObjectInfo? found = RunAsync(() => WithRetriesAsync(parsed.Name, "opening", null, ct => backend.TryStatAsync(parsed, ct))).GetAwaiter().GetResult();
        if (found is not { } info)
        {
            return null;
        }

        Interlocked.Increment(ref _opens);
        string key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{parsed.Name}\n{info.ETag}\n{info.Length}\n{_blockSize}"))))[..32].ToLowerInvariant();
        var remote = new RemoteObject(Interlocked.Increment(ref _nextObjectId), parsed, backend, info, key);
        return new RemoteByteSource(this, remote);
    }

    /// <summary>
    /// The folders next to the object <paramref name="url"/> names (for <c>s3://bucket/a.zarr/.zgroup</c>, whether it
    /// exists or not: <c>grp</c> for the keys <c>a.zarr/grp/...</c>), by their names, in ordinal order; null for plain
    /// HTTP, which has no listing.
    /// </summary>
    /// <exception cref="IOException">The listing failed, after the retries; the message names the redacted URL.</exception>
    public IReadOnlyList<string>? ListFolders(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        RemoteUrl parsed = RemoteUrl.Parse(url);
        if (parsed.Kind == RemoteUrlKind.Http)
        {
            return null;
        }

        string prefix = parsed.Key[..(parsed.Key.LastIndexOf('/') + 1)];
        RemoteBackend backend = BackendFor(parsed);
        List<string> folders = RunAsync(() => WithRetriesAsync(parsed.Name, "listing", null, ct => backend.ListFoldersAsync(parsed, parsed.Container, prefix, ct))).GetAwaiter().GetResult();
        var names = new List<string>(folders.Count);
        foreach (string folder in folders)
        {
            string name = folder.StartsWith(prefix, StringComparison.Ordinal) ? folder[prefix.Length..].TrimEnd('/') : string.Empty;
            if (name.Length > 0 && !name.Contains('/', StringComparison.Ordinal))
            {
                names.Add(name);
            }
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }
}
