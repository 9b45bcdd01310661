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
    /// when the server sent no length). The response's own bytes are one version of the object.
    /// </summary>
    /// <exception cref="IOException">Any other failure, after the retries; the message names the redacted URL.</exception>
    public (byte[]? Buffer, long Size) GetObject(string url, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxBytes, Array.MaxLength - 1L);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        RemoteUrl parsed = RemoteUrl.Parse(url);
        RemoteBackend backend = BackendFor(parsed);
        return RunAsync(() => WithRetriesAsync(parsed.Name, "GET", null, async ct =>
        {
            Interlocked.Increment(ref _requests);
            using ObjectResponse? response = await backend.GetObjectAsync(parsed, ct).ConfigureAwait(false);
            if (response is null)
            {
                return ((byte[]?)null, -1L);
            }

            if (response.Length is long announced && announced > maxBytes)
            {
                return (null, announced);
            }

            // Without a length, read at most one byte past the limit to see whether the object is larger.
            int capacity = (int)(response.Length ?? (maxBytes + 1));
            byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, capacity));
            try
            {
                int got = 0;
                while (got < capacity)
                {
                    int n = await response.Body.ReadAsync(buffer.AsMemory(got, capacity - got), ct).ConfigureAwait(false);
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
                    ArrayPool<byte>.Shared.Return(buffer);
                    return (null, got);
                }

                Interlocked.Add(ref _bytesDelivered, got);
                return ((byte[]?)buffer, (long)got);
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(buffer);
                throw;
            }
        })).GetAwaiter().GetResult();
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
